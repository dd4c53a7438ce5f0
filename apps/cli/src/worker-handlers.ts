// The handlers of `modscope worker`, made on each of its piece threads (`runWorker({ threads })` imports this
// file by its own URL): the shuffles of cluster --queue, the lesion batches of lesion --queue and the entries
// of sweep --queue. On a thread, a piece may compute for minutes while the main thread renews its lock.
import { loadPartitioner, type PartitionerSpec, shuffleHandlers } from '@modscope/clusterability';
import type { Partitioner } from '@modscope/core';
import type { PieceHandler } from '@modscope/queue';
import { sweepHandlers } from '@modscope/sweep';
import { lesionWorkerHandlers } from './commands/lesion.js';
import { loaders } from './loaders.js';
import { PARTITIONERS } from './partitioners.js';

export interface WorkerHandlerOptions {
  /** Partitioner plugins the worker was started with (`--partitioner`), resolved on its machine. */
  partitioners: PartitionerSpec[];
}

/**
 * The partitioner a piece names, made by its factory name from this install's own table and the plugins
 * the worker was started with: the module the piece carries is a path on the submitting machine, and is
 * never imported.
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

/** Every kind of piece `modscope worker` runs. */
export function workerHandlers(options: WorkerHandlerOptions): Record<string, PieceHandler> {
  const partitioner = partitionerTable(options.partitioners);
  return {
    ...shuffleHandlers({ partitioner }),
    ...sweepHandlers({ loadModel: (path, o) => loaders.load(path, o), partitioner }),
    ...lesionWorkerHandlers(),
  };
}
