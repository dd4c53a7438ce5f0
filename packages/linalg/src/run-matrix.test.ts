import { createRandom } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { sparseProducts, type CsrBlock } from './run-matrix.js';

/** A rows × cols block: dense column bands (runs) where `dense`, else scattered entries. */
function block(rows: number, cols: number, density: number, seed: number): CsrBlock {
  const random = createRandom(seed);
  const indptr = new Int32Array(rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      if (random.next() < density) {
        indices.push(j);
        values.push(random.next() - 0.3);
      }
    }
    indptr[i + 1] = indices.length;
  }
  return { rows, cols, indptr, indices: Int32Array.from(indices), values: Float64Array.from(values) };
}

function dense(a: CsrBlock): number[][] {
  const m = Array.from({ length: a.rows }, () => new Array<number>(a.cols).fill(0));
  for (let i = 0; i < a.rows; i++) for (let p = a.indptr[i]!; p < a.indptr[i + 1]!; p++) m[i]![a.indices[p]!] = a.values[p]!;
  return m;
}

describe('sparseProducts', () => {
  // density 0.97: long runs (the run kernels); 0.1: short runs (the CSR kernels); odd sizes exercise the tails
  for (const [density, rows, cols] of [
    [0.97, 37, 53],
    [0.1, 61, 29],
    [1, 1, 7],
    [0.5, 5, 1],
  ] as const) {
    it(`A·x, Aᵀ·x and A·Aᵀ·x match dense arithmetic (density ${density}, ${rows} × ${cols}), WebAssembly and JavaScript`, () => {
      const a = block(rows, cols, density, rows * 7 + cols);
      const m = dense(a);
      const random = createRandom(3);
      const x = Float64Array.from({ length: cols }, () => random.next() - 0.5);
      const u = Float64Array.from({ length: rows }, () => random.next() - 0.5);
      const ax = m.map((row) => row.reduce((s, v, j) => s + v * x[j]!, 0));
      const atu = Array.from({ length: cols }, (_, j) => m.reduce((s, row, i) => s + row[j]! * u[i]!, 0));
      const aatu = m.map((row) => row.reduce((s, v, j) => s + v * atu[j]!, 0));
      for (const useWasm of [true, false]) {
        const products = sparseProducts(a, { useWasm });
        expect(products.wasm).toBe(useWasm);
        const y = new Float64Array(rows);
        const t = new Float64Array(cols);
        products.apply(x, y);
        for (const [i, v] of y.entries()) expect(v).toBeCloseTo(ax[i]!, 12);
        products.applyTranspose(u, t);
        for (const [j, v] of t.entries()) expect(v).toBeCloseTo(atu[j]!, 12);
        products.applyGram(u, y);
        for (const [i, v] of y.entries()) expect(v).toBeCloseTo(aatu[i]!, 12);
        // a second product reuses the buffers: nothing left over from the first
        products.applyTranspose(
          u.map((v) => 2 * v),
          t,
        );
        for (const [j, v] of t.entries()) expect(v).toBeCloseTo(2 * atu[j]!, 12);
      }
    });
  }

  it('reuses a disposed instance for the next matrix, larger or smaller, with right results', () => {
    const random = createRandom(8);
    for (const [rows, cols, density] of [
      [20, 30, 0.9],
      [200, 150, 0.5],
      [7, 5, 0.1],
      [60, 60, 1],
    ] as const) {
      const a = block(rows, cols, density, rows + cols);
      const m = dense(a);
      const x = Float64Array.from({ length: cols }, () => random.next() - 0.5);
      const products = sparseProducts(a);
      const y = new Float64Array(rows);
      products.apply(x, y);
      for (const [i, row] of m.entries()) {
        expect(y[i]).toBeCloseTo(
          row.reduce((s, v, j) => s + v * x[j]!, 0),
          12,
        );
      }
      products.dispose();
      products.dispose(); // twice is harmless
    }
  });
});
