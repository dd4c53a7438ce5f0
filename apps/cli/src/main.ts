import { ModscopeError } from '@modscope/core';
import { CommanderError } from 'commander';
import { fromErrnoError } from './fs-errors.js';
import { createProgram } from './program.js';
import { isUsageError } from './usage-error.js';

/**
 * Runs the CLI and returns the exit code. This is the one place that decides it: modscope errors and
 * file-system errors (`fromErrnoError`: the path and the problem in words) print one line and exit 1, usage errors (commander's, and `UsageError`s) exit 2; anything else prints one
 * line too, with the stack only when MODSCOPE_DEBUG is set.
 */
export async function main(argv: readonly string[], io: { stderr?: (s: string) => void } = {}): Promise<number> {
  const stderr = io.stderr ?? ((s: string) => process.stderr.write(s));
  const program = createProgram({ writeErr: stderr });
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version exit 0; usage errors were already printed by commander
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
    }
    if (isUsageError(error)) {
      // found after parsing (an unknown name in a list, an unknown --partitioner): still a usage error
      stderr(`modscope: ${error.message}\n`);
      return 2;
    }
    // a file-system failure anywhere (reading an input, writing an output): the path and the problem in words
    const fsError = fromErrnoError(error);
    if (fsError !== undefined) {
      stderr(`modscope: ${fsError.message}\n`);
      if (process.env.MODSCOPE_DEBUG) stderr(`${(error as Error).stack}\n`);
      return 1;
    }
    if (ModscopeError.isInstance(error)) {
      stderr(`modscope: ${error.message}\n`);
      if (process.env.MODSCOPE_DEBUG) stderr(`${error.stack}\n`);
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    stderr(`modscope: unexpected error: ${message}\n`);
    stderr(
      process.env.MODSCOPE_DEBUG
        ? `${(error as Error).stack}\n`
        : 'Run again with MODSCOPE_DEBUG=1 for details, and report it if it persists.\n',
    );
    return 1;
  }
}
