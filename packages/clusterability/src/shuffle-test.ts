import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { InvalidArgumentError, ModscopeError, type Partitioner } from '@modscope/core';
import { isNullModel, NULL_MODELS, type NullModel, type WeightGraph } from '@modscope/graph';
import { shuffleStatistics, type ShuffleStatistics } from '@modscope/metrics';
import { isPartitioner, loadPartitioner, resolvePartitionerSpec, type PartitionerSpec } from './partitioner-spec.js';
import { runShuffle, type ShuffleSettings } from './shuffle-task.js';
import type { WorkerReply, WorkerRequest } from './shuffle-worker.js';

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
  /**
   * A built-in name (`spectral`, `louvain`), a `{ module, factory, options }` spec (runs in worker
   * threads), or a `Partitioner` object (runs in this thread). Default `spectral`.
   */
  partitioner?: string | PartitionerSpec | Partitioner;
  /** Worker threads. Default: the machine's parallelism, at most the number of shuffles; 0 runs here. */
  workers?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

interface Task {
  model: NullModel;
  nullIndex: number;
  index: number;
}

/**
 * The shuffle test (the method, §4): for each null model, `shuffles` shuffled copies of the graph are
 * clustered with the same k and their n-cuts compared with the real one (left-sided p, z). Shuffles run
 * in worker threads; every shuffle is seeded by (seed, null, index) alone, so the values are identical
 * whatever the number of workers.
 */
export async function shuffleTest(graph: WeightGraph, options: ShuffleTestOptions): Promise<Record<string, ShuffleStatistics>> {
  const shuffles = options.shuffles ?? 50;
  const nulls = options.nulls ?? NULL_MODELS;
  if (!Number.isInteger(shuffles) || shuffles < 1) {
    throw new InvalidArgumentError({ argument: 'shuffles', message: `shuffles = ${shuffles}; the shuffle test needs a positive integer.`, hint: 'Use e.g. 50 (the default).' });
  }
  for (const model of nulls) {
    if (!isNullModel(model)) {
      throw new InvalidArgumentError({ argument: 'nulls', message: `unknown null model '${model}'.`, hint: `Use one of: ${NULL_MODELS.join(', ')}.` });
    }
  }
  const settings: ShuffleSettings = { k: options.k, seed: options.seed ?? 0 };
  const tasks: Task[] = nulls.flatMap((model, nullIndex) => Array.from({ length: shuffles }, (_, index) => ({ model, nullIndex, index })));
  const given = options.partitioner ?? 'spectral';
  const workers = isPartitioner(given) ? 0 : Math.min(options.workers ?? availableParallelism(), tasks.length);
  if (!Number.isInteger(workers) || workers < 0) {
    throw new InvalidArgumentError({ argument: 'workers', message: `workers = ${options.workers}.`, hint: 'Use a non-negative integer; 0 runs the shuffles in this thread.' });
  }
  let ncuts: Float64Array;
  if (workers === 0) {
    const partitioner = isPartitioner(given) ? given : await loadPartitioner(resolvePartitionerSpec(given));
    ncuts = new Float64Array(tasks.length);
    for (let t = 0; t < tasks.length; t++) {
      options.signal?.throwIfAborted();
      const task = tasks[t]!;
      ncuts[t] = await runShuffle(graph, task.model, task.nullIndex, task.index, settings, partitioner);
      options.onProgress?.(t + 1, tasks.length);
    }
  } else {
    ncuts = await runInWorkers(graph, tasks, resolvePartitionerSpec(given as string | PartitionerSpec), settings, workers, options);
  }
  const out: Record<string, ShuffleStatistics> = {};
  nulls.forEach((model, nullIndex) => {
    out[model] = shuffleStatistics(options.real, Array.from(ncuts.subarray(nullIndex * shuffles, (nullIndex + 1) * shuffles)));
  });
  return out;
}

function runInWorkers(
  graph: WeightGraph,
  tasks: Task[],
  spec: PartitionerSpec,
  settings: ShuffleSettings,
  count: number,
  options: ShuffleTestOptions,
): Promise<Float64Array> {
  const ncuts = new Float64Array(tasks.length);
  return new Promise((resolve, reject) => {
    const pool: Worker[] = [];
    let next = 0;
    let done = 0;
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      for (const w of pool) void w.terminate();
      if (error) reject(error);
      else resolve(ncuts);
    };
    const onAbort = () => finish(options.signal!.reason ?? new Error('aborted'));
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort);
    const dispatch = (worker: Worker) => {
      if (next >= tasks.length) return;
      const id = next++;
      const task = tasks[id]!;
      worker.postMessage({ type: 'task', id, model: task.model, nullIndex: task.nullIndex, index: task.index } satisfies WorkerRequest);
    };
    const url = new URL('./shuffle-worker.js', import.meta.url);
    for (let w = 0; w < count; w++) {
      const worker = new Worker(url);
      pool.push(worker);
      worker.on('message', (reply: WorkerReply) => {
        if (reply.type === 'ready') dispatch(worker);
        else if (reply.type === 'result') {
          ncuts[reply.id] = reply.ncut;
          done++;
          options.onProgress?.(done, tasks.length);
          if (done === tasks.length) finish();
          else dispatch(worker);
        } else {
          finish(new ModscopeError({ code: reply.code ?? 'shuffle-failed', message: `a shuffle failed: ${reply.message}` }));
        }
      });
      worker.on('error', (error) => finish(error));
      worker.on('exit', (code) => {
        if (code !== 0 && !settled) finish(new ModscopeError({ code: 'shuffle-failed', message: `a shuffle worker exited with code ${code}.`, hint: 'Run with --workers 0 to see the failure in this thread.' }));
      });
      worker.postMessage({ type: 'init', graph, spec, settings } satisfies WorkerRequest);
    }
  });
}
