import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PartitionerSpec } from '@modscope/clusterability';
import { modularMlp } from '@modscope/core/testing';
import { EXCISE_METHODS } from '@modscope/excision';
import { networkToOnnx, onnxLoader } from '@modscope/loader-onnx';
import { spectralPartitioner } from '@modscope/partition-spectral';
import { afterAll, describe, expect, it } from 'vitest';
import { parseManifest } from './manifest.js';
import { runSweep } from './run-sweep.js';
import { SWEEP_PIECE, type SweepReply, sweepHandlers } from './sweep-queue.js';
import { type ExciseFigures, sweepSummary } from './summary.js';

// A 32-32-32-8 MLP with two planted modules, as an ONNX file: it takes two-task data (32 inputs, 8 classes).
const dir = mkdtempSync(join(tmpdir(), 'modscope-sweep-excise-'));
const model = join(dir, 'planted.onnx');
const bytes = networkToOnnx(modularMlp({ modules: 2, sizes: [16, 16, 16, 4], seed: 5 }).network);
writeFileSync(model, bytes);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spectral: PartitionerSpec = { module: '@modscope/partition-spectral', factory: 'createSpectralPartitioner' };
const loadModel = (path: string, options: { name?: string }) => onnxLoader.load(path, options);
const withoutTimings = (text: string) => JSON.stringify({ ...JSON.parse(text), timings: undefined });

// tiny settings: a few fine-tuning and attack steps on a few hundred examples, a one-epoch floor
const options = {
  forget: 'class:3',
  limit: 160,
  trainLimit: 320,
  k: 4,
  methods: ['module', 'random'],
  finetuneSteps: 4,
  evaluateEvery: 2,
  neverTrainedEpochs: 1,
  relearn: [5, 10],
  relearnSteps: 2,
  relearnFrom: ['module'],
  batchSize: 32,
};

describe('an excise entry', () => {
  it('runs here, and as a queue piece gives the same result file apart from timings; its summary row', async () => {
    const manifest = parseManifest({ models: [model], analyses: [{ kind: 'excise', data: 'two-task', options }], seeds: [7] });
    const [outcome] = await runSweep(manifest, { loadModel, partitioners: { spectral: () => spectral } });
    if (outcome?.status !== 'ok')
      throw new Error(`the excise entry failed: ${outcome?.status === 'failed' ? outcome.error : 'no outcome'}`);
    expect(outcome.entry.name).toBe('planted.excise.seed7');
    expect(outcome.result).toMatchObject({
      kind: 'modscope/excise',
      model: 'planted.onnx',
      dataset: 'two-task',
      seed: 7,
      steps: 4,
      evaluateEvery: 2,
      partition: { source: 'weights', k: 4 },
      examples: { forget: expect.any(Number), retainTraining: expect.any(Number) },
    });
    const result = outcome.result as {
      methods: { method: string; stats: { finalForget: number } }[];
      floor: { forget: number; epochs: number } | null;
      relearning: { model: string; examples: number; stats: { finalForget: number } }[];
    };
    expect(result.methods.map((m) => m.method)).toEqual(['module', 'random']);
    expect(result.floor).toMatchObject({ epochs: 1 });
    expect(result.relearning.map((r) => [r.model, r.examples])).toEqual([
      ['module', 5],
      ['never-trained', 5],
      ['module', 10],
      ['never-trained', 10],
    ]);
    expect(outcome.text.endsWith('\n')).toBe(true);

    const hash = createHash('sha256').update(bytes).digest('hex');
    const handlers = sweepHandlers({ loadModel, partitioner: async () => spectralPartitioner });
    const context = { blob: async (h: string) => (h === hash ? bytes : Promise.reject(new Error('no such blob'))) };
    const piece = {
      kind: SWEEP_PIECE,
      seed: 7,
      payload: { model: { hash, name: 'planted.onnx' }, analysis: outcome.entry.analysis, partitioner: spectral },
    };
    const reply = (await handlers[SWEEP_PIECE]!(piece, context)) as SweepReply;
    if (!reply.ok) throw new Error(`the queued excise entry failed: ${reply.error}`);
    expect(withoutTimings(reply.text)).toBe(withoutTimings(outcome.text));

    const row = sweepSummary([outcome]).rows[0]!;
    expect(row).toMatchObject({ entry: 'planted.excise.seed7', kind: 'excise', analysis: 'excise', seed: 7, status: 'ok' });
    const module = result.methods.find((m) => m.method === 'module')!;
    const random = result.methods.find((m) => m.method === 'random')!;
    const relearned = result.relearning.find((r) => r.model === 'module' && r.examples === 10)!;
    expect(row.figures as ExciseFigures).toEqual({
      moduleForget: module.stats.finalForget,
      randomForget: random.stats.finalForget,
      floorForget: result.floor!.forget,
      relearnedForget: relearned.stats.finalForget,
    });
  }, 60_000);

  it("takes the excision package's methods, no more and no fewer", () => {
    const analysis = (methods: unknown) => ({ kind: 'excise', data: 'two-task', options: { forget: 'class:0', methods } });
    expect(() => parseManifest({ models: [model], analyses: [analysis([...EXCISE_METHODS])] })).not.toThrow();
    expect(() => parseManifest({ models: [model], analyses: [analysis(['x'])] })).toThrow(
      `analyses[0].options.methods[0] is "x": use one of ${EXCISE_METHODS.join(', ')}.`,
    );
  });

  it('a queued piece with a bad excise analysis answers in one line', async () => {
    const handlers = sweepHandlers({ loadModel, partitioner: async () => spectralPartitioner });
    const reply = (await handlers[SWEEP_PIECE]!(
      {
        kind: SWEEP_PIECE,
        seed: 0,
        payload: {
          model: { hash: 'f'.repeat(64), name: 'x' },
          analysis: { kind: 'excise', name: 'excise', data: 'two-task', options: { forget: 'trigger' } },
          partitioner: spectral,
        },
      },
      { blob: async () => Promise.reject(new Error('no such blob')) },
    )) as SweepReply;
    expect(reply).toEqual({
      ok: false,
      error:
        'a sweep piece with a bad analysis: options.forget is "trigger": use a class forget set, "class:3" or "class:3,5" (sweep does not run trigger or text forget sets yet: run modscope excise).',
    });
  });
});
