import { createRandom } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { denseVectors, jsVectors } from './dense-vectors.js';

describe('denseVectors', () => {
  it('the WebAssembly kernels are available and equal the JavaScript ones bit for bit, odd lengths and counts included', () => {
    for (const [n, count, cols] of [
      [37, 7, 5],
      [64, 9, 4],
      [1, 3, 1],
      [10, 1, 2],
    ] as const) {
      const length = count * n + 2 * n + cols * n + count * cols + count;
      const wasm = denseVectors(length);
      expect(wasm.wasm).toBe(true);
      const rng = createRandom(n * 31 + count);
      for (let i = 0; i < length; i++) wasm.arena[i] = rng.normal();
      const js = jsVectors(wasm.arena.slice());
      const x = count * n;
      const y = x + n;
      const out = y + n;
      const ys = out + cols * n;
      const coef = ys + count * cols;
      expect(coef + count).toBe(length);
      for (const v of [wasm, js]) {
        v.arena[out + 1] = v.dot(x, y, n);
        v.dots(0, count, n, x, coef);
        v.subtract(0, coef, count, n, y);
        v.axpy(0.37, x, y, n);
        v.combine(0, ys, count, cols, out, n);
      }
      expect([...wasm.arena]).toEqual([...js.arena]);
      wasm.dispose();
    }
  });
});
