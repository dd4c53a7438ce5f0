import { InvalidArgumentError, type Partition, type PartitionOptions, type Partitioner, type SparseGraph } from '@modscope/core';
import { spectralClustering, type SpectralClustering, type SpectralClusteringOptions } from '@modscope/linalg';

/** The spectral clustering settings (`nInit`, `maxIter`, `tol`, `eigenTol`, `threads`) of `spectralClustering` in `@modscope/linalg`. */
export type CoactivationPartitionerOptions = Omit<SpectralClusteringOptions, 'seed' | 'signal'>;

/** A spectral partition of a coactivation graph, with what the clustering saw. */
export interface CoactivationGraphPartition extends Partition, SpectralClustering {}

export interface CoactivationPartitioner extends Partitioner {
  partition(graph: SparseGraph, options: PartitionOptions): Promise<CoactivationGraphPartition>;
  /** The same, synchronously. */
  partitionSync(graph: SparseGraph, options: PartitionOptions): CoactivationGraphPartition;
}

const name = '@modscope/partition-coactivation';

/**
 * A `Partitioner` named `coactivation`: spectral clustering (method §2, `spectralClustering` of
 * `@modscope/linalg`, as the spectral partitioner runs it) of a coactivation graph (`coactivationGraph`).
 * Any graph works; the name says what it is meant for. Same seed, same labels.
 */
export function createCoactivationPartitioner(options: CoactivationPartitionerOptions = {}): CoactivationPartitioner {
  checkOptions(options);
  const partitionSync = (graph: SparseGraph, { k, seed = 0, signal }: PartitionOptions): CoactivationGraphPartition => {
    checkArguments(graph, k);
    return spectralClustering(graph, k, { ...options, seed, ...(signal ? { signal } : {}) });
  };
  return {
    specificationVersion: 'v1',
    name: 'coactivation',
    partitionSync,
    partition: async (graph, partitionOptions) => partitionSync(graph, partitionOptions),
  };
}

/** A coactivation partitioner with the method's settings. */
export const coactivationPartitioner: CoactivationPartitioner = createCoactivationPartitioner();

function checkOptions(options: CoactivationPartitionerOptions): void {
  const { nInit, maxIter, tol, eigenTol } = options;
  if (nInit !== undefined && nInit !== 'auto' && !(Number.isInteger(nInit) && nInit >= 1))
    throw new InvalidArgumentError({
      argument: 'nInit',
      message: `${name}: nInit must be 'auto' or a whole number ≥ 1, got ${nInit}.`,
      hint: "Leave it out for the method's 25 (100 above 2,000 nodes).",
    });
  if (maxIter !== undefined && !(Number.isInteger(maxIter) && maxIter >= 1))
    throw new InvalidArgumentError({
      argument: 'maxIter',
      message: `${name}: maxIter must be a whole number ≥ 1, got ${maxIter}.`,
      hint: "Leave it out for the method's 300.",
    });
  for (const [argument, value] of [
    ['tol', tol],
    ['eigenTol', eigenTol],
  ] as const)
    if (value !== undefined && !(Number.isFinite(value) && value > 0))
      throw new InvalidArgumentError({
        argument,
        message: `${name}: ${argument} must be a finite number > 0, got ${value}.`,
        hint: 'Leave it out for the default (1e-4 for tol, 1e-6 for eigenTol).',
      });
}

function checkArguments(graph: SparseGraph, k: number): void {
  if (graph.nodeCount === 0)
    throw new InvalidArgumentError({
      argument: 'graph',
      message: `${name}: the graph has no nodes.`,
      hint: 'Every unit was dropped for zero variance: capture activations on varied inputs, or at the pre-activation point.',
    });
  if (!Number.isInteger(k) || k < 1 || k > graph.nodeCount)
    throw new InvalidArgumentError({
      argument: 'k',
      message: `${name}: k must be an integer in 1..${graph.nodeCount} (the node count), got ${k}.`,
      hint: 'Ask for fewer clusters, or include more layers.',
    });
}
