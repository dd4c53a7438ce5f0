import type { SparseGraph } from '@modscope/core';
import { partitionQuality, type ClusterStats } from './partition-quality.js';

export type { ClusterStats } from './partition-quality.js';

export interface PartitionStats {
  /** Sum of all degrees (twice the total edge weight). */
  totalVolume: number;
  clusters: ClusterStats[];
}

/**
 * Size, volume, internal weight, cut and conductance of every cluster, in one pass over the edges.
 * Nodes labelled −1 (removed) are ignored; their edges count as leaving the other end's cluster.
 * A part of `partitionQuality`; call that when you also need n-cut or modularity.
 */
export function clusterStats(graph: SparseGraph, labels: Int32Array): PartitionStats {
  const { totalVolume, clusters } = partitionQuality(graph, labels);
  return { totalVolume, clusters };
}
