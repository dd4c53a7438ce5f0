import { InvalidArgumentError, type Metric, type SparseGraph } from '@modscope/core';

/** One cluster of a partition, as `partitionQuality` and `clusterStats` report it. */
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

/** Everything the method (§3) reports about a partition of a weight graph. */
export interface PartitionQuality {
  /** n-cut = Σ_C cut(C) / vol(C): no ½ factor, range [0, k], about k − 1 without structure. */
  ncut: number;
  /** Newman modularity Q = Σ_C [ internal(C) / 2m − (vol(C) / 2m)² ]. */
  modularity: number;
  /** Σ_C internal(C) / 2m: the share of edge weight that stays inside clusters. */
  withinClusterFraction: number;
  /** 2m: the sum of all degrees, removed nodes included (twice the total edge weight). */
  totalVolume: number;
  /** The non-empty clusters, by label. */
  clusters: ClusterStats[];
}

/**
 * n-cut, Newman modularity, within-cluster weight fraction and per-cluster size, volume, cut and
 * conductance, in one pass over the CSR edges (the method, §3). Nodes labelled −1 (removed) belong to
 * no cluster: their edges count as leaving the other end's cluster, and their degree counts in
 * `totalVolume`. Clusters of zero volume add nothing to n-cut.
 */
export function partitionQuality(graph: SparseGraph, labels: Int32Array): PartitionQuality {
  if (labels.length !== graph.nodeCount) {
    throw new InvalidArgumentError({
      argument: 'labels',
      message: `@modscope/metrics: ${labels.length} labels for a graph of ${graph.nodeCount} nodes.`,
      hint: 'Pass one label per node, in node order (−1 for a removed node).',
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
  let ncut = 0;
  let inside = 0;
  let expected = 0;
  for (let c = 0; c < k; c++) {
    if (size[c] === 0) continue;
    const vol = volume[c]!;
    const cut = vol - internal[c]!;
    const denominator = Math.min(vol, totalVolume - vol);
    clusters.push({
      label: c,
      size: size[c]!,
      volume: vol,
      internal: internal[c]!,
      cut,
      conductance: denominator > 0 ? cut / denominator : 0,
    });
    if (vol > 0) ncut += cut / vol;
    inside += internal[c]!;
    if (totalVolume > 0) expected += (vol / totalVolume) ** 2;
  }
  const withinClusterFraction = totalVolume > 0 ? inside / totalVolume : 0;
  const modularity = totalVolume > 0 ? withinClusterFraction - expected : 0;
  return { ncut, modularity, withinClusterFraction, totalVolume, clusters };
}

/** `partitionQuality` as a `Metric` plugin, for analyses that take a list of metrics. */
export const partitionQualityMetric: Metric<PartitionQuality> = {
  specificationVersion: 'v1',
  name: 'partition-quality',
  compute: (graph, partition) => partitionQuality(graph, partition.labels),
};
