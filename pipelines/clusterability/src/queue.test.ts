import type { Partitioner } from '@modscope/core';
import { modularMlp, tinyLanguageModel } from '@modscope/core/testing';
import { buildWeightGraph, removeIsolatedNodes } from '@modscope/graph';
import type { Piece, PieceContext } from '@modscope/queue';
import { type RedisServer, startRedisServer, startWorker } from '@modscope/queue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeClusterability, type PartitionerSpec, loadPartitioner, shuffleHandlers, shuffleTest } from './index.js';

const spectral = { module: '@modscope/partition-spectral', factory: 'createSpectralPartitioner' };
const network = modularMlp({ modules: 2, cross: 0.2, seed: 9 }).network;

let redis: RedisServer;
let stopWorker: () => Promise<void>;
const resolved: PartitionerSpec[] = [];
let piecesRun = 0;
beforeAll(async () => {
  redis = await startRedisServer();
  // the worker's own table: a piece's module is never imported as sent
  const table: Record<string, PartitionerSpec> = { createSpectralPartitioner: spectral };
  const partitioner = (spec: PartitionerSpec): Promise<Partitioner> => {
    resolved.push(spec);
    const known = table[spec.factory];
    if (!known) return Promise.reject(new Error(`this worker does not run partitioner '${spec.factory}'.`));
    return loadPartitioner({ ...known, options: spec.options });
  };
  const worker = await startWorker({
    url: redis.url,
    concurrency: 2,
    // counted, to see which runs went through the queue
    handlers: Object.fromEntries(
      Object.entries(shuffleHandlers({ partitioner })).map(([kind, handler]) => [
        kind,
        (piece: Piece, context: PieceContext) => {
          piecesRun++;
          return handler(piece, context);
        },
      ]),
    ),
  });
  stopWorker = worker.stop;
});
afterAll(async () => {
  await stopWorker?.();
  await redis?.stop();
});

/** The result as JSON without its wall-clock timings. */
const withoutTimings = (result: object) => JSON.stringify({ ...result, timings: undefined, seconds: undefined });

describe('shuffles on a queue', () => {
  it('analyzeClusterability gives byte-identical results locally and through the queue', async () => {
    const options = { k: 4, seed: 3, shuffles: 20, partitioner: spectral };
    const local = await analyzeClusterability(network, { ...options, workers: 0 });
    const progress: number[] = [];
    const queued = await analyzeClusterability(network, {
      ...options,
      queue: { url: redis.url },
      onProgress: (stage, done) => {
        if (stage === 'shuffles') progress.push(done);
      },
    });
    expect(withoutTimings(queued)).toBe(withoutTimings(local));
    expect(queued.nulls.layer!.values).toHaveLength(20);
    expect(progress).toHaveLength(40);
    expect(progress.at(-1)).toBe(40);
  });

  it("a language model's residual view (heads too) gives byte-identical results locally and through the queue", async () => {
    const lm = tinyLanguageModel({ seed: 4 });
    const options = { k: 3, seed: 1, shuffles: 4, partitioner: spectral, languageModel: { view: 'residual' as const, attention: true } };
    for (const prune of [undefined, 0.5]) {
      const pruned = prune === undefined ? {} : { prune };
      const local = await analyzeClusterability(lm, { ...options, ...pruned, workers: 0 });
      const before = piecesRun;
      const queued = await analyzeClusterability(lm, { ...options, ...pruned, queue: { url: redis.url } });
      expect(piecesRun - before).toBe(8);
      expect(withoutTimings(queued)).toBe(withoutTimings(local));
      expect(queued.nulls.layer!.values).toHaveLength(4);
    }
  });

  it('a shuffle that fails fails the run with one line naming the piece', async () => {
    const graph = removeIsolatedNodes(buildWeightGraph(network));
    const louvain = { module: 'file:///somewhere/evil.js', factory: 'createLouvainPartitioner' };
    await expect(
      shuffleTest(graph, { real: 1, k: 2, shuffles: 2, nulls: ['layer'], partitioner: louvain, queue: { url: redis.url } }),
    ).rejects.toThrow(/^piece clusterability\/shuffle #\d failed: this worker does not run partitioner 'createLouvainPartitioner'\.$/);
    expect(resolved.some((spec) => spec.module === louvain.module)).toBe(true);
  });

  it('a Partitioner object cannot be queued', async () => {
    const graph = removeIsolatedNodes(buildWeightGraph(network));
    const partitioner = await loadPartitioner(spectral);
    await expect(shuffleTest(graph, { real: 1, k: 2, shuffles: 2, partitioner, queue: { url: redis.url } })).rejects.toThrow(
      'a Partitioner object cannot be sent to a queue.',
    );
  });
});
