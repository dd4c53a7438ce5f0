import type { Command } from 'commander';
import { UsageError } from './usage-error.js';

/** The options the user gave on the command line (not filled in by a default), by key. */
export function explicitOptions(command: Command): Set<string> {
  return new Set(Object.keys(command.opts()).filter((key) => command.getOptionValueSource(key) === 'cli'));
}

/** Options of agents (`--env`) given without `--env`: a usage error naming the first. */
export function requireEnv(options: Record<string, unknown>, flags: Readonly<Record<string, string>>): void {
  if (options.env !== undefined) return;
  const given = Object.entries(flags).find(([key]) => options[key] !== undefined);
  if (given)
    throw new UsageError({
      argument: given[1],
      message: `${given[1]} is an option of agents (--env).`,
      hint: `Add --env gathering with a directory of modscope train --env, or leave ${given[1]} out.`,
    });
}
