import type { Partition, SparseGraph } from './partitioner.js';

/**
 * A quality measure of a partition of a graph (n-cut, modularity, …). Analyses take a list of them:
 * `analyzeClusterability(network, { metrics })` reports each by name. Check one with
 * `metricConformanceCases` of `@modscope/core/testing`.
 */
export interface Metric<Result = number> {
  readonly specificationVersion: 'v1';
  readonly name: string;
  compute(graph: SparseGraph, partition: Partition): Result;
}
