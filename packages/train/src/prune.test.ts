import { describe, expect, it } from 'vitest';
import { sparsity, weightedLayers, type Network } from '@modscope/core';
import { createNetwork } from './create-network.js';
import { fineTune } from './fine-tune.js';
import { train } from './train.js';
import { twoTask } from './test-support/data.js';

const data = twoTask(1000);
const zeros = (n: Network) => weightedLayers(n).map((l) => l.kernel.filter((v) => v === 0).length);
const targets = (n: Network, s: number) => weightedLayers(n).map((l) => Math.round(s * l.kernel.length));

describe('pruning during training', () => {
  it('reaches the target sparsity per layer exactly on the polynomial schedule and holds it', async () => {
    const network = createNetwork('32-64-64-8', { seed: 0 });
    // 16 steps per epoch: sparsity rises from 0.5 at step 0 to 0.9 at step 32, then 2 epochs with the mask held
    const result = await train(network, data, {
      epochs: 4,
      learningRate: 0.01,
      prune: { sparsity: 0.9, startEpoch: 0, endEpoch: 2, frequency: 4 },
      evaluateEvery: 8,
      onEvaluate: (s) => zeros(s.network()),
    });
    expect(zeros(result.network)).toEqual(targets(network, 0.9));
    expect(Object.values(result.sparsity!)).toEqual(
      weightedLayers(network).map((l) => Math.round(0.9 * l.kernel.length) / l.kernel.length),
    );
    const curve = result.evaluations.map((e) => ({ step: e.step, zeros: e.value }));
    // step 8 follows the pruning at step 4: 0.9 − 0.4·(1 − 4/32)³
    const s4 = 0.9 - 0.4 * (1 - 4 / 32) ** 3;
    expect(curve.find((c) => c.step === 8)!.zeros).toEqual(targets(network, s4));
    for (let i = 1; i < curve.length; i++) {
      curve[i]!.zeros.forEach((z, l) => {
        expect(z).toBeGreaterThanOrEqual(curve[i - 1]!.zeros[l]!);
      });
    }
    for (const c of curve.filter((c) => c.step >= 40)) expect(c.zeros).toEqual(targets(network, 0.9));
    expect(result.history.at(-1)!.accuracy).toBeGreaterThan(0.8);

    // more epochs with the pruning masks held (as kernel masks): the sparsity stays
    const masks = weightedLayers(result.network).map((l) => ({ layer: l.id, kernel: l.kernel.map((v) => (v === 0 ? 0 : 1)) }));
    const more = await fineTune(result.network, data, { epochs: 2, learningRate: 0.01, masks });
    expect(zeros(more.network)).toEqual(targets(network, 0.9));
  });

  it('prunes one-shot at the end when the schedule ends with the run', async () => {
    const result = await train(createNetwork('32-16-8', { seed: 1 }), data, {
      epochs: 1,
      prune: { sparsity: 0.75, from: 0.75, skip: ['dense2'] },
    });
    const [first, second] = weightedLayers(result.network);
    expect(sparsity(first!)).toBe(Math.round(0.75 * 512) / 512);
    expect(sparsity(second!)).toBe(0);
    expect(Object.keys(result.sparsity!)).toEqual(['dense1']);
  });
});
