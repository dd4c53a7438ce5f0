import { describe, expect, it } from 'vitest';
import { weightedLayers } from '@modscope/core';
import { clusterableInit } from './clusterable-init.js';
import { createNetwork } from './create-network.js';
import { train } from './train.js';
import { twoTask } from './test-support/data.js';

describe('clusterableInit', () => {
  it('multiplies within-module weights by up = 1 + (1 − down)(M − 1) and cross-module ones by down', () => {
    const network = createNetwork('20-30-30-10', { seed: 4 });
    const { network: out, modules, up, down } = clusterableInit(network, { seed: 1 });
    expect(down).toBe(0.6);
    expect(up).toBeCloseTo(1 + 0.4 * 9, 12);
    const [before1, before2, before3] = weightedLayers(network);
    const [after1, after2, after3] = weightedLayers(out);
    expect(after1!.kernel).toEqual(before1!.kernel); // the first layer is left as it is
    const m1 = modules[0]!.modules;
    const m2 = modules[1]!.modules;
    expect([...modules[2]!.modules]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]); // outputs: module = class
    expect(new Set(m2).size).toBeGreaterThan(5);
    let within = 0;
    for (let i = 0; i < 30; i++) {
      for (let j = 0; j < 30; j++) {
        const factor = after2!.kernel[i * 30 + j]! / before2!.kernel[i * 30 + j]!;
        const same = m1[i] === m2[j];
        within += same ? 1 : 0;
        expect(factor).toBeCloseTo(same ? up : down, 5);
      }
    }
    expect(within).toBeGreaterThan(0);
    for (let i = 0; i < 30; i++)
      for (let j = 0; j < 10; j++) {
        expect(after3!.kernel[i * 10 + j]! / before3!.kernel[i * 10 + j]!).toBeCloseTo(m2[i] === j ? up : down, 5);
      }
    expect(clusterableInit(network, { seed: 1 }).modules).toEqual(modules);
  });

  it('uses kernel slices for convolutions and channel modules through a flatten (down 0.8)', () => {
    const network = createNetwork('cnn-small', { inputShape: [10, 10, 1], classes: 3 });
    const { network: out, modules, up, down } = clusterableInit(network, { modules: 4 });
    expect(down).toBe(0.8);
    expect(up).toBeCloseTo(1 + 0.2 * 3, 12);
    const conv1 = modules[0]!.modules;
    const conv2 = modules[1]!.modules;
    const dense1 = modules[2]!.modules;
    const k0 = weightedLayers(network)[1]!.kernel;
    const k1 = weightedLayers(out)[1]!.kernel;
    for (let t = 0; t < 9; t++)
      for (let i = 0; i < 16; i++)
        for (let j = 0; j < 32; j++) {
          const p = (t * 16 + i) * 32 + j;
          expect(k1[p]! / k0[p]!).toBeCloseTo(conv1[i] === conv2[j] ? up : down, 5);
        }
    const d0 = weightedLayers(network)[2]!.kernel;
    const d1 = weightedLayers(out)[2]!.kernel;
    // pool2 gives 1×1×32, so flat row r is channel r of conv2
    for (let r = 0; r < 32; r++)
      for (let j = 0; j < 64; j++) expect(d1[r * 64 + j]! / d0[r * 64 + j]!).toBeCloseTo(conv2[r] === dense1[j] ? up : down, 5);
  });

  it('is a training option, seeded, returning the modules', async () => {
    const data = twoTask(300);
    const a = await train(createNetwork('32-16-16-8'), data, { epochs: 1, clusterableInit: { modules: 4 }, seed: 5 });
    const b = await train(createNetwork('32-16-16-8'), data, { epochs: 1, clusterableInit: { modules: 4 }, seed: 5 });
    expect(a.modules!.map((m) => m.layer)).toEqual(['dense1', 'dense2', 'dense3']);
    expect(a.modules).toEqual(b.modules);
  });
});
