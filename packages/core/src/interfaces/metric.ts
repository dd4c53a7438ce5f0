import type { Partition, SparseGraph } from './partitioner.js';

/** A quality measure of a partition of a graph. */
export interface Metric<Result = number> {
  readonly specificationVersion: 'v1';
  readonly name: string;
  compute(graph: SparseGraph, partition: Partition): Result;
}
