import {
  captureUnitActivations,
  inputSize,
  InvalidArgumentError,
  unitLayers,
  type ActivationPoint,
  type Evaluator,
  type Partitioner,
  type UnitActivations,
  type UnitPartition,
} from '@modscope/core';
import { coactivationGraph } from './coactivation-graph.js';
import { coactivationPartitioner } from './coactivation-partitioner.js';
import type { CoactivationMeasure, LayerUnit } from './standardize-columns.js';

export interface PartitionByCoactivationOptions {
  /** `count × inputSize` values in the network's input layout (see `prepareInputs`). */
  inputs: Float32Array;
  count: number;
  /** Ids of the dense or conv2d layers whose units to cluster. Default: every hidden unit layer. */
  layers?: readonly string[];
  /** Read units before or after their activation function. Default `'post'`. */
  point?: ActivationPoint;
  /** Default `'spearman'`. */
  measure?: CoactivationMeasure;
  /** Clusters (per layer when `local`). Default 12. */
  k?: number;
  /** Seed of every random choice. Default 0. */
  seed?: number;
  /** Partition each layer on its own instead of all layers together. Default false. */
  local?: boolean;
  /** Use at most this many examples, the first ones. Default 5,000. */
  limit?: number;
  /** Examples per evaluator call. Default 500. */
  batchSize?: number;
  /** Clusters each coactivation graph. Default `coactivationPartitioner` (spectral, method settings). */
  partitioner?: Partitioner;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** A unit partition from coactivations: `labels` −1 where a unit was dropped for zero variance. */
export interface CoactivationPartition extends UnitPartition {
  /** Per layer, with `k`: the clusters its labels may use (the global k, or the layer's own when local). */
  layers: { layer: string; labels: Int32Array; k: number }[];
  measure: CoactivationMeasure;
  point: ActivationPoint;
  /** Examples the correlations were computed on. */
  examples: number;
  /** Units dropped for zero variance. */
  dropped: LayerUnit[];
  /** What was adjusted on the way (k capped for a small layer, a layer with no units left). */
  notes: string[];
}

const name = '@modscope/partition-coactivation';

/**
 * Modules from coactivations (method §5): runs the network on the first `limit` inputs, captures the
 * units of `layers`, builds the coactivation graph (ρ², Spearman by default) and clusters it into `k`
 * clusters with spectral clustering. Global by default (one graph over all the layers' units); with
 * `local`, each layer on its own, k capped at the layer's unit count − 1.
 */
export async function partitionByCoactivation(
  evaluator: Evaluator,
  options: PartitionByCoactivationOptions,
): Promise<CoactivationPartition> {
  const { inputs, count, point = 'post', measure = 'spearman', k = 12, seed = 0, local = false, limit = 5000 } = options;
  const network = evaluator.network;
  const available = unitLayers(network);
  const layers = options.layers ?? available.filter((u) => u.hidden).map((u) => u.layer);
  checkOptions(
    options,
    layers,
    available.map((u) => u.layer),
    k,
    limit,
  );
  const examples = Math.min(count, limit);
  if (examples < 2)
    throw new InvalidArgumentError({
      argument: 'count',
      message: `${name}: correlations need at least 2 examples, got ${examples}${count > limit ? ` (limit ${limit})` : ''}.`,
      hint: 'Pass more inputs (the method uses up to 5,000).',
    });
  const per = inputSize(network);
  if (inputs.length < count * per)
    throw new InvalidArgumentError({
      argument: 'inputs',
      message: `${name}: ${inputs.length} input values for ${count} examples of ${per} values each.`,
      hint: 'Lay the inputs out with prepareInputs(dataset, network) and pass count = dataset.count.',
    });
  const { activations } = await captureUnitActivations(evaluator, {
    inputs: inputs.subarray(0, examples * per),
    count: examples,
    layers,
    point,
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  options.signal?.throwIfAborted();
  const partitioner = options.partitioner ?? coactivationPartitioner;
  const context = { measure, partitioner, seed, signal: options.signal, examples, point };
  const result = local ? await partitionEachLayer(activations, k, context) : await partitionAll(activations, k, context);
  return { ...result, measure, point, examples };
}

interface Context {
  measure: CoactivationMeasure;
  partitioner: Partitioner;
  seed: number;
  signal: AbortSignal | undefined;
  examples: number;
  point: ActivationPoint;
}

type Clustered = Pick<CoactivationPartition, 'k' | 'layers' | 'dropped' | 'notes'>;

async function partitionAll(activations: UnitActivations[], k: number, context: Context): Promise<Clustered> {
  const { graph, nodes, dropped } = coactivationGraph(activations, { measure: context.measure });
  if (graph.nodeCount === 0) throw allDropped(activations, context);
  if (k > graph.nodeCount)
    throw new InvalidArgumentError({
      argument: 'k',
      message: `${name}: k = ${k} clusters asked for ${graph.nodeCount} units (${dropped.length} more dropped for zero variance).`,
      hint: `Use k ≤ ${graph.nodeCount}, or include more layers.`,
    });
  const partition = await context.partitioner.partition(graph, {
    k,
    seed: context.seed,
    ...(context.signal ? { signal: context.signal } : {}),
  });
  const layers = activations.map((a) => ({ layer: a.layer, labels: new Int32Array(a.units).fill(-1), k: partition.k }));
  const index = new Map(layers.map((l) => [l.layer, l.labels]));
  nodes.forEach((node, i) => {
    index.get(node.layer)![node.unit] = partition.labels[i]!;
  });
  return { k: partition.k, layers, dropped, notes: [] };
}

async function partitionEachLayer(activations: UnitActivations[], k: number, context: Context): Promise<Clustered> {
  const layers: CoactivationPartition['layers'] = [];
  const dropped: LayerUnit[] = [];
  const notes: string[] = [];
  for (const a of activations) {
    const { graph, nodes, dropped: gone } = coactivationGraph([a], { measure: context.measure });
    dropped.push(...gone);
    const labels = new Int32Array(a.units).fill(-1);
    const n = graph.nodeCount;
    if (n === 0) {
      notes.push(`layer '${a.layer}': every unit has zero variance; all are left out (−1).`);
      layers.push({ layer: a.layer, labels, k: 0 });
      continue;
    }
    if (n === 1) {
      // one unit has no edges for spectral clustering to work on: it is its own cluster
      if (k > 1) notes.push(`layer '${a.layer}': k capped at 1 (1 unit with variance).`);
      labels[nodes[0]!.unit] = 0;
      layers.push({ layer: a.layer, labels, k: 1 });
      continue;
    }
    const kLayer = Math.min(k, n - 1);
    if (kLayer < k) notes.push(`layer '${a.layer}': k capped at ${kLayer} (${n} unit${n === 1 ? '' : 's'} with variance).`);
    const partition = await context.partitioner.partition(graph, {
      k: kLayer,
      seed: context.seed,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    nodes.forEach((node, i) => {
      labels[node.unit] = partition.labels[i]!;
    });
    layers.push({ layer: a.layer, labels, k: partition.k });
  }
  if (layers.every((l) => l.k === 0)) throw allDropped(activations, context);
  return { k: Math.max(...layers.map((l) => l.k)), layers, dropped, notes };
}

function allDropped(activations: UnitActivations[], context: Context): InvalidArgumentError {
  const units = activations.reduce((sum, a) => sum + a.units, 0);
  return new InvalidArgumentError({
    argument: 'inputs',
    message: `${name}: all ${units} units of ${activations.map((a) => `'${a.layer}'`).join(', ')} have zero variance over the ${context.examples} examples, so there is nothing to correlate.`,
    hint:
      context.point === 'post'
        ? "Check that the inputs vary and are prepared as the model expects (prepareInputs); units that are dead after ReLU vary at point: 'pre'."
        : 'Check that the inputs vary and are prepared as the model expects (prepareInputs), and that the layers are the ones you mean.',
  });
}

function checkOptions(
  options: PartitionByCoactivationOptions,
  layers: readonly string[],
  available: string[],
  k: number,
  limit: number,
): void {
  if (layers.length === 0)
    throw new InvalidArgumentError({
      argument: 'layers',
      message: `${name}: no layers to partition.`,
      hint: `Name at least one of the model's unit layers: ${available.join(', ') || '(none: the model has no dense or conv2d layers)'}.`,
    });
  const seen = new Set<string>();
  for (const layer of layers) {
    if (!available.includes(layer))
      throw new InvalidArgumentError({
        argument: 'layers',
        message: `${name}: '${layer}' is not a dense or conv2d layer of the model.`,
        hint: `Use ids of unit layers (see unitLayers): ${available.join(', ') || '(none)'}.`,
      });
    if (seen.has(layer))
      throw new InvalidArgumentError({
        argument: 'layers',
        message: `${name}: layer '${layer}' is named twice.`,
        hint: 'Name each layer once.',
      });
    seen.add(layer);
  }
  if (!Number.isInteger(options.count) || options.count < 0)
    throw new InvalidArgumentError({
      argument: 'count',
      message: `${name}: count must be a whole number of examples, got ${options.count}.`,
      hint: 'Pass the number of examples in inputs, e.g. dataset.count.',
    });
  if (!Number.isInteger(k) || k < 1)
    throw new InvalidArgumentError({
      argument: 'k',
      message: `${name}: k must be a whole number ≥ 1, got ${k}.`,
      hint: "Leave it out for the method's 12.",
    });
  if (!(Number.isInteger(limit) && limit >= 2))
    throw new InvalidArgumentError({
      argument: 'limit',
      message: `${name}: limit must be a whole number ≥ 2, got ${limit}.`,
      hint: "Leave it out for the method's 5,000 examples.",
    });
  const measure = options.measure ?? 'spearman';
  if (measure !== 'spearman' && measure !== 'pearson')
    throw new InvalidArgumentError({
      argument: 'measure',
      message: `${name}: measure must be 'spearman' or 'pearson', got '${measure}'.`,
      hint: "Leave it out for Spearman (the method's default).",
    });
  const point = options.point ?? 'post';
  if (point !== 'pre' && point !== 'post')
    throw new InvalidArgumentError({
      argument: 'point',
      message: `${name}: point must be 'pre' or 'post', got '${point}'.`,
      hint: "Leave it out for 'post'.",
    });
}
