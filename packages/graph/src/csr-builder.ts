import type { SparseGraph } from '@modscope/core';

/**
 * Collects undirected weighted edges and builds a symmetric CSR graph: duplicate pairs are summed,
 * zero weights and self-loops dropped, and each row sorted by column.
 */
export class CsrBuilder {
  private a: Int32Array;
  private b: Int32Array;
  private w: Float64Array;
  private length = 0;

  constructor(readonly nodeCount: number, capacity = 1024) {
    this.a = new Int32Array(capacity);
    this.b = new Int32Array(capacity);
    this.w = new Float64Array(capacity);
  }

  add(a: number, b: number, weight: number): void {
    if (weight === 0 || a === b) return;
    if (this.length === this.a.length) {
      const grow = <T extends Int32Array | Float64Array>(x: T): T => {
        const y = new (x.constructor as new (n: number) => T)(x.length * 2);
        y.set(x);
        return y;
      };
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
    const counts = new Int32Array(n + 1);
    for (let e = 0; e < this.length; e++) {
      counts[this.a[e]! + 1]!++;
      counts[this.b[e]! + 1]!++;
    }
    for (let i = 0; i < n; i++) counts[i + 1]! += counts[i]!;
    const fill = counts.slice(0, n);
    const cols = new Int32Array(2 * this.length);
    const vals = new Float64Array(2 * this.length);
    for (let e = 0; e < this.length; e++) {
      const a = this.a[e]!;
      const b = this.b[e]!;
      cols[fill[a]!] = b;
      vals[fill[a]!++] = this.w[e]!;
      cols[fill[b]!] = a;
      vals[fill[b]!++] = this.w[e]!;
    }
    // sort each row by column and merge duplicates
    const indptr = new Int32Array(n + 1);
    const indices = new Int32Array(cols.length);
    const weights = new Float64Array(cols.length);
    let out = 0;
    const order: number[] = [];
    for (let i = 0; i < n; i++) {
      indptr[i] = out;
      order.length = 0;
      for (let p = counts[i]!; p < counts[i + 1]!; p++) order.push(p);
      order.sort((x, y) => cols[x]! - cols[y]!);
      for (const p of order) {
        if (out > indptr[i]! && indices[out - 1] === cols[p]) weights[out - 1]! += vals[p]!;
        else {
          indices[out] = cols[p]!;
          weights[out++] = vals[p]!;
        }
      }
    }
    indptr[n] = out;
    return { nodeCount: n, indptr, indices: indices.slice(0, out), weights: weights.slice(0, out) };
  }
}
