import { describe, expect, it } from 'vitest';
import { transposeFloat32 } from './transpose-float32.js';

describe('transposeFloat32', () => {
  for (const [rows, cols] of [
    [1, 1],
    [4, 4],
    [37, 70],
    [64, 3],
    [3, 64],
    [2048, 12],
  ] as const) {
    it(`transposes a ${rows} × ${cols} matrix exactly`, () => {
      const src = Float32Array.from({ length: rows * cols }, (_, i) => i * 0.5 - 7);
      const out = transposeFloat32(src, rows, cols, new Float32Array(rows * cols));
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) expect(out[j * rows + i]).toBe(src[i * cols + j]);
    });
  }

  it('refuses arrays of the wrong length', () => {
    expect(() => transposeFloat32(new Float32Array(5), 2, 3, new Float32Array(6))).toThrow(/needs 2 × 3 values in and out, got 5 and 6/);
  });
});
