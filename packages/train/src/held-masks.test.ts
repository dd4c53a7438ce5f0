import { describe, expect, it } from 'vitest';
import { createRandom, weightedLayers, type DenseLayer } from '@modscope/core';
import { createNetwork } from './create-network.js';
import { fineTune } from './fine-tune.js';
import { resolveMasks } from './held-masks.js';
import { twoTask } from './test-support/data.js';

const data = twoTask(600);

describe('held masks', () => {
  it('expand a unit mask to its incoming weights, bias and outgoing weights', () => {
    const network = createNetwork('3-2-2');
    const held = resolveMasks(network, [{ layer: 'dense1', units: [1, 0] }]);
    expect([...held.get('dense1')!.kernel!]).toEqual([1, 0, 1, 0, 1, 0]);
    expect([...held.get('dense1')!.bias!]).toEqual([1, 0]);
    expect([...held.get('dense2')!.kernel!]).toEqual([1, 1, 0, 0]);
    const cnn = createNetwork('cnn-small', { inputShape: [10, 10, 1], classes: 2 });
    const c = resolveMasks(cnn, [{ layer: 'conv2', units: Array.from({ length: 32 }, (_, j) => (j === 5 ? 0 : 1)) }]);
    // dense1 reads conv2's channel 5 at every spatial position of the flattened (1×1×32) value
    const rows = c.get('dense1')!.kernel!;
    for (let r = 0; r < 32; r++) expect(rows.subarray(r * 64, (r + 1) * 64).every((v) => v === (r === 5 ? 0 : 1))).toBe(true);
  });

  it('stay exactly zero through fine-tuning, and regrow when released', async () => {
    const network = createNetwork('32-16-16-8', { seed: 2 });
    const random = createRandom(9);
    const kernelMask = Float32Array.from({ length: 256 }, () => (random.next() < 0.5 ? 0 : 1));
    const masks = [
      { layer: 'dense2', kernel: kernelMask },
      { layer: 'dense1', units: Array.from({ length: 16 }, (_, j) => (j === 3 || j === 5 ? 0 : 1)) },
    ];
    const held = await fineTune(network, data, { epochs: 2, learningRate: 0.01, masks });
    const [d1, d2] = weightedLayers(held.network) as DenseLayer[];
    for (let i = 0; i < 256; i++) if (kernelMask[i] === 0) expect(d2!.kernel[i]).toBe(0);
    for (let i = 0; i < 32; i++) {
      expect(d1!.kernel[i * 16 + 3]).toBe(0);
      expect(d1!.kernel[i * 16 + 5]).toBe(0);
    }
    expect(d1!.bias![3]).toBe(0);
    expect(d2!.kernel.subarray(3 * 16, 4 * 16).every((v) => v === 0)).toBe(true);
    expect(d2!.kernel.subarray(5 * 16, 6 * 16).every((v) => v === 0)).toBe(true);
    expect(d2!.kernel.filter((v) => v !== 0).length).toBeGreaterThan(50);

    // released: the masked entries of live units regrow; a unit with all incoming weights and bias at 0
    // stays dead, since ReLU passes no gradient at 0
    const released = await fineTune(held.network, data, { epochs: 1, learningRate: 0.01 });
    const [r1, r2] = weightedLayers(released.network) as DenseLayer[];
    let masked = 0;
    let regrown = 0;
    for (let i = 0; i < 256; i++) {
      const deadRow = Math.floor(i / 16) === 3 || Math.floor(i / 16) === 5;
      if (deadRow) expect(r2!.kernel[i]).toBe(0);
      else if (kernelMask[i] === 0) {
        masked++;
        if (r2!.kernel[i] !== 0) regrown++;
      }
    }
    expect(regrown).toBeGreaterThan(0.5 * masked); // units never active on the data pass no gradient either
    expect(r1!.kernel.filter((v, i) => i % 16 === 3 && v !== 0).length).toBe(0);
  });
});
