export { louvainPartitioner, DEFAULTS, type LouvainPartitionerOptions } from './louvain-partitioner.js';
