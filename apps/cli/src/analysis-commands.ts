import { type Command, Option } from 'commander';
import { addExampleOptions } from './example-options.js';
import { fraction, nonNegativeInt, numberList, positiveInt, queueUrl, seed, shuffleCount, workerCount } from './option-values.js';

/** The commands that look at a model: inspect, evaluate, cluster. Each loads its implementation only when it runs. */
export function addAnalysisCommands(program: Command): void {
  program
    .command('inspect')
    .description('Show a model: layers, shapes, parameters and sparsity per layer.')
    .argument('<model>', 'an .onnx file or a TF.js model.json (or its directory)')
    .option('--json', 'print JSON instead of a table')
    .action(async (model: string, options: { json?: boolean }) => {
      const { inspectCommand } = await import('./commands/inspect.js');
      await inspectCommand(model, options);
    });

  const evaluate = program
    .command('evaluate')
    .description('Accuracy per class of a classifier on a dataset, or loss per domain of a language model on text.')
    .argument('<model>', 'an .onnx file or a TF.js model.json (or its directory)');
  addExampleOptions(evaluate)
    .option('--limit <n>', 'use only the first n examples', positiveInt)
    .option('--batch-size <n>', 'examples per inference call', positiveInt)
    .option('--mean <values>', 'normalize inputs: subtract this mean (one value or one per channel)', numberList)
    .option('--std <values>', 'normalize inputs: divide by this std (one value or one per channel)', numberList)
    .addOption(new Option('--engine <engine>', "run on the model's own engine or on tfjs").choices(['native', 'tfjs']).default('native'))
    .option('--json', 'print JSON instead of tables')
    .action(async (model: string, options) => {
      const { evaluateCommand } = await import('./commands/evaluate.js');
      await evaluateCommand(model, options);
    });

  program
    .command('cluster')
    .description('Is the network more clusterable than chance? Spectral clustering of its weight graph, n-cut, and the shuffle test.')
    .argument('<model>', 'an .onnx file or a TF.js model.json (or its directory)')
    .option('--k <n>', 'number of clusters', positiveInt, 12)
    .option(
      '--shuffles <n>',
      'shuffled networks per null model, at most 10,000 (0 skips the test); no p is below 1/(n + 1), so fewer than 19 cannot reach 0.05',
      shuffleCount,
      50,
    )
    .option('--nulls <list>', 'null models, comma-separated: layer, layer-nonzero', 'layer,layer-nonzero')
    .option('--prune <sparsity>', 'prune each layer to this sparsity by magnitude first, e.g. 0.9', fraction)
    .option(
      '--partitioner <name>',
      'spectral, louvain, or a partitioner plugin: a package name or path, found from the current directory (package#export picks an export)',
      'spectral',
    )
    .option('--seed <n>', 'seed of every random choice, 0 to 4294967295', seed, 0)
    .option(
      '--workers <n>',
      'worker threads for the shuffles, at most 64 (0 = none; default: one per core on more than 2 cores, else none)',
      workerCount,
    )
    .option('--queue <url>', 'run the shuffles on this Redis queue (redis://HOST:PORT) instead, taken by modscope worker', queueUrl)
    .addOption(new Option('--norm <norm>', 'conv kernel slice norm for CNN edges').choices(['l1', 'l2']).default('l1'))
    .option('--include-dense', 'CNNs: include the dense head in the graph')
    .addOption(
      new Option('--view <view>', 'language models: residual (the stream as one bus) or per-block (one MLP, d → 4d → d)')
        .choices(['residual', 'per-block'])
        .default('residual'),
    )
    .option('--attention', 'language models, residual view: attention heads are nodes too')
    .option('--block <n>', 'language models, per-block view: which block (from 0)', nonNegativeInt, 0)
    .option('--json <file>', 'also write the full result as JSON to this file (- prints only JSON to stdout)')
    .option('--report <file>', 'also write an HTML report of this result (open it in a browser; works offline)')
    .action(async (model: string, options) => {
      const { clusterCommand } = await import('./commands/cluster.js');
      await clusterCommand(model, options);
    });
}
