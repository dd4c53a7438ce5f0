import { blockMlpNetwork, InvalidArgumentError, isLanguageModel, type Metric, type Network, type Partitioner } from '@modscope/core';
import {
  buildLanguageModelGraph,
  buildWeightGraph,
  edgeCount,
  expandLabels,
  magnitudePrune,
  NULL_MODELS,
  removeIsolatedNodes,
  type NullModel,
  type WeightGraph,
  type WeightGraphOptions,
} from '@modscope/graph';
import {
  fewestNullValues,
  partitionQuality,
  SIGNIFICANCE_LEVEL,
  smallestEmpiricalP,
  type ClusterStats,
  type PValueFloorWarning,
  type ShuffleStatistics,
} from '@modscope/metrics';
import { checkPartitionerOption, isPartitioner, loadPartitioner, type PartitionerSpec } from './partitioner-spec.js';
import { startShufflePool, type ShufflePool } from './shuffle-pool.js';
import { type ShuffleQueueOptions, shuffleTestWith, shuffleWorkerCount } from './shuffle-test.js';

export interface ClusterabilityOptions {
  /** Clusters. Default 12. */
  k?: number;
  /** Seed of every random choice. Default 0. */
  seed?: number;
  /** Prune each layer to this sparsity by magnitude before building the graph (e.g. 0.9). Default: no pruning. */
  prune?: number;
  /** Weight-graph options (conv kernel norm, dense head). */
  graph?: WeightGraphOptions;
  /**
   * What clusters the graph and its shuffles: a `Partitioner` (the shuffles then run in this thread), or a
   * `{ module, factory, options }` spec each worker thread loads (e.g. `@modscope/partition-spectral`'s
   * `createSpectralPartitioner`, the method's partitioner). Required: this package depends on no partitioner.
   */
  partitioner: Partitioner | PartitionerSpec;
  /** More measures of the real partition, reported in `result.metrics` by name (e.g. `modularityMetric`). Default none. */
  metrics?: readonly Metric<unknown>[];
  /** Shuffles per null; 0 skips the shuffle test. Default 50. */
  shuffles?: number;
  /** Default both nulls. */
  nulls?: readonly NullModel[];
  /** Worker threads for the shuffles (0 = this thread). Default: one per core on more than two cores, else 0 (`defaultShuffleWorkers`). */
  workers?: number;
  /**
   * Run the shuffles on this BullMQ queue (Redis) instead of worker threads; queue workers
   * (`modscope worker`, or `runWorker` with `shuffleHandlers`) take them. The results are identical.
   */
  queue?: ShuffleQueueOptions;
  /**
   * Also return the strongest edges of the weight graph for drawing it (`result.drawing`): at most this
   * many in all, shared evenly between the pairs of node layers that edges join. Default 0 (none).
   */
  drawingEdges?: number;
  /**
   * Language models (method §9): the `residual` view (default: the residual stream as one bus of d nodes
   * joined to every MLP neuron, and with `attention` to every head; nulls applied to each weight matrix) or
   * the `per-block` view (block `block`'s MLP as a three-layer network, d → neurons → d, default block 0).
   */
  languageModel?: LanguageModelView;
  signal?: AbortSignal;
  onProgress?: (stage: 'partition' | 'shuffles', done: number, total: number) => void;
}

/** How a language model becomes a weight graph (see `ClusterabilityOptions.languageModel`). */
export interface LanguageModelView {
  view?: 'residual' | 'per-block';
  attention?: boolean;
  block?: number;
}

/**
 * The strongest edges of a weight graph, for drawing it: each `[fromLayer, fromUnit, toLayer, toUnit,
 * weight]`, layers as indices into `ClusterabilityResult.layers`, units as in the network, weight the
 * edge's weight in the graph (|w|, or the kernel-slice norm for convolutions), 4 significant digits.
 */
export interface WeightGraphDrawing {
  /** The budget asked for (`drawingEdges`). */
  maxEdges: number;
  /** Edges in the graph, of which `edges` are the strongest. */
  totalEdges: number;
  edges: [number, number, number, number, number][];
}

export interface NullResult extends ShuffleStatistics {
  /** The smallest p these shuffles allow, left- or right-sided: 1 / (n + 1). */
  smallestP: number;
  verdict: string;
}

export interface ClusterabilityResult {
  network: string;
  /** For a language model: the weight-graph view clustered (method §9). Absent for other networks. */
  view?: { view: 'residual' | 'per-block'; attention: boolean; block: number | null };
  partitioner: string;
  k: number;
  seed: number;
  /** Sparsity the network was pruned to, or null. */
  prune: number | null;
  /** Nodes clustered (after degree-0 removal) and nodes removed. */
  nodes: number;
  removedNodes: number;
  edges: number;
  ncut: number;
  modularity: number;
  withinClusterFraction: number;
  /** The node layers of the graph, in order. */
  layers: { id: string; name: string; units: number }[];
  /** Per layer, per unit (or channel): its cluster, −1 where the node was removed. */
  labels: number[][];
  clusters: ClusterStats[];
  /** The strongest edges, when `drawingEdges` was given. */
  drawing?: WeightGraphDrawing;
  /** Smallest Laplacian eigenvalues, when the partitioner reports them. */
  eigenvalues?: number[];
  /** The `metrics` asked for, by name, computed on the real partition (only when some were asked for). */
  metrics?: Record<string, unknown>;
  nulls: Record<string, NullResult>;
  /** Where the shuffles are too few for any p to reach 0.05 (fewer than 19 per null); empty otherwise. */
  warnings: PValueFloorWarning[];
  /** Wall-clock milliseconds. */
  timings: { graph: number; partition: number; shuffles: number };
}

/** A sentence for a null's result: more, less, or not distinguishably clusterable than its shuffles. */
export function verdict(model: string, real: number, s: ShuffleStatistics): string {
  const fmt = (x: number) => (Math.abs(x) >= 100 || !Number.isFinite(x) ? String(x) : x.toFixed(2));
  const pRight = (s.values.filter((v) => v > real).length + 1) / (s.n + 1);
  // a p at its floor says so: with few shuffles it cannot go lower, however clusterable the network
  const p = (x: number) => `${x.toFixed(3)}${x === smallestEmpiricalP(s.n) ? `, the smallest possible with ${s.n} shuffles` : ''}`;
  if (s.p <= SIGNIFICANCE_LEVEL) return `more clusterable than its '${model}' shuffles (p = ${p(s.p)}, z = ${fmt(s.z)})`;
  if (pRight <= SIGNIFICANCE_LEVEL) return `less clusterable than its '${model}' shuffles (right-sided p = ${p(pRight)}, z = ${fmt(s.z)})`;
  return `not distinguishable from its '${model}' shuffles (p = ${p(s.p)}, z = ${fmt(s.z)})`;
}

/**
 * The warning for a shuffle test whose shuffles are too few for p ≤ 0.05: each p, left- or right-sided, is
 * (r + 1) / (n + 1), so with n shuffles none is below 1 / (n + 1), and n < 19 cannot reach 0.05 either way.
 */
function shuffleFloorWarning(shuffles: number): PValueFloorWarning | null {
  const smallestP = smallestEmpiricalP(shuffles);
  if (smallestP <= SIGNIFICANCE_LEVEL) return null;
  const fewest = fewestNullValues();
  return {
    test: 'shuffle test',
    samples: shuffles,
    smallestP,
    message: `with ${shuffles} shuffle${shuffles === 1 ? '' : 's'} per null model no p can be below 1/${shuffles + 1} = ${smallestP.toFixed(3)}, so the shuffle test cannot reach p ≤ ${SIGNIFICANCE_LEVEL} either way; use ${fewest} shuffles or more (the default 50 allows ${smallestEmpiricalP(50).toFixed(3)}).`,
  };
}

/**
 * Is this network more clusterable than chance? Builds the weight graph (optionally after magnitude
 * pruning), removes degree-0 nodes, partitions it, measures n-cut, modularity and per-cluster statistics,
 * and runs the shuffle test for each null model (the method, §1–§4).
 */
export async function analyzeClusterability(network: Network, options: ClusterabilityOptions): Promise<ClusterabilityResult> {
  const k = options.k ?? 12;
  const seed = options.seed ?? 0;
  const shuffles = options.shuffles ?? 50;
  const nulls = options.nulls ?? NULL_MODELS;
  if (options.drawingEdges !== undefined && !(Number.isInteger(options.drawingEdges) && options.drawingEdges >= 0)) {
    throw new InvalidArgumentError({
      argument: 'drawingEdges',
      message: `drawingEdges = ${options.drawingEdges}; it must be a non-negative integer.`,
      hint: 'Use e.g. 3000, or 0 for no drawing.',
    });
  }
  if (!Number.isInteger(k) || k < 1) {
    throw new InvalidArgumentError({
      argument: 'k',
      message: `k = ${k}; the number of clusters must be a positive integer.`,
      hint: 'Use e.g. 12 (the default).',
    });
  }
  checkPartitionerOption(options.partitioner);
  checkMetrics(options.metrics ?? []);
  const started = performance.now();
  const lm = isLanguageModel(network) ? { view: 'residual' as const, ...options.languageModel } : undefined;
  if (lm?.view === 'per-block') {
    // §1–§4 unchanged on the block's MLP, d → neurons → d.
    const block = lm.block ?? 0;
    const result = await analyzeClusterability(blockMlpNetwork(network, block), { ...options, languageModel: undefined });
    return { ...result, network: network.name, view: { view: 'per-block', attention: false, block } };
  }
  // the shuffle workers start now, so their start-up overlaps building the graph and the real clustering
  const given = options.partitioner;
  const workerCount =
    shuffles > 0 && nulls.length > 0 && Number.isInteger(shuffles)
      ? shuffleWorkerCount({ shuffles, nulls, partitioner: given, workers: options.workers })
      : 0;
  const pool =
    !lm && options.queue === undefined && Number.isInteger(workerCount) && workerCount > 0
      ? startShufflePool(given as PartitionerSpec, workerCount)
      : undefined;
  try {
    return await analyzeWith(network, options, { k, seed, shuffles, nulls, given, started }, pool);
  } finally {
    pool?.close();
  }
}

async function analyzeWith(
  network: Network,
  options: ClusterabilityOptions,
  {
    k,
    seed,
    shuffles,
    nulls,
    given,
    started,
  }: {
    k: number;
    seed: number;
    shuffles: number;
    nulls: readonly NullModel[];
    given: PartitionerSpec | Partitioner;
    started: number;
  },
  pool: ShufflePool | undefined,
): Promise<ClusterabilityResult> {
  const source = options.prune !== undefined ? magnitudePrune(network, { sparsity: options.prune }) : network;
  const lm = isLanguageModel(source)
    ? buildLanguageModelGraph(source, { attention: options.languageModel?.attention ?? false })
    : undefined;
  const full = lm ? lm.graph : buildWeightGraph(source, options.graph);
  const graph: WeightGraph = removeIsolatedNodes(full);
  if (graph.nodeCount === 0) {
    throw new InvalidArgumentError({
      argument: 'network',
      message: `the weight graph of '${network.name}' has no edges left.`,
      hint: 'Prune less, or check that the model has non-zero weights.',
    });
  }
  if (k > graph.nodeCount) {
    throw new InvalidArgumentError({
      argument: 'k',
      message: `k = ${k} clusters asked for, but the weight graph has only ${graph.nodeCount} nodes${graph.nodeCount < full.nodeCount ? ` after removing ${full.nodeCount - graph.nodeCount} of degree 0` : ''}.`,
      hint: `Use k ≤ ${graph.nodeCount}.`,
    });
  }
  const graphDone = performance.now();
  const partitioner = isPartitioner(given) ? given : await loadPartitioner(given);
  options.onProgress?.('partition', 0, 1);
  const partition = await partitioner.partition(graph, { k, seed, signal: options.signal });
  options.onProgress?.('partition', 1, 1);
  const partitionDone = performance.now();
  const quality = partitionQuality(graph, partition.labels);
  const ncut = quality.ncut;
  const nullResults: Record<string, NullResult> = {};
  if (shuffles > 0 && nulls.length > 0) {
    const tests = await shuffleTestWith(
      lm ? lm.shuffler : graph,
      {
        real: ncut,
        k: partition.k,
        seed,
        shuffles,
        nulls,
        partitioner: given,
        workers: options.workers,
        ...(options.queue ? { queue: options.queue } : {}),
        ...(options.queue && lm ? { languageModel: { network: source, attention: options.languageModel?.attention ?? false } } : {}),
        signal: options.signal,
        onProgress: (done, total) => options.onProgress?.('shuffles', done, total),
      },
      pool,
    );
    for (const [model, s] of Object.entries(tests)) {
      nullResults[model] = { ...s, smallestP: smallestEmpiricalP(s.n), verdict: verdict(model, ncut, s) };
    }
  }
  const floorWarning = Object.keys(nullResults).length > 0 ? shuffleFloorWarning(shuffles) : null;
  const expanded = expandLabels(graph, partition.labels);
  const eigenvalues = (partition as { eigenvalues?: Float64Array }).eigenvalues;
  return {
    network: network.name,
    ...(lm ? { view: { view: 'residual' as const, attention: options.languageModel?.attention ?? false, block: null } } : {}),
    partitioner: partitioner.name,
    k: partition.k,
    seed,
    prune: options.prune ?? null,
    nodes: graph.nodeCount,
    removedNodes: full.nodeCount - graph.nodeCount,
    edges: edgeCount(graph),
    ncut,
    modularity: quality.modularity,
    withinClusterFraction: quality.withinClusterFraction,
    layers: graph.layers.map((l) => ({ id: l.id, name: l.name, units: l.units })),
    labels: graph.layers.map((l) => Array.from(expanded.subarray(l.offset, l.offset + l.units))),
    clusters: quality.clusters,
    ...(options.drawingEdges ? { drawing: strongestEdges(graph, options.drawingEdges) } : {}),
    ...(eigenvalues ? { eigenvalues: Array.from(eigenvalues) } : {}),
    ...(options.metrics?.length ? { metrics: Object.fromEntries(options.metrics.map((m) => [m.name, m.compute(graph, partition)])) } : {}),
    nulls: nullResults,
    warnings: [floorWarning].filter((w) => w !== null),
    timings: { graph: graphDone - started, partition: partitionDone - graphDone, shuffles: performance.now() - partitionDone },
  };
}

function checkMetrics(metrics: readonly Metric<unknown>[]): void {
  const names = new Set<string>();
  for (const metric of metrics) {
    if (metric?.specificationVersion !== 'v1' || typeof metric.compute !== 'function' || typeof metric.name !== 'string') {
      throw new InvalidArgumentError({
        argument: 'metrics',
        message: '@modscope/clusterability: every metric must be a v1 Metric with a name and compute(graph, partition).',
        hint: 'Pass Metric objects, e.g. modularityMetric of @modscope/metrics.',
      });
    }
    if (names.has(metric.name)) {
      throw new InvalidArgumentError({
        argument: 'metrics',
        message: `@modscope/clusterability: two metrics are named '${metric.name}'.`,
        hint: 'Give each metric its own name: results are reported by name.',
      });
    }
    names.add(metric.name);
  }
}

/**
 * The `max` strongest edges of a weight graph, shared between the pairs of node layers that edges join:
 * each pair gets an equal share, and what a pair cannot use (it has fewer edges) goes to the others.
 */
function strongestEdges(graph: WeightGraph, max: number): WeightGraphDrawing {
  // Pass 1: edges per pair of node layers (each undirected edge once, from the earlier layer).
  const layerCount = graph.layers.length;
  const sizeOf = new Map<number, number>();
  const keyOf = (i: number, j: number): number => {
    const li = graph.nodeLayer[i]!;
    const lj = graph.nodeLayer[j]!;
    return li > lj || (li === lj && i >= j) ? -1 : li * layerCount + lj;
  };
  for (let i = 0; i < graph.nodeCount; i++) {
    for (let p = graph.indptr[i]!; p < graph.indptr[i + 1]!; p++) {
      const key = keyOf(i, graph.indices[p]!);
      if (key >= 0) sizeOf.set(key, (sizeOf.get(key) ?? 0) + 1);
    }
  }
  // Pass 2: each pair's edges as CSR positions, in graph order.
  const pairs = new Map<number, { at: Int32Array; from: Int32Array; count: number }>();
  for (const [key, size] of sizeOf) pairs.set(key, { at: new Int32Array(size), from: new Int32Array(size), count: 0 });
  let total = 0;
  for (let i = 0; i < graph.nodeCount; i++) {
    for (let p = graph.indptr[i]!; p < graph.indptr[i + 1]!; p++) {
      const key = keyOf(i, graph.indices[p]!);
      if (key < 0) continue;
      const pair = pairs.get(key)!;
      pair.at[pair.count] = p;
      pair.from[pair.count++] = i;
      total++;
    }
  }
  // water-filling: pairs with fewer edges than an even share keep all of them, the rest split what is left
  const list = [...pairs.values()];
  const sizes = list.map((p) => p.count);
  const order = sizes.map((_, i) => i).sort((a, b) => sizes[a]! - sizes[b]!);
  const quota = new Array<number>(sizes.length).fill(0);
  let left = max;
  order.forEach((index, rank) => {
    const share = Math.floor(left / (order.length - rank));
    quota[index] = Math.min(sizes[index]!, share);
    left -= quota[index]!;
  });
  const edges: WeightGraphDrawing['edges'] = [];
  list.forEach((pair, index) => {
    const want = quota[index]!;
    if (want === 0) return;
    // The strongest `want` edges, ties in graph order: a threshold by selection, then a sort of the few above it.
    const weightOf = (e: number) => graph.weights[pair.at[e]!]!;
    const threshold = kthLargest(
      Float64Array.from({ length: pair.count }, (_, e) => weightOf(e)),
      want,
    );
    const chosen: number[] = [];
    for (let e = 0; e < pair.count; e++) if (weightOf(e) > threshold) chosen.push(e);
    for (let e = 0; e < pair.count && chosen.length < want; e++) if (weightOf(e) === threshold) chosen.push(e);
    chosen.sort((a, b) => weightOf(b) - weightOf(a) || a - b);
    for (const e of chosen) {
      const i = pair.from[e]!;
      const j = graph.indices[pair.at[e]!]!;
      edges.push([graph.nodeLayer[i]!, graph.nodeUnit[i]!, graph.nodeLayer[j]!, graph.nodeUnit[j]!, Number(weightOf(e).toPrecision(4))]);
    }
  });
  edges.sort((a, b) => a[0] - b[0] || a[2] - b[2] || b[4] - a[4]);
  return { maxEdges: max, totalEdges: total, edges };
}

/** The `rank`-th largest value (1-based) of `values`, which it reorders (quickselect). */
function kthLargest(values: Float64Array, rank: number): number {
  let lo = 0;
  let hi = values.length - 1;
  const target = rank - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! > pivot) i++;
      while (values[j]! < pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i++] = values[j]!;
        values[j--] = t;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return values[target]!;
  }
  return values[target]!;
}
