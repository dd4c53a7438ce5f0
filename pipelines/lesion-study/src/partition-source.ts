import { readFile } from 'node:fs/promises';
import { CorruptFileError, MissingFileError, type Evaluator, type LoadedModel, type UnitPartition } from '@modscope/core';

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
    const r = await analyzeClusterability(model.network, {
      k: options.k,
      seed: options.seed,
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

/** Reads the labels of a `modscope cluster --json` result. */
export async function readPartitionFile(path: string): Promise<UnitPartition & { source: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new MissingFileError({
      path,
      what: 'partition',
      hint: "Use --partition weights, --partition coactivation, or a file written by 'modscope cluster --json FILE'.",
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new CorruptFileError({
      path,
      format: 'JSON',
      reason: 'it is not valid JSON',
      hint: "Write it with 'modscope cluster --json FILE'.",
      cause,
    });
  }
  const r = parsed as { k?: unknown; layers?: unknown; labels?: unknown };
  const layers = r.layers as { id?: unknown }[] | undefined;
  const labels = r.labels as unknown[] | undefined;
  if (
    typeof r.k !== 'number' ||
    !Array.isArray(layers) ||
    !Array.isArray(labels) ||
    layers.length !== labels.length ||
    layers.some((l) => typeof l?.id !== 'string') ||
    labels.some((l) => !Array.isArray(l) || l.some((x) => !Number.isInteger(x)))
  ) {
    throw new CorruptFileError({
      path,
      format: 'modscope cluster result',
      reason: 'it has no k, layers and labels (one integer array per layer)',
      hint: "Write it with 'modscope cluster --json FILE'.",
    });
  }
  return {
    source: path,
    k: r.k,
    layers: layers.map((l, i) => ({ layer: l.id as string, labels: Int32Array.from(labels[i] as number[]) })),
  };
}
