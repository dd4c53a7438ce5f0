import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { isMainThread, Worker } from 'node:worker_threads';
import { ModscopeError, type Network } from '@modscope/core';
import type { BatchShare, LanguageModelStepSettings, ShareStatistics } from './language-model-step.js';

/**
 * Helper threads for data-parallel language-model training: one per core beyond the calling thread's,
 * at most 7 (a batch of 32 windows gives each of 8 threads 4). The calling thread trains a share too.
 */
export function defaultTrainingWorkers(): number {
  return Math.max(0, Math.min(availableParallelism(), 8) - 1);
}

/** What a worker starts from; the gradient slots are `threads × 2` arrays of `size` floats in `buffer` (thread, then step parity). */
export interface TrainingWorkerStart {
  network: Network;
  settings: LanguageModelStepSettings;
  backend: string;
  buffer: SharedArrayBuffer;
  size: number;
  thread: number;
  threads: number;
}

/** Messages to a worker: the share of a step to compute, then the order to apply the step's summed gradient. */
export type TrainingWorkerRequest =
  | { type: 'share'; share: BatchShare; parity: number }
  | { type: 'apply'; parity: number; active: number[]; learningRate: number };

/** Messages from a worker. */
export type TrainingWorkerReply = { type: 'computed'; statistics: ShareStatistics } | { type: 'error'; message: string };

/** The gradient slot of `thread` for steps of `parity` in a slot buffer. */
export function gradientSlot(buffer: SharedArrayBuffer, size: number, thread: number, parity: number): Float32Array {
  return new Float32Array(buffer, (thread * 2 + parity) * size * 4, size);
}

/**
 * The batch's gradient: the slots of the `active` threads (those with a share) added one after another in
 * thread order (float32), so every thread gets the same array.
 */
export function sumGradientSlots(
  buffer: SharedArrayBuffer,
  size: number,
  active: readonly number[],
  parity: number,
  out: Float32Array,
): Float32Array {
  out.set(gradientSlot(buffer, size, active[0]!, parity));
  for (const t of active.slice(1)) {
    const slot = gradientSlot(buffer, size, t, parity);
    for (let i = 0; i < size; i++) out[i]! += slot[i]!;
  }
  return out;
}

/** Started helper threads; the calling thread is thread 0. */
export interface TrainingWorkers {
  readonly count: number;
  /** Sends thread t its share (t ≥ 1; null: none this step); resolves with their statistics (null where none) once all are written. */
  compute(shares: readonly (BatchShare | null)[], parity: number): Promise<(ShareStatistics | null)[]>;
  /** Tells every worker to apply the step's summed gradient of these threads. */
  apply(parity: number, active: readonly number[], learningRate: number): void;
  close(): void;
}

let script: URL | null | undefined;

/** The worker script; null off the main thread or where it is missing (running from source: tests of src/). */
function workerScript(): URL | null {
  if (script === undefined) {
    const url = new URL('./language-model-worker.js', import.meta.url);
    script = isMainThread && url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : null;
  }
  return script;
}

/** Whether worker threads can be started here. */
export function trainingWorkersAvailable(): boolean {
  return workerScript() !== null;
}

/** Starts `count` workers, each building the same model, optimizer and masks on `backend`. */
export function startTrainingWorkers(count: number, start: Omit<TrainingWorkerStart, 'thread' | 'threads'>): TrainingWorkers {
  const url = workerScript();
  if (!url) throw new ModscopeError({ code: 'workers-unavailable', message: '@modscope/train: the training worker script is missing.' });
  const workers: Worker[] = [];
  let failure: Error | undefined;
  let onFailure: ((error: Error) => void) | undefined;
  let closed = false;
  const fail = (error: Error) => {
    failure ??= error;
    onFailure?.(error);
  };
  const waiting = new Map<Worker, (statistics: ShareStatistics) => void>();
  for (let t = 1; t <= count; t++) {
    const worker = new Worker(url, { workerData: { ...start, thread: t, threads: count + 1 } satisfies TrainingWorkerStart });
    worker.on('message', (reply: TrainingWorkerReply) => {
      if (reply.type === 'error')
        fail(new ModscopeError({ code: 'training-worker-failed', message: `@modscope/train: a training worker failed: ${reply.message}` }));
      else {
        const resolve = waiting.get(worker);
        waiting.delete(worker);
        resolve?.(reply.statistics);
      }
    });
    worker.on('error', (error) => fail(error));
    worker.on('exit', (code) => {
      if (!closed)
        fail(
          new ModscopeError({
            code: 'training-worker-failed',
            message: `@modscope/train: a training worker exited with code ${code}.`,
            hint: 'Train with workers: 0 to see the failure in this thread.',
          }),
        );
    });
    workers.push(worker);
  }
  return {
    count,
    compute(shares, parity) {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        onFailure = reject;
        const pending = workers.map((worker, i) => {
          const share = shares[i + 1];
          if (!share) return Promise.resolve(null);
          const done = new Promise<ShareStatistics>((r) => waiting.set(worker, r));
          worker.postMessage({ type: 'share', share, parity } satisfies TrainingWorkerRequest);
          return done;
        });
        Promise.all(pending).then((statistics) => {
          onFailure = undefined;
          resolve(statistics);
        }, reject);
      });
    },
    apply(parity, active, learningRate) {
      for (const worker of workers)
        worker.postMessage({ type: 'apply', parity, active: [...active], learningRate } satisfies TrainingWorkerRequest);
    },
    close() {
      if (closed) return;
      closed = true;
      for (const worker of workers) void worker.terminate();
    },
  };
}
