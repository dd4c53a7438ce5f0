import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeMismatchError, weightedLayers } from '@modscope/core';
import { createNetwork } from './create-network.js';
import { evaluate } from './evaluate.js';
import { fineTune } from './fine-tune.js';
import { train } from './train.js';
import { l1Norm, onlyTask, twoTask } from './test-support/data.js';

const data = twoTask(1000);
const test = twoTask(400, 'test');
const fresh = () => createNetwork('32-16-16-8', { seed: 0 });
const kernels = (n: ReturnType<typeof fresh>) => weightedLayers(n).map((l) => l.kernel);

describe('train', () => {
  it('learns a synthetic task: accuracy rises', async () => {
    const network = fresh();
    const before = await evaluate(network, test);
    const result = await train(network, data, { epochs: 4, learningRate: 0.01 });
    const after = await evaluate(result.network, test);
    expect(result.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    expect(result.history.at(-1)!.step).toBe(4 * 16);
    expect(result.history.at(-1)!.accuracy).toBeGreaterThan(result.history[0]!.accuracy);
    expect(result.history.at(-1)!.loss).toBeLessThan(result.history[0]!.loss);
    expect(before.accuracy).toBeLessThan(0.4);
    expect(after.accuracy).toBeGreaterThan(0.9);
    expect(result.backend).toBe('wasm');
    expect(result.seconds).toBeGreaterThan(0);
    // the input network is not modified
    expect(kernels(network)).toEqual(kernels(fresh()));
  });

  it('gives bit-identical weights for the same seed and options (dropout included)', async () => {
    const options = { epochs: 2, dropout: 0.2, learningRate: 0.01, seed: 3 };
    const a = await train(fresh(), data, options);
    const b = await train(fresh(), data, options);
    const c = await train(fresh(), data, { ...options, seed: 4 });
    expect(kernels(a.network)).toEqual(kernels(b.network));
    expect(a.history).toEqual(b.history);
    expect(kernels(a.network)).not.toEqual(kernels(c.network));
  });

  it('L1 shrinks the weights compared with no penalty', async () => {
    const plain = await train(fresh(), data, { epochs: 3, learningRate: 0.01 });
    const l1 = await train(fresh(), data, { epochs: 3, learningRate: 0.01, l1: 1e-3 });
    const l2 = await train(fresh(), data, { epochs: 3, learningRate: 0.01, l2: 1e-3 });
    expect(l1Norm(kernels(l1.network))).toBeLessThan(0.8 * l1Norm(kernels(plain.network)));
    expect(l1Norm(kernels(l2.network))).toBeLessThan(l1Norm(kernels(plain.network)));
    expect(l1.history[0]!.penalty).toBeGreaterThan(0);
    expect(plain.history[0]!.penalty).toBeUndefined();
  });

  it('trains both heads of a multi-head loss', async () => {
    const heads: [number, number][] = [
      [0, 4],
      [4, 8],
    ];
    const result = await train(fresh(), data, { epochs: 3, learningRate: 0.01, loss: 'multi-head', heads });
    for (const task of [0, 1]) {
      const e = await evaluate(result.network, onlyTask(test, task), { heads });
      expect(e.accuracy).toBeGreaterThan(0.9);
    }
  });

  it('reports progress every step and evaluations every few steps, and runs exactly `steps`', async () => {
    const progress: number[] = [];
    const result = await fineTune(fresh(), data, {
      steps: 23,
      learningRate: 0.01,
      evaluateEvery: 10,
      onProgress: (p) => progress.push(p.step),
      onEvaluate: (state) => ({ step: state.step, accuracy: state.evaluate(test).accuracy, units: state.network().layers.length }),
    });
    expect(result.steps).toBe(23);
    expect(progress).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
    expect(result.evaluations.map((e) => e.step)).toEqual([0, 10, 20, 23]);
    expect(result.evaluations.map((e) => e.value.step)).toEqual([0, 10, 20, 23]);
    expect(result.evaluations.at(-1)!.value.accuracy).toBeGreaterThan(result.evaluations[0]!.value.accuracy);
    expect(result.history.map((h) => h.step)).toEqual([16, 23]);
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    const run = train(fresh(), data, {
      epochs: 5,
      signal: controller.signal,
      onProgress: (p) => p.step === 3 && controller.abort(new Error('stop here')),
    });
    await expect(run).rejects.toThrow('stop here');
  });

  it('refuses options and data that cannot work', async () => {
    const net = fresh();
    await expect(train(net, data, { prune: { sparsity: 1 } })).rejects.toThrow(InvalidArgumentError);
    await expect(train(net, data, { prune: 1.2 })).rejects.toThrow(/outside \[0, 1\)/);
    await expect(train(net, data, { prune: { sparsity: 0.5, from: 0.7 } })).rejects.toThrow(/prune.from|starts at/);
    await expect(train(net, data, { l1: -1e-4 })).rejects.toThrow(/l1 must be/);
    await expect(train(net, data, { dropout: 1 })).rejects.toThrow(/dropout/);
    await expect(train(net, data, { epochs: 0 })).rejects.toThrow(/epochs/);
    await expect(train(net, data, { optimizer: 'rmsprop' as 'adam' })).rejects.toThrow(/optimizer/);
    await expect(train(net, data, { heads: [[0, 4]] })).rejects.toThrow(/multi-head/);
    await expect(
      train(net, data, {
        loss: 'multi-head',
        heads: [
          [0, 5],
          [4, 8],
        ],
      }),
    ).rejects.toThrow(/overlap/);
    await expect(train(net, data, { spectralRegularizer: { m: 0 } })).rejects.toThrow(/m must/);
    await expect(train(net, data, { clusterableInit: { modules: 1 } })).rejects.toThrow(/modules/);
    await expect(fineTune(net, data, { clusterableInit: true } as object)).rejects.toThrow(/clusterable/);
    await expect(train(net, data, { masks: [{ layer: 'nope', units: [0] }] })).rejects.toThrow(/dense1/);
    // data that does not fit
    await expect(train(createNetwork('784-10'), data)).rejects.toThrow(ShapeMismatchError);
    await expect(train(createNetwork('32-4'), data)).rejects.toThrow(/classes/);
    await expect(train(net, { ...data, labels: (data.labels as Int32Array).slice(1) })).rejects.toThrow(ShapeMismatchError);
    await expect(train(net, { ...data, labels: Int32Array.from(data.labels, () => 9) })).rejects.toThrow(/outside \[0, 8\)/);
  });
});
