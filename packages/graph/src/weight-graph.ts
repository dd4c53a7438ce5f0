import type { SparseGraph } from '@modscope/core';

/** One layer of nodes in a weight graph: the units (MLP) or channels (CNN) of a network layer. */
export interface NodeLayer {
  /** Id of the network layer whose units these are. */
  id: string;
  name: string;
  units: number;
  /** Index of this layer's unit 0 in the graph built before any node removal. */
  offset: number;
}

/**
 * A network's weight graph: an undirected weighted graph (symmetric CSR) with, for every node, the layer
 * and unit it stands for in the network. `nodeLayer`/`nodeUnit` always refer to the original network, also
 * after nodes were removed.
 */
export interface WeightGraph extends SparseGraph {
  layers: NodeLayer[];
  /** Per node: index into `layers`. */
  nodeLayer: Int32Array;
  /** Per node: unit (or channel) within its layer. */
  nodeUnit: Int32Array;
  /** Number of nodes in the graph as first built (before removals). */
  originalNodeCount: number;
  /** Per node: its index in the graph as first built. */
  originalIndex: Int32Array;
}

/** Number of undirected edges (each stored twice in CSR). */
export function edgeCount(graph: SparseGraph): number {
  return graph.indices.length / 2;
}

/** Degree (sum of incident weights) of every node. */
export function degrees(graph: SparseGraph): Float64Array {
  const out = new Float64Array(graph.nodeCount);
  for (let i = 0; i < graph.nodeCount; i++) {
    let d = 0;
    for (let p = graph.indptr[i]!; p < graph.indptr[i + 1]!; p++) d += graph.weights[p]!;
    out[i] = d;
  }
  return out;
}
