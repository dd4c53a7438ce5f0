export { coactivationGraph, type CoactivationGraph, type CoactivationGraphOptions } from './coactivation-graph.js';
export {
  coactivationPartitioner,
  createCoactivationPartitioner,
  type CoactivationGraphPartition,
  type CoactivationPartitioner,
  type CoactivationPartitionerOptions,
} from './coactivation-partitioner.js';
export { partitionByCoactivation, type CoactivationPartition, type PartitionByCoactivationOptions } from './partition-by-coactivation.js';
export type { CoactivationMeasure, LayerUnit } from './standardize-columns.js';
