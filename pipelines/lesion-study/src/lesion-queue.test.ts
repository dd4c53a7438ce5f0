import type { Dataset, LoadedModel } from '@modscope/core';
import { modularMlp, referenceEvaluator } from '@modscope/core/testing';
import { type RedisServer, startRedisServer, startWorker } from '@modscope/queue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lesionHandlers, type LesionHandlerOptions, runLesion } from './index.js';
import { modularStudy } from './test-support/modular-study.js';

// the model as bytes a worker can load: the planted network's recipe (modularStudy's)
const recipe = new TextEncoder().encode(JSON.stringify({ modules: 2, seed: 5 }));
const loaded: { hash: string; name: string }[] = [];
const loadModel: LesionHandlerOptions['loadModel'] = async ({ hash, bytes, name }) => {
  loaded.push({ hash, name });
  const { network } = modularMlp(JSON.parse(new TextDecoder().decode(bytes)));
  return { network: { ...network, name }, format: 'reference', createEvaluator: async () => referenceEvaluator(network) };
};

let redis: RedisServer;
let stopWorker: () => Promise<void>;
beforeAll(async () => {
  redis = await startRedisServer();
  const worker = await startWorker({
    url: redis.url,
    concurrency: 2,
    handlers: lesionHandlers({ loadModel }),
  });
  stopWorker = worker.stop;
});
afterAll(async () => {
  await stopWorker?.();
  await redis?.stop();
});

/** The result as --json writes it (NaN as null), without its wall-clock timings. */
const written = (result: object) =>
  JSON.stringify({ ...result, timings: undefined }, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));

/** modularStudy with class 0's examples relabelled as class 1: class 0 has no examples, so its accuracies are NaN. */
function study(): { model: LoadedModel; dataset: Dataset } {
  const { model, dataset } = modularStudy(160);
  return { model, dataset: { ...dataset, labels: dataset.labels.map((l) => (l === 0 ? 1 : l)) } };
}

describe('runLesion({ queue })', () => {
  it('gives byte-identical results to a local run, its lesions sent in pieces of at most 20 by content hash', async () => {
    const { model, dataset } = study();
    const options = { k: 2, random: 25, top: 5, seed: 3 };
    const local = await runLesion(model, dataset, options);
    const progress: [number, number][] = [];
    const queued = await runLesion(model, dataset, {
      ...options,
      queue: { url: redis.url, modelBytes: recipe },
      onProgress: (stage, done, total) => {
        if (stage === 'lesions') progress.push([done, total]);
      },
    });
    expect(local.subclusters.every((s) => s.perClassAccuracy[0] === null || Number.isNaN(s.perClassAccuracy[0]))).toBe(true);
    expect(new Set(local.subclusters.flatMap((s) => s.random.accuracy)).size).toBeGreaterThan(2);
    expect(written(queued)).toBe(written(local));
    // 26 lesions per sub-cluster: two pieces each (20 and 6)
    expect(progress.at(-1)).toEqual([2 * local.subclusters.length, 2 * local.subclusters.length]);
    expect(progress).toHaveLength(2 * local.subclusters.length);
    // the model was loaded once, by its hash, under the submitter's name
    expect(loaded).toHaveLength(1);
    expect(loaded[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(loaded[0]!.name).toBe(model.network.name);
  });

  it('refuses a model it cannot send and feature visualization, in one line each', async () => {
    const { model, dataset } = study();
    await expect(runLesion(model, dataset, { k: 2, random: 2, queue: { url: redis.url } })).rejects.toThrow(
      /^--queue sends the model to workers as an ONNX file, and model '.*' is a reference model without a file\. Run it without --queue, or convert the model to ONNX/,
    );
    await expect(
      runLesion(model, dataset, { k: 2, random: 2, featureViz: '/tmp/nowhere', queue: { url: redis.url, modelBytes: recipe } }),
    ).rejects.toThrow(
      /^--queue sends the lesion sweep to workers; feature visualization runs only here\. Run --feature-viz without --queue\.$/,
    );
  });

  it('a piece that fails fails the run with one line naming the piece', async () => {
    const { model, dataset } = study();
    const broken = new TextEncoder().encode('not a recipe');
    await expect(runLesion(model, dataset, { k: 2, random: 2, queue: { url: redis.url, modelBytes: broken } })).rejects.toThrow(
      /^piece lesion-study\/lesions #\d+ failed: .*JSON/,
    );
  });
});
