import type { Command } from 'commander';
import { concurrency, queueUrl } from './option-values.js';

/** `modscope worker` runs queued pieces, `modscope workers` lists them. Each loads BullMQ only when it runs. */
export function addQueueCommands(program: Command): void {
  program
    .command('worker')
    .description(
      'Run queued pieces (the shuffles of cluster --queue, the lesions of lesion --queue) from a Redis queue until stopped (SIGTERM or SIGINT).',
    )
    .requiredOption('--queue <url>', 'the Redis queue: redis://HOST:PORT', queueUrl)
    .option('--concurrency <n>', 'pieces run at once, at most 64', concurrency, 1)
    .option(
      '--partitioner <plugin>',
      'also run pieces of this partitioner plugin (a package name or path, found from here); repeatable',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .action(async (options: { queue: string; concurrency: number; partitioner?: string[] }) => {
      const { workerCommand } = await import('./commands/worker.js');
      await workerCommand(options);
    });
  program
    .command('workers')
    .description("List the workers alive on a Redis queue (from their heartbeats) and the queue's pieces by state.")
    .requiredOption('--queue <url>', 'the Redis queue: redis://HOST:PORT', queueUrl)
    .option('--json <file>', "write the status as JSON to this file ('-' for stdout)")
    .action(async (options: { queue: string; json?: string }) => {
      const { workersCommand } = await import('./commands/workers.js');
      await workersCommand(options);
    });
}
