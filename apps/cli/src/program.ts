import { Command } from 'commander';
import { addAnalysisCommands } from './analysis-commands.js';
import { addLesionCommands } from './lesion-commands.js';
import { addExperimentCommands } from './experiment-commands.js';
import { addQueueCommands } from './queue-commands.js';
import { addSweepCommands } from './sweep-commands.js';

import { VERSION } from './version.js';

/** The command tree. Each command loads its implementation only when it runs. */
export function createProgram(output: { writeErr?: (s: string) => void } = {}): Command {
  const program = new Command('modscope')
    // set before the subcommands are added, so they inherit it: errors reach main() instead of exiting
    .exitOverride()
    .configureOutput({
      ...(output.writeErr ? { writeErr: output.writeErr } : {}),
      // a usage error in one line, like every other error: `modscope: <what> (run with --help for usage)`
      outputError: (text, write) => write(`modscope: ${text.replace(/^error: /, '').trimEnd()} (run with --help for usage)\n`),
    })
    .description('Find emergent modules in trained neural networks, test what they do, and remove them.')
    .version(VERSION);

  addAnalysisCommands(program);
  addLesionCommands(program);
  addExperimentCommands(program);
  addQueueCommands(program);
  addSweepCommands(program);
  return program;
}
