import { type Command, Option } from 'commander';
import { addExampleOptions } from './example-options.js';
import { explicitOptions, requireEnv } from './explicit-options.js';
import {
  fraction,
  nonNegativeNumber,
  numberList,
  unitFraction,
  permutationCount,
  positiveInt,
  queueUrl,
  randomLesionCount,
  seed,
  stepCount,
} from './option-values.js';
import { UsageError } from './usage-error.js';

/** The commands that test what modules do: lesion and compare. Each loads its implementation only when it runs. */
export function addLesionCommands(program: Command): void {
  const lesion = program
    .command('lesion')
    .description('Do the modules do anything? Lesion each sub-cluster (cluster ∩ layer) against random same-size lesions.')
    .argument('<model>', 'an .onnx file or a TF.js model.json (or its directory)');
  addExampleOptions(lesion)
    .option('--limit <n>', 'use only the first n examples (text: the first n windows of each domain)', positiveInt)
    .addOption(
      new Option('--ablation <how>', 'language models: zero a unit, or set it to its mean over the text')
        .choices(['zero', 'mean'])
        .default('zero'),
    )
    .option(
      '--partition <source>',
      "weights, coactivation, coactivation-local (each layer on its own), or a 'modscope cluster --json' file",
      'weights',
    )
    .option('--k <n>', 'number of clusters', positiveInt, 12)
    .option('--prune <sparsity>', 'weights partition: prune each layer to this sparsity first, e.g. 0.9', fraction)
    .option('--partitioner <name>', 'weights partition: spectral (the default), louvain, or a partitioner plugin package or path')
    .addOption(
      new Option('--measure <measure>', 'coactivation partition: correlation measure').choices(['spearman', 'pearson']).default('spearman'),
    )
    .option(
      '--random <n>',
      'random same-size lesions per sub-cluster, at most 10,000 (default: 99 for a network without conv layers, 19 with; --feature-viz: 19); no p is below 1/(n + 1)',
      randomLesionCount,
    )
    .option('--top <n>', 'upstream coherence: examples that activate a sub-cluster most', positiveInt, 10)
    .option('--seed <n>', 'seed of every random choice, 0 to 4294967295', seed, 0)
    .option('--mean <values>', 'normalize inputs: subtract this mean (one value or one per channel)', numberList)
    .option('--std <values>', 'normalize inputs: divide by this std (one value or one per channel)', numberList)
    .option('--batch-size <n>', 'examples per inference call', positiveInt)
    .option(
      '--feature-viz <dir>',
      'also run feature visualization (gradient ascent on the input, tfjs) and save each sub-cluster’s image here as PNG',
    )
    .option('--feature-steps <n>', 'gradient-ascent steps per image', stepCount)
    .option(
      '--queue <url>',
      'classifiers: evaluate the lesions on this Redis queue (redis://HOST:PORT) instead, taken by modscope worker; an .onnx model only',
      queueUrl,
    )
    .option('--json <file>', 'also write the full result as JSON to this file (- prints only JSON to stdout)')
    .option('--report <file>', 'also write an HTML report of this result (open it in a browser; works offline)')
    .option(
      '--env <name>',
      'agents: lesion the policies of the trained agents in <model> (a directory of modscope train --env) by behaviour (gathering)',
    )
    .option('--regrowth <p>', 'agents, gathering: apple regrowth the agents are measured in (default: as trained)', unitFraction)
    .option('--beam-cost <x>', 'agents, gathering: beam cost the agents are measured with (default: as trained)', nonNegativeNumber)
    .action(async (model: string, options, command: Command) => {
      if (options.env !== undefined && options.queue !== undefined) {
        throw new UsageError({
          argument: '--queue',
          message: '--queue sends the lesions of a classifier to workers; agents (--env) are lesioned here.',
          hint: 'Leave --queue out with --env.',
        });
      }
      if (options.env !== undefined) {
        const { lesionAgentsCommand } = await import('./commands/lesion-agents.js');
        await lesionAgentsCommand(model, options, explicitOptions(command));
        return;
      }
      requireEnv(options, { regrowth: '--regrowth', beamCost: '--beam-cost' });
      const { lesionCommand } = await import('./commands/lesion.js');
      await lesionCommand(model, options);
    });

  const compare = program
    .command('compare')
    .description('How well do the weight-graph and coactivation partitions agree? ARI and NMI against a permutation null.')
    .argument('<model>', 'an .onnx file or a TF.js model.json (or its directory)');
  addExampleOptions(compare)
    .option('--limit <n>', 'use only the first n examples (text: windows per domain; the coactivations use at most 5,000)', positiveInt)
    .option('--k <n>', 'number of clusters', positiveInt, 12)
    .option('--prune <sparsity>', 'prune each layer to this sparsity before building the weight graph, e.g. 0.9', fraction)
    .addOption(new Option('--measure <measure>', 'coactivation correlation measure').choices(['spearman', 'pearson']).default('spearman'))
    .option('--permutations <n>', 'permutations of the null, at most 100,000; no p is below 1/(n + 1)', permutationCount, 999)
    .option('--seed <n>', 'seed of every random choice, 0 to 4294967295', seed, 0)
    .option('--mean <values>', 'normalize inputs: subtract this mean (one value or one per channel)', numberList)
    .option('--std <values>', 'normalize inputs: divide by this std (one value or one per channel)', numberList)
    .option('--json <file>', 'also write the full result as JSON to this file (- prints only JSON to stdout)')
    .option('--report <file>', 'also write an HTML report of this result (open it in a browser; works offline)')
    .action(async (model: string, options) => {
      const { compareCommand } = await import('./commands/compare.js');
      await compareCommand(model, options);
    });
}
