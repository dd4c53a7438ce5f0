import { loadPartitioner, type PartitionerSpec, shuffleHandlers } from '@modscope/clusterability';
import type { Partitioner } from '@modscope/core';
import { runWorker } from '@modscope/queue';
import { sweepHandlers } from '@modscope/sweep';
import { loaders } from '../loaders.js';
import { print } from '../output.js';
import { PARTITIONERS, partitionerSpec } from '../partitioners.js';
import { lesionWorkerHandlers } from './lesion.js';

export interface WorkerOptions {
  queue: string;
  concurrency: number;
  /** Partitioner plugins (package names or paths, found from this worker's directory) it may run besides its own. */
  partitioner?: string[];
}

/**
 * The partitioner a piece names, made by its factory name from this install's own table and the plugins
 * the worker was started with (`--partitioner`): the module the piece carries is a path on the submitting
 * machine, and is never imported.
 */
function partitionerTable(plugins: readonly PartitionerSpec[]): (spec: PartitionerSpec) => Promise<Partitioner> {
  const table = [...Object.values(PARTITIONERS).map((make) => make()), ...plugins];
  return (spec) => {
    const known = table.find((own) => own.factory === spec.factory);
    if (!known) {
      const names = table.map((own) => own.factory);
      return Promise.reject(
        new Error(
          `this worker runs only the partitioners ${names.join(', ')}, not '${spec.factory}' (start it with --partitioner <package> to allow a plugin).`,
        ),
      );
    }
    return loadPartitioner({ ...known, ...(spec.options !== undefined ? { options: spec.options } : {}) });
  };
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
  const partitionerOf = partitionerTable(await Promise.all((options.partitioner ?? []).map((value) => partitionerSpec(value))));
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
