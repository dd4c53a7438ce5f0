export {
  createSpectralPartitioner,
  spectralPartitioner,
  type SpectralPartitioner,
  type SpectralPartitionerOptions,
  type SpectralPartition,
} from './spectral-partitioner.js';
