import type { Partition, PartitionOptions, Partitioner, SparseGraph } from '@modscope/core';
import { spectralClustering, type SpectralClustering, type SpectralClusteringOptions } from '@modscope/linalg';

/** The clustering settings of `spectralClustering` in `@modscope/linalg` (everything but the seed and signal). */
export type SpectralPartitionerOptions = Omit<SpectralClusteringOptions, 'seed' | 'signal'>;

/** A spectral partition, with what the clustering saw (eigenvalues, inertia, components, matvecs). */
export interface SpectralPartition extends Partition, SpectralClustering {}

export interface SpectralPartitioner extends Partitioner {
  partition(graph: SparseGraph, options: PartitionOptions): Promise<SpectralPartition>;
  /** The same, synchronously (for worker threads and tight loops). */
  partitionSync(graph: SparseGraph, options: PartitionOptions): SpectralPartition;
}

/**
 * The default partitioner of the method (§2): `spectralClustering` of `@modscope/linalg` — the k
 * eigenvectors of the normalized Laplacian with the smallest eigenvalues (trivial one included), each row
 * divided by sqrt(degree), then k-means with k-means++ seeding and restarts, keeping the lowest inertia.
 * Every random choice comes from the seed.
 *
 * Labels are numbered in order of each cluster's first node, so equal partitions have equal labels.
 * The graph must have no degree-0 nodes (`removeIsolatedNodes` from `@modscope/graph` removes them) and no
 * more connected components than k; either is refused with an error saying so.
 */
export function createSpectralPartitioner(options: SpectralPartitionerOptions = {}): SpectralPartitioner {
  const partitionSync = (graph: SparseGraph, { k, seed = 0, signal }: PartitionOptions): SpectralPartition =>
    spectralClustering(graph, k, { ...options, seed, ...(signal ? { signal } : {}) });
  return {
    specificationVersion: 'v1',
    name: 'spectral',
    partitionSync,
    partition: async (graph, partitionOptions) => partitionSync(graph, partitionOptions),
  };
}

/** The spectral partitioner with the method's settings. */
export const spectralPartitioner: SpectralPartitioner = createSpectralPartitioner();
