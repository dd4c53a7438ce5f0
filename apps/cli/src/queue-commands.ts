import type { Command } from 'commander';
import { concurrency, queueUrl } from './option-values.js';

/** `modscope worker`: runs queued pieces. Loads its implementation (and BullMQ) only when it runs. */
export function addQueueCommands(program: Command): void {
  program
    .command('worker')
    .description(
      'Run queued pieces (the shuffles of cluster --queue, the lesions of lesion --queue) from a Redis queue until stopped (SIGTERM or SIGINT).',
    )
    .requiredOption('--queue <url>', 'the Redis queue: redis://HOST:PORT', queueUrl)
    .option('--concurrency <n>', 'pieces run at once, at most 64', concurrency, 1)
    .action(async (options: { queue: string; concurrency: number }) => {
      const { workerCommand } = await import('./commands/worker.js');
      await workerCommand(options);
    });
}
