import { describe, expect, it } from 'vitest';
import { transformerView, type Network } from '@modscope/core';
// the worker script exists only in the build, so this file tests the built package
import { createLanguageModel, defaultTrainingWorkers, trainLanguageModel } from '../dist/index.js';

/** Windows of `length` ids from a repeating pattern, each starting at a seeded offset. */
function patternWindows(count: number, length: number) {
  const pattern = [1, 2, 3, 4, 1, 3, 2, 4, 4, 3];
  const tokens = new Int32Array(count * length);
  let s = 1;
  for (let w = 0; w < count; w++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    for (let t = 0; t < length; t++) tokens[w * length + t] = pattern[(s + t) % pattern.length]!;
  }
  return { tokens, count, context: length };
}

const data = patternWindows(96, 9);
const fresh = () => createLanguageModel({ vocabulary: 5, context: 8, blocks: 2, width: 16, heads: 2, seed: 0 });
const weightsOf = (n: Network) => n.layers.flatMap((l) => Object.values(l).filter((v): v is Float32Array => v instanceof Float32Array));
const maxDiff = (a: Network, b: Network) => {
  const [x, y] = [weightsOf(a), weightsOf(b)];
  let m = 0;
  x.forEach((w, i) => {
    for (let j = 0; j < w.length; j++) m = Math.max(m, Math.abs(w[j]! - y[i]![j]!));
  });
  return m;
};

describe('data-parallel language-model training (worker threads)', () => {
  it('gives the weights of training in one thread, up to float rounding, with 1 and 2 workers', async () => {
    const options = { steps: 6, batchSize: 32, learningRate: 0.01, seed: 2 };
    const alone = await trainLanguageModel(fresh(), data, { ...options, workers: 0 });
    const one = await trainLanguageModel(fresh(), data, { ...options, workers: 1 });
    const two = await trainLanguageModel(fresh(), data, { ...options, workers: 2 });
    expect([alone.workers, one.workers, two.workers]).toEqual([0, 1, 2]);
    expect(maxDiff(one.network, alone.network)).toBeLessThan(1e-5);
    expect(maxDiff(two.network, alone.network)).toBeLessThan(1e-5);
    expect(maxDiff(one.network, fresh())).toBeGreaterThan(1e-3);
    expect(one.history[0]!.loss).toBeCloseTo(alone.history[0]!.loss, 5);
    expect(one.history[0]!.accuracy).toBe(alone.history[0]!.accuracy);
  });

  it('is deterministic for a seed and a worker count: identical weights, bit for bit', async () => {
    const options = { steps: 4, batchSize: 32, seed: 5, workers: 1 };
    const a = await trainLanguageModel(fresh(), data, options);
    const b = await trainLanguageModel(fresh(), data, options);
    expect(weightsOf(a.network)).toEqual(weightsOf(b.network));
  });

  it('draws the same dropout masks, adds the L1 penalty once and holds masks at zero whatever the worker count', async () => {
    const units = new Float32Array(64).fill(1);
    units[5] = 0;
    const options = {
      steps: 5,
      batchSize: 31,
      learningRate: 0.01,
      dropout: 0.3,
      l1: 1e-3,
      seed: 7,
      masks: [{ layer: 'block0.mlp.act', units }],
    };
    const alone = await trainLanguageModel(fresh(), data, { ...options, workers: 0 });
    const two = await trainLanguageModel(fresh(), data, { ...options, workers: 2 });
    expect(maxDiff(two.network, alone.network)).toBeLessThan(1e-5);
    expect(two.history[0]!.penalty).toBeCloseTo(alone.history[0]!.penalty!, 6);
    const mlpIn = transformerView(two.network).blocks[0]!.mlpIn;
    for (let i = 0; i < 16; i++) expect(mlpIn.kernel[i * 64 + 5]).toBe(0);
  });

  it('uses no workers for short runs unless asked, and never more than a batch less one', async () => {
    expect(defaultTrainingWorkers()).toBeGreaterThanOrEqual(0);
    const short = await trainLanguageModel(fresh(), data, { steps: 2 });
    expect(short.workers).toBe(0);
    const tiny = await trainLanguageModel(fresh(), data, { steps: 1, batchSize: 2, workers: 4 });
    expect(tiny.workers).toBe(1);
    await expect(trainLanguageModel(fresh(), data, { workers: -1 })).rejects.toThrow(/workers must be an integer ≥ 0/);
  });
});
