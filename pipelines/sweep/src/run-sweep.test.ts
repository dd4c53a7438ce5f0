import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { PartitionerSpec } from '@modscope/clusterability';
import { onnxLoader } from '@modscope/loader-onnx';
import { spectralPartitioner } from '@modscope/partition-spectral';
import { describe, expect, it } from 'vitest';
import { parseManifest } from './manifest.js';
import { runSweep, type SweepOutcome } from './run-sweep.js';
import { SWEEP_PIECE, type SweepReply, sweepHandlers } from './sweep-queue.js';
import { sweepSummary } from './summary.js';

const model = fileURLToPath(new URL('../../../fixtures/mlp-sigmoid-tanh.onnx', import.meta.url));
const spectral: PartitionerSpec = { module: '@modscope/partition-spectral', factory: 'createSpectralPartitioner' };
const partitioners = { spectral: () => spectral };
const loadModel = (path: string, options: { name?: string }) => onnxLoader.load(path, options);
const withoutTimings = (text: string) => JSON.stringify({ ...JSON.parse(text), timings: undefined });

const manifest = parseManifest({
  models: [model, { name: 'gone', path: `${model}.missing.onnx` }],
  analyses: [
    { kind: 'cluster', options: { k: 4, shuffles: 3 } },
    { kind: 'lesion', data: 'two-task', options: { k: 4, random: 3, limit: 64 } },
  ],
  seeds: [0, 5],
});

describe('runSweep here', () => {
  let outcomes: SweepOutcome[];
  const seen: string[] = [];
  const progress: number[] = [];

  it('runs every entry one after another; one that fails is an outcome with its reason in one line', async () => {
    outcomes = await runSweep(manifest, {
      loadModel,
      partitioners,
      // the fixture takes 784 inputs: the lesion entries fail on the data they are given, the others run
      onEntry: (o) => {
        seen.push(o.entry.name);
      },
      onProgress: (done) => progress.push(done),
    });
    expect(outcomes.map((o) => [o.entry.name, o.status])).toEqual([
      ['mlp-sigmoid-tanh.cluster.seed0', 'ok'],
      ['mlp-sigmoid-tanh.cluster.seed5', 'ok'],
      ['mlp-sigmoid-tanh.lesion.seed0', 'failed'],
      ['mlp-sigmoid-tanh.lesion.seed5', 'failed'],
      ['gone.cluster.seed0', 'failed'],
      ['gone.cluster.seed5', 'failed'],
      ['gone.lesion.seed0', 'failed'],
      ['gone.lesion.seed5', 'failed'],
    ]);
    expect(seen).toEqual(outcomes.map((o) => o.entry.name));
    expect(progress).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    for (const o of outcomes) if (o.status === 'failed') expect(o.error).not.toContain('\n');
    const [first, second] = outcomes as [SweepOutcome & { status: 'ok' }, SweepOutcome & { status: 'ok' }];
    expect(first.result).toMatchObject({ kind: 'modscope/cluster', network: 'mlp-sigmoid-tanh.onnx', seed: 0, k: 4 });
    expect(second.result).toMatchObject({ seed: 5 });
    expect(first.text.endsWith('\n')).toBe(true);
    expect(outcomes[2]).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^Shape mismatch for the input of model 'mlp-sigmoid-tanh.onnx' fed from dataset 'two-task'/),
    });
    expect(outcomes[4]).toMatchObject({ status: 'failed', error: expect.stringContaining('.missing.onnx') });
  });

  it('a whole entry as a queue piece gives the same result file apart from timings', async () => {
    const bytes = new Uint8Array(readFileSync(model));
    const hash = createHash('sha256').update(bytes).digest('hex');
    const asked: PartitionerSpec[] = [];
    const handlers = sweepHandlers({
      loadModel,
      // the worker's own table: the spectral partitioner of this install, whatever module the spec names
      partitioner: async (spec) => {
        asked.push(spec);
        return spectralPartitioner;
      },
    });
    const context = { blob: async (h: string) => (h === hash ? bytes : Promise.reject(new Error('no such blob'))) };
    const first = outcomes[1] as SweepOutcome & { status: 'ok' };
    const piece = {
      kind: SWEEP_PIECE,
      seed: 5,
      payload: { model: { hash, name: 'mlp-sigmoid-tanh.onnx' }, analysis: first.entry.analysis, partitioner: spectral },
    };
    const reply = (await handlers[SWEEP_PIECE]!(piece, context)) as SweepReply;
    expect(reply.ok).toBe(true);
    expect(withoutTimings((reply as { text: string }).text)).toBe(withoutTimings(first.text));
    expect(asked).toEqual([spectral]);
    // a piece that cannot run answers with its reason, it does not throw
    const bad = (await handlers[SWEEP_PIECE]!(
      { ...piece, payload: { ...piece.payload, model: { hash: 'f'.repeat(64), name: 'x' } } },
      context,
    )) as SweepReply;
    expect(bad).toEqual({ ok: false, error: 'no such blob' });
    const odd = (await handlers[SWEEP_PIECE]!(
      { ...piece, payload: { ...piece.payload, analysis: { kind: 'cluster', name: 'c', options: { k: 0 } } } },
      context,
    )) as SweepReply;
    expect(odd).toEqual({ ok: false, error: 'a sweep piece with a bad analysis: options.k is 0: use a positive integer, e.g. 12.' });
  });

  it('sums the outcomes up: one row per entry with its headline figures or its failure', () => {
    const summary = sweepSummary(outcomes, '/m/sweep.json');
    expect(summary).toMatchObject({ kind: 'modscope/sweep-summary', version: 1, manifest: '/m/sweep.json', entries: 8, failed: 6 });
    const first = outcomes[0] as SweepOutcome & { status: 'ok' };
    const nulls = first.result.nulls as Record<string, { p: number }>;
    expect(summary.rows[0]).toMatchObject({
      entry: 'mlp-sigmoid-tanh.cluster.seed0',
      model: 'mlp-sigmoid-tanh',
      analysis: 'cluster',
      kind: 'cluster',
      seed: 0,
      status: 'ok',
      error: null,
      figures: { ncut: first.result.ncut, p: { layer: nulls.layer!.p, 'layer-nonzero': nulls['layer-nonzero']!.p } },
    });
    expect(summary.rows[4]).toMatchObject({
      entry: 'gone.cluster.seed0',
      status: 'failed',
      figures: null,
      error: (outcomes[4] as { error: string }).error,
    });
  });
});
