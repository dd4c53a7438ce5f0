import { describe, expect, it } from 'vitest';
import { createRandom } from '@modscope/core';
import { orthogonalKernel } from './orthogonal-kernel.js';

/** Gram matrix of the columns (or rows) of a [rows, cols] row-major matrix. */
function gram(m: Float32Array, rows: number, cols: number, of: 'columns' | 'rows'): number[][] {
  const n = of === 'columns' ? cols : rows;
  const len = of === 'columns' ? rows : cols;
  const at = (v: number, i: number) => (of === 'columns' ? m[i * cols + v]! : m[v * cols + i]!);
  return Array.from({ length: n }, (_, a) =>
    Array.from({ length: n }, (_, b) => {
      let s = 0;
      for (let i = 0; i < len; i++) s += at(a, i) * at(b, i);
      return s;
    }),
  );
}

describe('orthogonalKernel', () => {
  it('has orthonormal columns (times the gain) when there are more inputs than outputs', () => {
    const k = orthogonalKernel(createRandom(1), 12, 5, 2);
    const g = gram(k, 12, 5, 'columns');
    for (let a = 0; a < 5; a++) for (let b = 0; b < 5; b++) expect(g[a]![b]).toBeCloseTo(a === b ? 4 : 0, 5);
  });

  it('has orthonormal rows when there are fewer inputs than outputs', () => {
    const k = orthogonalKernel(createRandom(2), 3, 8, 1);
    const g = gram(k, 3, 8, 'rows');
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) expect(g[a]![b]).toBeCloseTo(a === b ? 1 : 0, 5);
  });

  it('is the same for the same seed and differs for another', () => {
    expect(orthogonalKernel(createRandom(3), 6, 4, 1)).toEqual(orthogonalKernel(createRandom(3), 6, 4, 1));
    expect(orthogonalKernel(createRandom(3), 6, 4, 1)).not.toEqual(orthogonalKernel(createRandom(4), 6, 4, 1));
  });
});
