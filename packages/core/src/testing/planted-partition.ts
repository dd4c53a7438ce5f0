import type { SparseGraph } from '../interfaces/partitioner.js';
import { createRandom } from '../random.js';

/** Builds a symmetric CSR graph from an edge list (duplicates summed, self-loops dropped). */
export function graphFromEdges(nodeCount: number, edges: ReadonlyArray<readonly [number, number, number]>): SparseGraph {
  const rows: Map<number, number>[] = Array.from({ length: nodeCount }, () => new Map());
  for (const [a, b, w] of edges) {
    if (a === b) continue;
    rows[a]!.set(b, (rows[a]!.get(b) ?? 0) + w);
    rows[b]!.set(a, (rows[b]!.get(a) ?? 0) + w);
  }
  const indptr = new Int32Array(nodeCount + 1);
  rows.forEach((r, i) => {
    indptr[i + 1] = indptr[i]! + r.size;
  });
  const indices = new Int32Array(indptr[nodeCount]!);
  const weights = new Float64Array(indptr[nodeCount]!);
  rows.forEach((r, i) => {
    let p = indptr[i]!;
    for (const [j, w] of [...r.entries()].sort((x, y) => x[0] - y[0])) {
      indices[p] = j;
      weights[p++] = w;
    }
  });
  return { nodeCount, indptr, indices, weights };
}

/**
 * A planted-partition random graph: `blocks` groups of `size` nodes, edges inside with `pIn`, across with
 * `pOut`, weights uniform in [0.5, 1.5), those across blocks scaled by `cross` (default 1). With `pIn` and
 * `pOut` 1 and `cross` below 1 it is dense like a weight graph, the blocks marked only by heavier weights.
 */
export function plantedPartitionGraph(options: {
  blocks: number;
  size: number;
  pIn: number;
  pOut: number;
  cross?: number;
  seed?: number;
}): {
  graph: SparseGraph;
  labels: Int32Array;
} {
  const rng = createRandom(options.seed ?? 0);
  const cross = options.cross ?? 1;
  const n = options.blocks * options.size;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = Math.floor(i / options.size);
  const edges: [number, number, number][] = [];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const inside = labels[i] === labels[j];
      if (rng.next() < (inside ? options.pIn : options.pOut)) edges.push([i, j, (0.5 + rng.next()) * (inside ? 1 : cross)]);
    }
  return { graph: graphFromEdges(n, edges), labels };
}

/** Adjusted Rand index of two labelings (nodes labelled −1 in either are ignored). */
export function adjustedRandIndex(a: Int32Array, b: Int32Array): number {
  const table = new Map<string, number>();
  const rowSums = new Map<number, number>();
  const colSums = new Map<number, number>();
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i]! < 0 || b[i]! < 0) continue;
    n++;
    const key = `${a[i]},${b[i]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    rowSums.set(a[i]!, (rowSums.get(a[i]!) ?? 0) + 1);
    colSums.set(b[i]!, (colSums.get(b[i]!) ?? 0) + 1);
  }
  const c2 = (x: number) => (x * (x - 1)) / 2;
  let index = 0;
  for (const v of table.values()) index += c2(v);
  let rows = 0;
  for (const v of rowSums.values()) rows += c2(v);
  let cols = 0;
  for (const v of colSums.values()) cols += c2(v);
  const expected = (rows * cols) / c2(n);
  const max = (rows + cols) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}
