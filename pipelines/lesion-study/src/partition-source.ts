import type { PartitionerSpec } from '@modscope/clusterability';
import {
  CorruptFileError,
  MissingFileError,
  ModscopeError,
  type Evaluator,
  type LoadedModel,
  type Partitioner,
  type UnitPartition,
} from '@modscope/core';
import { CLUSTER_RESULT_KIND, readResultFile, type ClusterResultFile } from '@modscope/results';

/** Where the modules come from: the weight graph, coactivations, or a `modscope cluster --json` file. */
export interface PartitionSourceOptions {
  /** (`'weights' | 'coactivation' | 'coactivation-local' | path`) — the source of the partition. */
  partition: string;
  /** (number) — clusters of a computed partition. */
  k: number;
  /** (number) — seed of the clustering. */
  seed: number;
  /** (number, default none) — weights: prune each layer to this sparsity first. */
  prune?: number;
  /** (`'spearman' | 'pearson'`, default `'spearman'`) — coactivation: correlation measure. */
  measure?: 'spearman' | 'pearson';
  /** (`Partitioner` or `PartitionerSpec`, default the spectral partitioner) — weights: what clusters the weight graph. */
  partitioner?: Partitioner | PartitionerSpec;
}

/** A partition of the model's units, from its weight graph, its coactivations, or a `modscope cluster --json` file. */
export async function partitionFor(
  model: LoadedModel,
  evaluator: Evaluator,
  inputs: Float32Array,
  count: number,
  options: PartitionSourceOptions,
): Promise<UnitPartition & { source: string }> {
  if (options.partition === 'weights') {
    const { analyzeClusterability } = await import('@modscope/clusterability');
    const partitioner = options.partitioner ?? (await import('@modscope/partition-spectral')).spectralPartitioner;
    const r = await analyzeClusterability(model.network, {
      k: options.k,
      seed: options.seed,
      partitioner,
      shuffles: 0,
      ...(options.prune !== undefined ? { prune: options.prune } : {}),
    });
    return { source: 'weights', k: r.k, layers: r.layers.map((l, i) => ({ layer: l.id, labels: Int32Array.from(r.labels[i]!) })) };
  }
  if (options.partition === 'coactivation' || options.partition === 'coactivation-local') {
    const { partitionByCoactivation } = await import('@modscope/partition-coactivation');
    const local = options.partition === 'coactivation-local';
    const p = await partitionByCoactivation(evaluator, {
      inputs,
      count,
      k: options.k,
      seed: options.seed,
      local,
      ...(options.measure ? { measure: options.measure } : {}),
    });
    return { source: `coactivation${local ? ', per layer' : ''} (${p.measure}, ${p.examples} examples)`, k: p.k, layers: p.layers };
  }
  return readPartitionFile(options.partition);
}

/** Reads the labels of a `modscope cluster --json` result, checked as one by `@modscope/results`. */
export async function readPartitionFile(path: string): Promise<UnitPartition & { source: string }> {
  let result: ClusterResultFile;
  try {
    result = await readResultFile(path, { kinds: [CLUSTER_RESULT_KIND] });
  } catch (error) {
    if (!ModscopeError.isInstance(error)) throw error;
    if (error.code === 'missing-file') {
      throw new MissingFileError({
        path,
        what: 'partition',
        hint: "Use --partition weights, --partition coactivation, or a file written by 'modscope cluster --json FILE'.",
      });
    }
    if (error.code === 'corrupt-file') {
      throw new CorruptFileError({
        path,
        format: 'partition',
        reason: `it has no k, layers and labels of a modscope cluster result: ${(error as CorruptFileError).reason}`,
        hint: "Write it with 'modscope cluster --json FILE'.",
        cause: error,
      });
    }
    throw error;
  }
  return {
    source: path,
    k: result.k,
    layers: result.layers.map((l, i) => ({ layer: l.id, labels: Int32Array.from(result.labels[i]!) })),
  };
}
