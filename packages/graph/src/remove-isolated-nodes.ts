import { degrees, type WeightGraph } from './weight-graph.js';

/**
 * Removes degree-0 nodes (dead pixels, fully pruned units). The result keeps, per remaining node, its
 * layer, unit and index in the original graph, so results can be mapped back with `expandLabels`.
 */
export function removeIsolatedNodes(graph: WeightGraph): WeightGraph {
  const deg = degrees(graph);
  const newIndex = new Int32Array(graph.nodeCount).fill(-1);
  let kept = 0;
  for (let i = 0; i < graph.nodeCount; i++) if (deg[i]! > 0) newIndex[i] = kept++;
  if (kept === graph.nodeCount) return graph;
  const indptr = new Int32Array(kept + 1);
  const indices = new Int32Array(graph.indices.length);
  const weights = new Float64Array(graph.weights.length);
  const nodeLayer = new Int32Array(kept);
  const nodeUnit = new Int32Array(kept);
  const originalIndex = new Int32Array(kept);
  let out = 0;
  for (let i = 0; i < graph.nodeCount; i++) {
    const ni = newIndex[i]!;
    if (ni < 0) continue;
    for (let p = graph.indptr[i]!; p < graph.indptr[i + 1]!; p++) {
      indices[out] = newIndex[graph.indices[p]!]!;
      weights[out++] = graph.weights[p]!;
    }
    indptr[ni + 1] = out;
    nodeLayer[ni] = graph.nodeLayer[i]!;
    nodeUnit[ni] = graph.nodeUnit[i]!;
    originalIndex[ni] = graph.originalIndex[i]!;
  }
  return {
    ...graph,
    nodeCount: kept,
    indptr,
    indices: indices.slice(0, out),
    weights: weights.slice(0, out),
    nodeLayer,
    nodeUnit,
    originalIndex,
  };
}

/** Labels of a reduced graph's nodes → labels of every original node, −1 for removed ones. */
export function expandLabels(graph: WeightGraph, labels: Int32Array): Int32Array {
  const out = new Int32Array(graph.originalNodeCount).fill(-1);
  for (let i = 0; i < graph.nodeCount; i++) out[graph.originalIndex[i]!] = labels[i]!;
  return out;
}
