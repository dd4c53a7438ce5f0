import { describe, expect, it } from 'vitest';
import type { Network } from '../network.js';
import { createRandom } from '../random.js';
import { referenceForward } from './reference-forward.js';
import { tinyCnn, tinyMlp, tinyResidualCnn } from './synthetic-networks.js';

describe('referenceForward', () => {
  it('computes a dense layer and ReLU by hand', () => {
    const n = tinyMlp({ sizes: [2, 2, 1] });
    const [d1, , d2] = n.layers.slice(1) as [
      Extract<Network['layers'][number], { kind: 'dense' }>,
      unknown,
      Extract<Network['layers'][number], { kind: 'dense' }>,
    ];
    d1.kernel = Float32Array.from([1, -1, 2, 3]); // x0→h0 = 1, x0→h1 = −1, x1→h0 = 2, x1→h1 = 3
    d1.bias = Float32Array.from([0, -10]);
    d2.kernel = Float32Array.from([1, 5]);
    d2.bias = Float32Array.from([0.5]);
    const r = referenceForward(n, { inputs: Float32Array.from([1, 2]), count: 1, capture: ['dense1', 'act1'] });
    expect([...r.activations.get('dense1')!.data]).toEqual([5, -5]);
    expect([...r.activations.get('act1')!.data]).toEqual([5, 0]);
    expect([...r.logits]).toEqual([5.5]);
  });

  it('gives the same outputs in NCHW and NHWC for the same weights', () => {
    for (const make of [tinyCnn, tinyResidualCnn]) {
      const chw = make({ layout: 'nchw' });
      const hwc = make({ layout: 'nhwc' });
      const [c, h, w] = chw.layers[0]!.outputShape as [number, number, number];
      const rng = createRandom(4);
      const x = Float32Array.from({ length: c * h * w }, () => rng.next());
      const xt = new Float32Array(x.length);
      for (let ch = 0; ch < c; ch++)
        for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) xt[(y * w + xx) * c + ch] = x[(ch * h + y) * w + xx]!;
      const a = referenceForward(chw, { inputs: x, count: 1 });
      const b = referenceForward(hwc, { inputs: xt, count: 1 });
      if (make === tinyResidualCnn) {
        // global pooling ends the spatial part, so the outputs agree directly
        for (let i = 0; i < a.logits.length; i++) expect(a.logits[i]).toBeCloseTo(b.logits[i]!, 5);
      } else {
        // flatten order differs between layouts, so compare the last conv's activations instead
        const ca = referenceForward(chw, { inputs: x, count: 1, capture: ['relu2'] }).activations.get('relu2')!.data;
        const cb = referenceForward(hwc, { inputs: xt, count: 1, capture: ['relu2'] }).activations.get('relu2')!.data;
        for (let ch = 0; ch < 6; ch++) for (let p = 0; p < 4; p++) expect(ca[ch * 4 + p]).toBeCloseTo(cb[p * 6 + ch]!, 5);
      }
    }
  });

  it('applies masks per channel and edits without touching the network', () => {
    const n = tinyCnn();
    const x = Float32Array.from({ length: 64 }, (_, i) => (i % 7) / 7);
    const mask = Float32Array.from([1, 0, 1, 0]);
    const r = referenceForward(n, { inputs: x, count: 1, masks: [{ layer: 'relu1', mask }], capture: ['relu1'] });
    const act = r.activations.get('relu1')!.data;
    expect(act.subarray(64, 128).every((v) => v === 0)).toBe(true);
    expect(act.subarray(0, 64).some((v) => v > 0)).toBe(true);
    const zero = new Float32Array(24 * 3);
    const e = referenceForward(n, { inputs: x, count: 1, edits: [{ layer: 'fc', kernel: zero, bias: Float32Array.from([1, 2, 3]) }] });
    expect([...e.logits]).toEqual([1, 2, 3]);
    expect((n.layers.at(-1) as { kernel: Float32Array }).kernel.some((v) => v !== 0)).toBe(true);
  });
});
