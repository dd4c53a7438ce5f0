import { createRandom, inputSize, ModscopeError, type Network } from '@modscope/core';
import { adjustedRandIndex, modularMlp, referenceEvaluator, tinyMlp } from '@modscope/core/testing';
import { describe, expect, it } from 'vitest';
import { createCoactivationPartitioner } from './coactivation-partitioner.js';
import { partitionByCoactivation } from './partition-by-coactivation.js';

function randomInputs(network: Network, count: number, seed: number): Float32Array {
  const rng = createRandom(seed);
  return Float32Array.from({ length: count * inputSize(network) }, () => rng.normal());
}

/** tinyMlp (6-8-7-3) with the biases of some units of a layer pushed so low that ReLU keeps them at 0. */
function mlpWithDeadUnits(dead: readonly number[], id = 'dense1'): Network {
  const network = tinyMlp();
  const layers = network.layers.map((layer) => {
    if (layer.id !== id || layer.kind !== 'dense') return layer;
    const bias = Float32Array.from(layer.bias ?? new Float32Array(layer.units));
    for (const u of dead) bias[u] = -1e4;
    return { ...layer, bias };
  });
  return { ...network, layers };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(ModscopeError.isInstance(error)).toBe(true);
  expect(error).toMatchObject({ name: 'InvalidArgumentError', code: 'invalid-argument' });
  expect((error as Error).message).toMatch(/^@modscope\/partition-coactivation: /);
  return error as Error;
}

describe('partitionByCoactivation on planted modules', () => {
  /** ARI over both hidden layers together against the planted modules (units left out ignored). */
  async function recovery(options: { modules: number; cross: number; seed: number; measure?: 'spearman' | 'pearson' }) {
    const { network, modules } = modularMlp({ modules: options.modules, cross: options.cross, seed: options.seed });
    const count = 1000;
    const p = await partitionByCoactivation(referenceEvaluator(network), {
      inputs: randomInputs(network, count, options.seed),
      count,
      k: options.modules,
      ...(options.measure ? { measure: options.measure } : {}),
    });
    expect(p.layers.map((l) => l.layer)).toEqual(['dense1', 'dense2']);
    const labels = Int32Array.from(p.layers.flatMap((l) => [...l.labels]));
    const truth = Int32Array.from([...modules[1]!, ...modules[2]!]);
    return { p, ari: adjustedRandIndex(labels, truth) };
  }

  // Separate modules driven by disjoint inputs: cross-module correlations are sampling noise (~1/√1000).
  // Measured: ARI 1.000 for both measures.
  it('recovers 4 separate modules across both hidden layers (ARI ≥ 0.95)', async () => {
    for (const measure of ['spearman', 'pearson'] as const) {
      const { p, ari } = await recovery({ modules: 4, cross: 0, seed: 3, measure });
      expect(ari).toBeGreaterThanOrEqual(0.95);
      expect(p).toMatchObject({ k: 4, measure, point: 'post', examples: 1000 });
    }
  });

  // Cross-module weights at 0.3× the within-module ones couple the modules. Measured: ARI 0.78–0.84 over
  // seeds 3–7 (0.92–0.98 at 0.2×); the bound leaves room for seed-to-seed spread, not for failure.
  it('mostly recovers coupled modules (cross weights 0.3×: ARI ≥ 0.7)', async () => {
    const { ari } = await recovery({ modules: 4, cross: 0.3, seed: 3 });
    expect(ari).toBeGreaterThanOrEqual(0.7);
  });
});

describe('partitionByCoactivation', () => {
  const network = tinyMlp();
  const evaluator = referenceEvaluator(network);
  const inputs = randomInputs(network, 300, 1);
  const partitioner = createCoactivationPartitioner({ nInit: 5 });

  it('is deterministic for a seed', async () => {
    const options = { inputs, count: 300, k: 3, seed: 9, partitioner };
    const a = await partitionByCoactivation(evaluator, options);
    const b = await partitionByCoactivation(evaluator, options);
    expect(a.layers.map((l) => [...l.labels])).toEqual(b.layers.map((l) => [...l.labels]));
  });

  it('uses the hidden layers by default and only the first `limit` examples', async () => {
    const limited = await partitionByCoactivation(evaluator, { inputs, count: 300, limit: 80, k: 3, partitioner });
    const first = await partitionByCoactivation(evaluator, { inputs: inputs.subarray(0, 80 * 6), count: 80, k: 3, partitioner });
    expect(limited.examples).toBe(80);
    expect(limited.layers.map((l) => l.layer)).toEqual(['dense1', 'dense2']);
    expect(limited.layers.map((l) => [...l.labels])).toEqual(first.layers.map((l) => [...l.labels]));
  });

  it('labels units with zero variance −1 and lists them', async () => {
    const dead = mlpWithDeadUnits([0, 5]);
    const p = await partitionByCoactivation(referenceEvaluator(dead), { inputs, count: 300, k: 3, partitioner });
    expect(p.dropped).toEqual([
      { layer: 'dense1', unit: 0 },
      { layer: 'dense1', unit: 5 },
    ]);
    const [dense1, dense2] = p.layers;
    expect(dense1!.labels[0]).toBe(-1);
    expect(dense1!.labels[5]).toBe(-1);
    for (const l of [...dense1!.labels].filter((_, u) => u !== 0 && u !== 5).concat([...dense2!.labels]))
      expect(l).toBeGreaterThanOrEqual(0);
    // before the activation the same units vary
    const pre = await partitionByCoactivation(referenceEvaluator(dead), { inputs, count: 300, k: 3, point: 'pre', partitioner });
    expect(pre.dropped).toEqual([]);
  });

  it('local: partitions each layer on its own, capping k at the layer size − 1 with a note', async () => {
    const dead = mlpWithDeadUnits([0, 5]);
    const p = await partitionByCoactivation(referenceEvaluator(dead), { inputs, count: 300, k: 7, local: true, partitioner });
    // dense1: 8 units, 2 dead → 6 nodes → k 5; dense2: 7 units → k 6
    expect(p.layers.map((l) => [l.layer, l.k])).toEqual([
      ['dense1', 5],
      ['dense2', 6],
    ]);
    expect(p.k).toBe(6);
    expect(p.notes).toEqual([
      `layer 'dense1': k capped at 5 (6 units with variance).`,
      `layer 'dense2': k capped at 6 (7 units with variance).`,
    ]);
    for (const { labels, k } of p.layers) {
      expect(new Set([...labels].filter((l) => l >= 0)).size).toBe(k);
      for (const l of labels) expect(l).toBeLessThan(k);
    }
    expect([p.layers[0]!.labels[0], p.layers[0]!.labels[5]]).toEqual([-1, -1]);
  });

  it('local: a layer with one unit left is its own cluster', async () => {
    const dead = mlpWithDeadUnits([0, 1, 2, 3, 4, 5], 'dense2');
    const p = await partitionByCoactivation(referenceEvaluator(dead), { inputs, count: 300, k: 2, local: true, partitioner });
    expect(p.layers[1]).toMatchObject({ layer: 'dense2', k: 1 });
    expect([...p.layers[1]!.labels]).toEqual([-1, -1, -1, -1, -1, -1, 0]);
    expect(p.notes).toEqual([`layer 'dense2': k capped at 1 (1 unit with variance).`]);
  });

  it('local: a layer with no unit left is all −1, with a note', async () => {
    const dead = mlpWithDeadUnits([0, 1, 2, 3, 4, 5, 6], 'dense2');
    const p = await partitionByCoactivation(referenceEvaluator(dead), { inputs, count: 300, k: 2, local: true, partitioner });
    expect(p.layers.map((l) => [l.layer, l.k])).toEqual([
      ['dense1', 2],
      ['dense2', 0],
    ]);
    expect([...p.layers[1]!.labels]).toEqual(new Array(7).fill(-1));
    expect(p.k).toBe(2);
    expect(p.notes).toEqual([`layer 'dense2': every unit has zero variance; all are left out (−1).`]);
  });

  it('refuses what cannot work, saying how to fix it', async () => {
    const run = (options: Partial<Parameters<typeof partitionByCoactivation>[1]>, on = evaluator) =>
      rejection(partitionByCoactivation(on, { inputs, count: 300, partitioner, ...options }));
    expect((await run({ layers: [] })).message).toMatch(
      /no layers to partition\. Name at least one of the model's unit layers: dense1, dense2, dense3/,
    );
    expect((await run({ layers: ['act1'] })).message).toMatch(
      /'act1' is not a dense or conv2d layer of the model\. Use ids of unit layers/,
    );
    expect((await run({ layers: ['dense1', 'dense1'] })).message).toMatch(/layer 'dense1' is named twice/);
    expect((await run({ count: 1 })).message).toMatch(/at least 2 examples, got 1\. Pass more inputs/);
    expect((await run({ limit: 1 })).message).toMatch(/limit must be a whole number ≥ 2, got 1/);
    expect((await run({ k: 0 })).message).toMatch(/k must be a whole number ≥ 1, got 0/);
    expect((await run({ k: 16 })).message).toMatch(/k = 16 clusters asked for 15 units .*Use k ≤ 15/);
    expect((await run({ count: 301 })).message).toMatch(/1800 input values for 301 examples of 6 values each/);
    expect((await run({ measure: 'kendall' as 'spearman' })).message).toMatch(/measure must be 'spearman' or 'pearson'/);
    const allDead = referenceEvaluator(mlpWithDeadUnits([0, 1, 2, 3, 4, 5, 6, 7]));
    for (const local of [false, true])
      expect((await run({ layers: ['dense1'], local }, allDead)).message).toMatch(
        /all 8 units of 'dense1' have zero variance over the 300 examples.*units that are dead after ReLU vary at point: 'pre'/,
      );
  });
});
