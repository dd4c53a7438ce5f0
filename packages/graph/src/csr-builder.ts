import type { SparseGraph } from '@modscope/core';

/** A typed array twice as long holding `x` at its start. */
export function grow<T extends Int32Array | Float64Array>(x: T): T {
  const y = new (x.constructor as new (n: number) => T)(x.length * 2);
  y.set(x);
  return y;
}

/**
 * Collects undirected weighted edges and builds a symmetric CSR graph: duplicate pairs are summed,
 * zero weights and self-loops dropped, and each row sorted by column.
 */
export class CsrBuilder {
  private a: Int32Array;
  private b: Int32Array;
  private w: Float64Array;
  private length = 0;

  constructor(
    readonly nodeCount: number,
    capacity = 1024,
  ) {
    this.a = new Int32Array(capacity);
    this.b = new Int32Array(capacity);
    this.w = new Float64Array(capacity);
  }

  add(a: number, b: number, weight: number): void {
    if (weight === 0 || a === b) return;
    if (this.length === this.a.length) {
      this.a = grow(this.a);
      this.b = grow(this.b);
      this.w = grow(this.w);
    }
    this.a[this.length] = a;
    this.b[this.length] = b;
    this.w[this.length++] = weight;
  }

  build(): SparseGraph {
    const n = this.nodeCount;
    const m = this.length;
    // Both directions of every edge, bucketed first by column, then (stably) by row: rows come out
    // sorted by column in O(edges + nodes), with no comparison sort.
    const byCol = new Int32Array(n + 1);
    for (let e = 0; e < m; e++) {
      byCol[this.b[e]! + 1]!++;
      byCol[this.a[e]! + 1]!++;
    }
    for (let i = 0; i < n; i++) byCol[i + 1]! += byCol[i]!;
    const tmpRow = new Int32Array(2 * m);
    const tmpCol = new Int32Array(2 * m);
    const tmpVal = new Float64Array(2 * m);
    for (let e = 0; e < m; e++) {
      const a = this.a[e]!;
      const b = this.b[e]!;
      const w = this.w[e]!;
      let q = byCol[b]!++;
      tmpRow[q] = a;
      tmpCol[q] = b;
      tmpVal[q] = w;
      q = byCol[a]!++;
      tmpRow[q] = b;
      tmpCol[q] = a;
      tmpVal[q] = w;
    }
    const counts = new Int32Array(n + 1);
    for (let q = 0; q < 2 * m; q++) counts[tmpRow[q]! + 1]!++;
    for (let i = 0; i < n; i++) counts[i + 1]! += counts[i]!;
    const fill = counts.slice(0, n);
    const cols = new Int32Array(2 * m);
    const vals = new Float64Array(2 * m);
    for (let q = 0; q < 2 * m; q++) {
      const r = tmpRow[q]!;
      const p = fill[r]!++;
      cols[p] = tmpCol[q]!;
      vals[p] = tmpVal[q]!;
    }
    // merge duplicate pairs
    const indptr = new Int32Array(n + 1);
    const indices = new Int32Array(cols.length);
    const weights = new Float64Array(cols.length);
    let out = 0;
    for (let i = 0; i < n; i++) {
      const rowStart = out;
      for (let p = counts[i]!; p < counts[i + 1]!; p++) {
        if (out > rowStart && indices[out - 1] === cols[p]) weights[out - 1]! += vals[p]!;
        else {
          indices[out] = cols[p]!;
          weights[out++] = vals[p]!;
        }
      }
      indptr[i + 1] = out;
    }
    return out === cols.length
      ? { nodeCount: n, indptr, indices, weights }
      : { nodeCount: n, indptr, indices: indices.slice(0, out), weights: weights.slice(0, out) };
  }
}
