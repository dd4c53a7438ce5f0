export { createLouvainPartitioner, louvainPartitioner, LOUVAIN_DEFAULTS, type LouvainPartitionerOptions } from './louvain-partitioner.js';
