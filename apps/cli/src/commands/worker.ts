import { loadPartitioner, type PartitionerSpec, shuffleHandlers } from '@modscope/clusterability';
import type { Partitioner } from '@modscope/core';
import { runWorker } from '@modscope/queue';
import { sweepHandlers } from '@modscope/sweep';
import { loaders } from '../loaders.js';
import { print } from '../output.js';
import { PARTITIONERS } from '../partitioners.js';
import { lesionWorkerHandlers } from './lesion.js';

export interface WorkerOptions {
  queue: string;
  concurrency: number;
}

/**
 * The partitioner a piece names, made from this install's own table by its factory name: the module the
 * piece carries is a path on the submitting machine, and is never imported.
 */
function partitionerOf(spec: PartitionerSpec): Promise<Partitioner> {
  const known = Object.values(PARTITIONERS)
    .map((make) => make())
    .find((own) => own.factory === spec.factory);
  if (!known) {
    const names = Object.values(PARTITIONERS).map((make) => make().factory);
    return Promise.reject(new Error(`this worker runs only the partitioners ${names.join(', ')}, not '${spec.factory}'.`));
  }
  return loadPartitioner({ ...known, ...(spec.options !== undefined ? { options: spec.options } : {}) });
}

/**
 * How long a piece stays locked to a worker that stopped renewing it, and how often workers look for such
 * pieces, in ms: BullMQ's 30 s unless MODSCOPE_QUEUE_LOCK_MS says (tests set it short, to see a killed
 * worker's piece taken over within seconds).
 */
function lockSettings(): { lockDuration?: number; stalledInterval?: number } {
  const ms = Number(process.env.MODSCOPE_QUEUE_LOCK_MS);
  return Number.isSafeInteger(ms) && ms >= 100 ? { lockDuration: ms, stalledInterval: ms } : {};
}

/** Runs queued pieces until SIGTERM or SIGINT; the pieces being run finish first. */
export async function workerCommand(options: WorkerOptions): Promise<void> {
  const controller = new AbortController();
  // the first signal lets the pieces being run finish; a second one stops at once
  const stop = () => {
    if (!controller.signal.aborted) return controller.abort();
    process.stderr.write('modscope: worker: stopped before its pieces finished; the queue gives them to another worker\n');
    process.exit(130);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  try {
    await runWorker({
      url: options.queue,
      concurrency: options.concurrency,
      handlers: {
        ...shuffleHandlers({ partitioner: partitionerOf }),
        ...sweepHandlers({ loadModel: (path, o) => loaders.load(path, o), partitioner: partitionerOf }),
        ...lesionWorkerHandlers(),
      },
      signal: controller.signal,
      ...lockSettings(),
      onReady: () => print(`worker: taking pieces from ${options.queue} (concurrency ${options.concurrency}); stop with SIGTERM or Ctrl-C`),
    });
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
  }
  print('worker: stopped');
}
