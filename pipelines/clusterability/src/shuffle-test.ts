import { availableParallelism } from 'node:os';
import { InvalidArgumentError, type Network, type Partitioner } from '@modscope/core';
import { isNullModel, NULL_MODELS, weightGraphShuffler, type NullModel, type WeightGraph, type WeightGraphShuffler } from '@modscope/graph';
import { shuffleStatistics, type ShuffleStatistics } from '@modscope/metrics';
import { checkPartitionerOption, isPartitioner, loadPartitioner, type PartitionerSpec } from './partitioner-spec.js';
import { runShuffle, type ShuffleSettings } from './shuffle-task.js';
import { startShufflePool, type ShufflePool, type ShuffleTask } from './shuffle-pool.js';
import { type QueuedShuffleSource, runShufflesOnQueue, type ShuffleQueueOptions } from './shuffle-queue.js';

export type { ShuffleQueueOptions };

export interface ShuffleTestOptions {
  /** The n-cut of the real network, compared with the shuffled ones. */
  real: number;
  k: number;
  /** Seed of the whole test; shuffle i of null j draws from its own stream of it. Default 0. */
  seed?: number;
  /** Shuffles per null. Default 50. */
  shuffles?: number;
  /** Default both: `layer` and `layer-nonzero`. */
  nulls?: readonly NullModel[];
  /** A `{ module, factory, options }` spec (runs in worker threads), or a `Partitioner` object (runs in this thread). */
  partitioner: Partitioner | PartitionerSpec;
  /** Worker threads; 0 runs the shuffles in this thread. Default: `defaultShuffleWorkers()`, at most the number of shuffles. */
  workers?: number;
  /**
   * Run the shuffles as pieces on this queue instead (the partitioner must be a spec, which each queue
   * worker resolves against its own table). Same seeds, so the n-cuts are identical to a local run.
   */
  queue?: ShuffleQueueOptions;
  /** With `queue` and a language model's shuffler: the (pruned) network it was built from, sent to the workers, which build it again. */
  languageModel?: { network: Network; attention: boolean };
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/**
 * The shuffle test (the method, §4): for each null model, `shuffles` shuffled copies of the graph are
 * clustered with the same k and their n-cuts compared with the real one (left-sided p, z). Shuffles run
 * in worker threads; every shuffle is seeded by (seed, null, index) alone, so the values are identical
 * whatever the number of workers.
 */
export function shuffleTest(graph: WeightGraph, options: ShuffleTestOptions): Promise<Record<string, ShuffleStatistics>> {
  return shuffleTestWith(graph, options, undefined);
}

/**
 * The worker threads the shuffle test starts unless told: one per core where there are more than two cores,
 * none (the shuffles run in the calling thread) on two cores or fewer. On two cores, two workers each pay
 * their start (loading the partitioner, compiling its WebAssembly: about 0.3 s of CPU) and then share the
 * cores' caches, while the calling thread's spectral clustering runs its k-means restarts on a helper
 * thread: 40 shuffles of a 784-256×4-10 MLP took 1.1 s in the calling thread and 1.5 s on two workers
 * (`node bench/startup.mjs`, 2-core VM).
 */
export function defaultShuffleWorkers(): number {
  const cores = availableParallelism();
  return cores > 2 ? cores : 0;
}

/** The worker threads `shuffleTest` would start for these options (0: it runs the shuffles in this thread). */
export function shuffleWorkerCount(options: Pick<ShuffleTestOptions, 'shuffles' | 'nulls' | 'partitioner' | 'workers'>): number {
  const tasks = (options.shuffles ?? 50) * (options.nulls ?? NULL_MODELS).length;
  return isPartitioner(options.partitioner) ? 0 : Math.min(options.workers ?? defaultShuffleWorkers(), tasks);
}

/**
 * `shuffleTest`, on the workers of `pool` when given (started early by the caller with
 * `shuffleWorkerCount(options)` workers and the same partitioner); the pool is closed after.
 */
export async function shuffleTestWith(
  graph: WeightGraph | WeightGraphShuffler,
  options: ShuffleTestOptions,
  pool: ShufflePool | undefined,
): Promise<Record<string, ShuffleStatistics>> {
  try {
    return await shuffleTestIn(graph, options, pool);
  } finally {
    pool?.close();
  }
}

async function shuffleTestIn(
  graph: WeightGraph | WeightGraphShuffler,
  options: ShuffleTestOptions,
  pool: ShufflePool | undefined,
): Promise<Record<string, ShuffleStatistics>> {
  checkPartitionerOption(options.partitioner);
  const shuffles = options.shuffles ?? 50;
  const nulls = options.nulls ?? NULL_MODELS;
  if (!Number.isInteger(shuffles) || shuffles < 1) {
    throw new InvalidArgumentError({
      argument: 'shuffles',
      message: `shuffles = ${shuffles}; the shuffle test needs a positive integer.`,
      hint: 'Use e.g. 50 (the default).',
    });
  }
  for (const model of nulls) {
    if (!isNullModel(model)) {
      throw new InvalidArgumentError({
        argument: 'nulls',
        message: `unknown null model '${model}'.`,
        hint: `Use one of: ${NULL_MODELS.join(', ')}.`,
      });
    }
  }
  const settings: ShuffleSettings = { k: options.k, seed: options.seed ?? 0 };
  const tasks: ShuffleTask[] = nulls.flatMap((model, nullIndex) =>
    Array.from({ length: shuffles }, (_, index) => ({ model, nullIndex, index })),
  );
  const given = options.partitioner;
  // A shuffler of its own (a language model's, which shuffles each weight matrix) runs in this thread, or
  // on a queue's workers, which build it again from the network.
  const queued = options.queue !== undefined && (!('shuffle' in graph) || options.languageModel !== undefined);
  if (queued && isPartitioner(given)) {
    throw new InvalidArgumentError({
      argument: 'partitioner',
      message: 'a Partitioner object cannot be sent to a queue.',
      hint: 'Pass a { module, factory, options } spec with queue.',
    });
  }
  const workers = 'shuffle' in graph || queued ? 0 : shuffleWorkerCount(options);
  if (!Number.isInteger(workers) || workers < 0) {
    throw new InvalidArgumentError({
      argument: 'workers',
      message: `workers = ${options.workers}.`,
      hint: 'Use a non-negative integer; 0 runs the shuffles in this thread.',
    });
  }
  let ncuts: Float64Array;
  if (queued) {
    options.signal?.throwIfAborted();
    const source: QueuedShuffleSource =
      'shuffle' in graph ? { languageModel: options.languageModel!.network, attention: options.languageModel!.attention } : { graph };
    ncuts = await runShufflesOnQueue(source, tasks, settings, given as PartitionerSpec, options.queue!, {
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } else if (workers === 0) {
    const partitioner = isPartitioner(given) ? given : await loadPartitioner(given);
    ncuts = new Float64Array(tasks.length);
    const shuffler = 'shuffle' in graph ? graph : weightGraphShuffler(graph);
    for (let t = 0; t < tasks.length; t++) {
      options.signal?.throwIfAborted();
      const task = tasks[t]!;
      ncuts[t] = await runShuffle(shuffler, task.model, task.nullIndex, task.index, settings, partitioner);
      options.onProgress?.(t + 1, tasks.length);
      // let the event loop run between shuffles: a progress display redraws, a timer can abort
      await new Promise((resolve) => setImmediate(resolve));
    }
  } else {
    // the pool closes itself when the run ends, however it ends
    ncuts = await (pool ?? startShufflePool(given as PartitionerSpec, workers)).run(graph as WeightGraph, tasks, settings, options);
  }
  const out: Record<string, ShuffleStatistics> = {};
  nulls.forEach((model, nullIndex) => {
    out[model] = shuffleStatistics(options.real, Array.from(ncuts.subarray(nullIndex * shuffles, (nullIndex + 1) * shuffles)));
  });
  return out;
}
