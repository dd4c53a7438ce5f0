import { availableParallelism } from 'node:os';
import { createRandom, type SparseGraph } from '@modscope/core';
import { kmeans } from './kmeans.js';
import { spectralEmbedding } from './spectral-embedding.js';

export interface SpectralClusteringOptions {
  /** Seed of every random choice; same seed, same labels. Default 0. */
  seed?: number;
  /** k-means restarts. Default `'auto'`: 25, or 100 above 2,000 nodes (the method, §2). */
  nInit?: number | 'auto';
  /** k-means iterations per restart. Default 300. */
  maxIter?: number;
  /** k-means tolerance (scikit-learn's convention). Default 1e-4. */
  tol?: number;
  /** Residual tolerance of the eigensolver. Default 1e-6. */
  eigenTol?: number;
  /**
   * Threads for the k-means restarts (the result does not depend on it). Default `'auto'`: every core when
   * called on the main thread, one inside a worker thread (the shuffle test's workers already fill the cores).
   */
  threads?: number | 'auto';
  signal?: AbortSignal;
}

/** A spectral clustering of a graph, with what the clustering saw. */
export interface SpectralClustering {
  /** A cluster per node in 0..k−1, numbered in order of each cluster's first node. */
  labels: Int32Array;
  k: number;
  /** The k smallest eigenvalues of the normalized Laplacian, ascending. */
  eigenvalues: Float64Array;
  /** k-means inertia of the winning restart. */
  inertia: number;
  /** Connected components of the graph. */
  components: number;
  /** Eigensolver operator applications. */
  matvecs: number;
}

/**
 * Spectral clustering as in the method (§2): the k eigenvectors of the normalized Laplacian with the
 * smallest eigenvalues (trivial one included), each row divided by sqrt(degree), then k-means with
 * k-means++ seeding and restarts, keeping the lowest inertia. Every random choice comes from the seed.
 * Labels are numbered in order of each cluster's first node, so equal partitions have equal labels.
 * The graph must have no degree-0 nodes and no more connected components than k; either is refused.
 */
export function spectralClustering(graph: SparseGraph, k: number, options: SpectralClusteringOptions = {}): SpectralClustering {
  const { signal } = options;
  signal?.throwIfAborted();
  const n = graph.nodeCount;
  const random = createRandom(options.seed ?? 0);
  const embedding = spectralEmbedding(graph, k, { random: random.fork(0), tol: options.eigenTol });
  signal?.throwIfAborted();
  const nInit = options.nInit === undefined || options.nInit === 'auto' ? (n > 2000 ? 100 : 25) : options.nInit;
  const threads = options.threads === undefined || options.threads === 'auto' ? availableParallelism() : options.threads;
  const result = kmeans(embedding.embedding, n, k, {
    k,
    nInit,
    maxIter: options.maxIter,
    tol: options.tol,
    random: random.fork(1),
    threads,
  });
  // number clusters by first appearance
  const rename = new Int32Array(k).fill(-1);
  let next = 0;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const l = result.labels[i]!;
    if (rename[l] === -1) rename[l] = next++;
    labels[i] = rename[l]!;
  }
  return {
    labels,
    k,
    eigenvalues: embedding.eigenvalues,
    inertia: result.inertia,
    components: embedding.components,
    matvecs: embedding.matvecs,
  };
}
