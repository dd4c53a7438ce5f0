import { InvalidArgumentError, type SparseGraph } from '@modscope/core';

export interface ClusterStats {
  /** Cluster label. */
  label: number;
  size: number;
  /** Sum of the degrees of its nodes (internal edges count twice). */
  volume: number;
  /** Weight inside the cluster, both directions counted (so `volume = internal + cut`). */
  internal: number;
  /** Total weight of the edges leaving it. */
  cut: number;
  /** `cut / min(volume, totalVolume − volume)`; 0 for an empty-volume cluster. */
  conductance: number;
}

export interface PartitionStats {
  /** Sum of all degrees (twice the total edge weight). */
  totalVolume: number;
  clusters: ClusterStats[];
}

/**
 * Size, volume, internal weight, cut and conductance of every cluster, in one pass over the edges.
 * Nodes labelled −1 (removed) are ignored; their edges count as leaving the other end's cluster.
 */
export function clusterStats(graph: SparseGraph, labels: Int32Array): PartitionStats {
  if (labels.length !== graph.nodeCount) {
    throw new InvalidArgumentError({
      argument: 'labels',
      message: `@modscope/metrics: ${labels.length} labels for a graph of ${graph.nodeCount} nodes.`,
      hint: 'Pass one label per node, in node order.',
    });
  }
  let k = 0;
  for (const l of labels) if (l + 1 > k) k = l + 1;
  const size = new Float64Array(k);
  const volume = new Float64Array(k);
  const internal = new Float64Array(k);
  let totalVolume = 0;
  const { indptr, indices, weights } = graph;
  for (let i = 0; i < graph.nodeCount; i++) {
    const li = labels[i]!;
    let degree = 0;
    for (let p = indptr[i]!; p < indptr[i + 1]!; p++) {
      const w = weights[p]!;
      degree += w;
      if (li >= 0 && labels[indices[p]!] === li) internal[li]! += w;
    }
    totalVolume += degree;
    if (li >= 0) {
      size[li]! += 1;
      volume[li]! += degree;
    }
  }
  const clusters: ClusterStats[] = [];
  for (let c = 0; c < k; c++) {
    if (size[c] === 0) continue;
    const cut = volume[c]! - internal[c]!;
    const denominator = Math.min(volume[c]!, totalVolume - volume[c]!);
    clusters.push({ label: c, size: size[c]!, volume: volume[c]!, internal: internal[c]!, cut, conductance: denominator > 0 ? cut / denominator : 0 });
  }
  return { totalVolume, clusters };
}
