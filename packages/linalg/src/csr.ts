import { InvalidArgumentError, type SparseGraph } from '@modscope/core';

/** A square sparse matrix in compressed sparse row form, float64 values. */
export interface CsrMatrix {
  n: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

/** y = A·x. */
export function spmv(a: CsrMatrix, x: Float64Array, y: Float64Array): void {
  const { n, indptr, indices, values } = a;
  for (let i = 0; i < n; i++) {
    let s = 0;
    const end = indptr[i + 1]!;
    for (let p = indptr[i]!; p < end; p++) s += values[p]! * x[indices[p]!]!;
    y[i] = s;
  }
}

/** Sum of each row's weights. */
export function graphDegrees(graph: SparseGraph): Float64Array {
  const { nodeCount, indptr, weights } = graph;
  const out = new Float64Array(nodeCount);
  for (let i = 0; i < nodeCount; i++) {
    let d = 0;
    const end = indptr[i + 1]!;
    for (let p = indptr[i]!; p < end; p++) d += weights[p]!;
    out[i] = d;
  }
  return out;
}

/**
 * Checks that `graph` is a well-formed symmetric-CSR graph with finite non-negative weights. Throws an
 * `InvalidArgumentError` naming the first problem found.
 */
export function checkGraph(graph: SparseGraph, what = 'graph'): void {
  checkShape(graph, what);
  const { nodeCount, indices, weights } = graph;
  const m = weights.length;
  for (let p = 0; p < m; p++) {
    const w = weights[p]!;
    if (!(w >= 0 && w < Infinity) || indices[p]! >>> 0 >= nodeCount) badEntry(graph, p, what);
  }
}

/** The CSR arrays fit together (sizes, indptr's ends, and that it never decreases). */
function checkShape(graph: SparseGraph, what: string): void {
  const { nodeCount, indptr, indices, weights } = graph;
  if (!Number.isInteger(nodeCount) || nodeCount < 0) {
    throw new InvalidArgumentError({
      argument: 'graph',
      message: `${what}: nodeCount ${nodeCount} is not a non-negative integer`,
      hint: 'build graphs with buildWeightGraph from @modscope/graph or CsrBuilder',
    });
  }
  if (indptr.length !== nodeCount + 1 || indptr[0] !== 0 || indptr[nodeCount] !== indices.length || indices.length !== weights.length) {
    throw new InvalidArgumentError({
      argument: 'graph',
      message: `${what}: CSR arrays do not fit together (nodeCount ${nodeCount}, indptr ${indptr.length}, indices ${indices.length}, weights ${weights.length})`,
      hint: 'indptr needs nodeCount + 1 entries starting at 0 and ending at indices.length; weights needs one entry per index',
    });
  }
  for (let i = 0; i < nodeCount; i++) {
    if (indptr[i + 1]! < indptr[i]!) {
      throw new InvalidArgumentError({
        argument: 'graph',
        message: `${what}: indptr decreases at node ${i} (${indptr[i]} then ${indptr[i + 1]})`,
        hint: 'indptr must be non-decreasing: row i holds entries indptr[i] … indptr[i + 1] − 1',
      });
    }
  }
}

/** Throws the error for the entry p of a graph's CSR arrays that `checkGraph` found wrong. */
function badEntry(graph: SparseGraph, p: number, what: string): never {
  const { nodeCount, indptr, indices, weights } = graph;
  const w = weights[p]!;
  if (!(w >= 0 && w < Infinity)) {
    let row = 0;
    while (indptr[row + 1]! <= p) row++;
    throw new InvalidArgumentError({
      argument: 'graph',
      message: `${what}: edge ${row}–${indices[p]} has weight ${w}; weights must be finite and ≥ 0`,
      hint: 'check the network for NaN or infinite weights (modscope inspect shows them)',
    });
  }
  throw new InvalidArgumentError({
    argument: 'graph',
    message: `${what}: edge to node ${indices[p]}, outside 0..${nodeCount - 1}`,
    hint: 'indices must be node ids of this graph',
  });
}

/** `checkGraph` and `graphDegrees` in one pass over the edges. */
export function checkedDegrees(graph: SparseGraph, what = 'graph'): Float64Array {
  checkShape(graph, what);
  const { nodeCount, indptr, indices, weights } = graph;
  const out = new Float64Array(nodeCount);
  for (let i = 0; i < nodeCount; i++) {
    let d = 0;
    const end = indptr[i + 1]!;
    for (let p = indptr[i]!; p < end; p++) {
      const w = weights[p]!;
      if (!(w >= 0 && w < Infinity) || indices[p]! >>> 0 >= nodeCount) badEntry(graph, p, what);
      d += w;
    }
    out[i] = d;
  }
  return out;
}

/**
 * The normalized adjacency D^(−1/2)·A·D^(−1/2) as a CSR matrix (the same pattern as the graph), and
 * D^(−1/2). Nodes of degree 0 get 0 in both.
 */
export function normalizedAdjacency(
  graph: SparseGraph,
  degrees: Float64Array = graphDegrees(graph),
): { matrix: CsrMatrix; invSqrtDegree: Float64Array } {
  const { nodeCount, indptr, indices, weights } = graph;
  const inv = invSqrtDegrees(degrees);
  const values = new Float64Array(weights.length);
  for (let i = 0; i < nodeCount; i++) {
    const di = inv[i]!;
    const end = indptr[i + 1]!;
    for (let p = indptr[i]!; p < end; p++) values[p] = weights[p]! * di * inv[indices[p]!]!;
  }
  return { matrix: { n: nodeCount, indptr, indices, values }, invSqrtDegree: inv };
}

/** D^(−1/2) from the degrees; 0 where the degree is 0. */
export function invSqrtDegrees(degrees: Float64Array): Float64Array {
  const inv = new Float64Array(degrees.length);
  for (let i = 0; i < inv.length; i++) inv[i] = degrees[i]! > 0 ? 1 / Math.sqrt(degrees[i]!) : 0;
  return inv;
}

/**
 * Connected components (edges of weight 0 do not connect). Returns a component id per node, numbered
 * in order of each component's smallest node, and the count.
 */
export function connectedComponents(graph: SparseGraph): { component: Int32Array; count: number } {
  const { component, count } = componentsAndColouring(graph);
  return { component, count };
}

/**
 * Connected components (as `connectedComponents`) and, in the same walk, a two-colouring along the edges
 * of positive weight: colour 0/1 per node, or null when some edge joins two nodes of the same colour (an
 * odd cycle).
 */
export function componentsAndColouring(graph: SparseGraph): { component: Int32Array; count: number; colour: Uint8Array | null } {
  const { nodeCount: n, indptr, indices, weights } = graph;
  const component = new Int32Array(n).fill(-1);
  const colour = new Uint8Array(n);
  const stack = new Int32Array(n);
  let bipartite = true;
  let count = 0;
  for (let s = 0; s < n; s++) {
    if (component[s] !== -1) continue;
    let top = 0;
    stack[top++] = s;
    component[s] = count;
    while (top > 0) {
      const i = stack[--top]!;
      const ci = colour[i]!;
      const end = indptr[i + 1]!;
      for (let p = indptr[i]!; p < end; p++) {
        if (!(weights[p]! > 0)) continue;
        const j = indices[p]!;
        if (component[j] === -1) {
          component[j] = count;
          colour[j] = 1 - ci;
          stack[top++] = j;
        } else if (colour[j] === ci) {
          bipartite = false;
        }
      }
    }
    count++;
  }
  return { component, count, colour: bipartite ? colour : null };
}
