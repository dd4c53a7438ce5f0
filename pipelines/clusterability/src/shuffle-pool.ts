import { Worker } from 'node:worker_threads';
import { ModscopeError } from '@modscope/core';
import type { NullModel, WeightGraph } from '@modscope/graph';
import type { PartitionerSpec } from './partitioner-spec.js';
import type { ShuffleSettings } from './shuffle-task.js';
import type { WorkerReply, WorkerRequest } from './shuffle-worker.js';

/** One shuffle to run: null model `model` (index `nullIndex` in the test's list), shuffle `index`. */
export interface ShuffleTask {
  model: NullModel;
  nullIndex: number;
  index: number;
}

/**
 * Worker threads for the shuffle test, started before the shuffles are known: each loads its partitioner
 * as it starts, so that start-up (module loading, compiling) overlaps whatever the caller does meanwhile,
 * such as clustering the real network.
 */
export interface ShufflePool {
  /**
   * Runs the tasks on `graph`, one at a time per worker, and resolves with their n-cuts in task order.
   * Call at most once.
   */
  run(
    graph: WeightGraph,
    tasks: readonly ShuffleTask[],
    settings: ShuffleSettings,
    options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
  ): Promise<Float64Array>;
  /** Stops the workers (also after `run`; idempotent). */
  close(): void;
}

/** Starts `count` shuffle workers, each loading the partitioner of `spec`. */
export function startShufflePool(spec: PartitionerSpec, count: number): ShufflePool {
  const url = new URL('./shuffle-worker.js', import.meta.url);
  const pool: Worker[] = [];
  let closed = false;
  // a failure before `run` is kept for it; during `run` it goes to `onFailure`
  let early: unknown;
  let onFailure: ((error: unknown) => void) | undefined;
  const fail = (error: unknown) => {
    if (onFailure) onFailure(error);
    else early ??= error;
  };
  let onReply: ((worker: Worker, reply: WorkerReply) => void) | undefined;
  for (let w = 0; w < count; w++) {
    const worker = new Worker(url, { workerData: { spec } });
    pool.push(worker);
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'error')
        fail(new ModscopeError({ code: reply.code ?? 'shuffle-failed', message: `a shuffle failed: ${reply.message}` }));
      else onReply?.(worker, reply);
    });
    worker.on('error', (error) => fail(error));
    worker.on('exit', (code) => {
      if (code !== 0 && !closed)
        fail(
          new ModscopeError({
            code: 'shuffle-failed',
            message: `a shuffle worker exited with code ${code}.`,
            hint: 'Run with --workers 0 to see the failure in this thread.',
          }),
        );
    });
  }
  const close = () => {
    if (closed) return;
    closed = true;
    for (const w of pool) void w.terminate();
  };
  return {
    close,
    run(graph, tasks, settings, options) {
      const ncuts = new Float64Array(tasks.length);
      return new Promise((resolve, reject) => {
        let next = 0;
        let done = 0;
        let settled = false;
        const finish = (error?: unknown) => {
          if (settled) return;
          settled = true;
          options.signal?.removeEventListener('abort', onAbort);
          close();
          if (error) reject(error);
          else resolve(ncuts);
        };
        const onAbort = () => finish(options.signal!.reason ?? new Error('aborted'));
        if (early !== undefined) return finish(early);
        if (options.signal?.aborted) return onAbort();
        options.signal?.addEventListener('abort', onAbort);
        onFailure = finish;
        const dispatch = (worker: Worker) => {
          if (next >= tasks.length) return;
          const id = next++;
          const { model, nullIndex, index } = tasks[id]!;
          worker.postMessage({ type: 'task', id, model, nullIndex, index } satisfies WorkerRequest);
        };
        onReply = (worker, reply) => {
          if (reply.type !== 'result') return;
          ncuts[reply.id] = reply.ncut;
          done++;
          options.onProgress?.(done, tasks.length);
          if (done === tasks.length) finish();
          else dispatch(worker);
        };
        if (tasks.length === 0) return finish();
        for (const worker of pool) {
          worker.postMessage({ type: 'graph', graph, settings } satisfies WorkerRequest);
          dispatch(worker);
        }
      });
    },
  };
}
