import type { Command } from 'commander';
import { queueUrl } from './option-values.js';

/** `modscope sweep`: many models × analyses × seeds from a manifest. Loads its implementation only when it runs. */
export function addSweepCommands(program: Command): void {
  program
    .command('sweep')
    .description(
      'Run models × analyses (cluster, lesion) × seeds from a manifest, here or on a Redis queue: one result file per entry and a summary table.',
    )
    .argument('<manifest>', 'a sweep manifest (JSON): { "models": [...], "analyses": [...], "seeds": [...] }, paths relative to it')
    .requiredOption('--out <dir>', 'write <model>.<analysis>.seed<s>.json per entry and summary.json here (created if missing)')
    .option('--queue <url>', 'run each entry as one piece on this Redis queue (redis://HOST:PORT), taken by modscope worker', queueUrl)
    .action(async (manifest: string, options: { out: string; queue?: string }) => {
      const { sweepCommand } = await import('./commands/sweep.js');
      await sweepCommand(manifest, options);
    });
}
