import { runWorker } from '@modscope/queue';
import { print } from '../output.js';
import { partitionerSpec } from '../partitioners.js';
import { VERSION } from '../version.js';
import type { WorkerHandlerOptions } from '../worker-handlers.js';

export interface WorkerOptions {
  queue: string;
  concurrency: number;
  /** Partitioner plugins (package names or paths, found from this worker's directory) it may run besides its own. */
  partitioner?: string[];
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
  const handlerOptions: WorkerHandlerOptions = {
    partitioners: await Promise.all((options.partitioner ?? []).map((value) => partitionerSpec(value))),
  };
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
      version: VERSION,
      concurrency: options.concurrency,
      // each piece runs on a thread of its own, made from the built worker-handlers.js beside this file
      threads: { module: new URL('./worker-handlers.js', import.meta.url).href, export: 'workerHandlers', options: handlerOptions },
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
