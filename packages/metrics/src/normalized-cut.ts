import type { Metric, SparseGraph } from '@modscope/core';
import { partitionQuality } from './partition-quality.js';

/**
 * n-cut = Σ over clusters C of cut(C, V∖C) / vol(C), as in the method (§3): no ½ factor, range [0, k],
 * about k − 1 for a structureless graph. Clusters of zero volume contribute nothing.
 * A part of `partitionQuality`; call that when you need more than one measure.
 */
export function normalizedCut(graph: SparseGraph, labels: Int32Array): number {
  return partitionQuality(graph, labels).ncut;
}

/** Newman modularity Q = Σ_C [ w_in(C) / 2m − (vol(C) / 2m)² ], with both directions of each edge counted. */
export function modularity(graph: SparseGraph, labels: Int32Array): number {
  return partitionQuality(graph, labels).modularity;
}

/** The fraction of total edge weight that stays inside clusters. */
export function withinClusterFraction(graph: SparseGraph, labels: Int32Array): number {
  return partitionQuality(graph, labels).withinClusterFraction;
}

const metric = (name: string, compute: (graph: SparseGraph, labels: Int32Array) => number): Metric<number> => ({
  specificationVersion: 'v1',
  name,
  compute: (graph, partition) => compute(graph, partition.labels),
});

/** The same measures as `Metric` plugins, for analyses that take a list of metrics. */
export const normalizedCutMetric = metric('ncut', normalizedCut);
export const modularityMetric = metric('modularity', modularity);
export const withinClusterFractionMetric = metric('within-cluster-fraction', withinClusterFraction);
