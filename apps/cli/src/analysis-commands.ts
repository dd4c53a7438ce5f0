import { type Command, Option } from 'commander';
import {
  fraction,
  numberList,
  permutationCount,
  positiveInt,
  randomLesionCount,
  seed,
  shuffleCount,
  stepCount,
  workerCount,
} from './option-values.js';

/** Collects a repeatable option's values in order. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The commands that look at a model: inspect, evaluate, cluster, lesion, compare. Each loads its implementation only when it runs. */
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

  program
    .command('evaluate')
    .description('Accuracy, per-class accuracy and confusion matrix of a classifier on a dataset.')
    .argument('<model>', 'an .onnx file or a TF.js model.json (or its directory)')
    .option('--data <name|dir>', 'a classifier: fashion-mnist, mnist, two-task, or a directory of IDX files')
    .option('--text <spec>', 'a language model: name=file[,file…] (one domain; repeat for more) or a corpus.json', collect)
    .option(
      '--tokenizer <file|gpt2>',
      "a language model's tokenizer: a character vocabulary file or gpt2 (default: vocab.json beside the model)",
    )
    .option('--stride <n>', 'text: tokens from one window to the next (default: the context, no overlap)', positiveInt)
    .addOption(
      new Option('--split <split>', "which split (text: the last 10% of each domain's windows is test; all: both)")
        .choices(['train', 'test', 'all'])
        .default('test'),
    )
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
    .addOption(new Option('--norm <norm>', 'conv kernel slice norm for CNN edges').choices(['l1', 'l2']).default('l1'))
    .option('--include-dense', 'CNNs: include the dense head in the graph')
    .option('--json <file>', 'also write the full result as JSON to this file (- prints only JSON to stdout)')
    .option('--report <file>', 'also write an HTML report of this result (open it in a browser; works offline)')
    .action(async (model: string, options) => {
      const { clusterCommand } = await import('./commands/cluster.js');
      await clusterCommand(model, options);
    });

  program
    .command('lesion')
    .description('Do the modules do anything? Lesion each sub-cluster (cluster ∩ layer) against random same-size lesions.')
    .argument('<model>', 'an .onnx file or a TF.js model.json (or its directory)')
    .option('--data <name|dir>', 'a classifier: fashion-mnist, mnist, two-task, or a directory of IDX files')
    .option('--text <spec>', 'a language model: name=file[,file…] (one domain; repeat for more) or a corpus.json', collect)
    .option(
      '--tokenizer <file|gpt2>',
      "a language model's tokenizer: a character vocabulary file or gpt2 (default: vocab.json beside the model)",
    )
    .option('--stride <n>', 'text: tokens from one window to the next (default: the context, no overlap)', positiveInt)
    .addOption(
      new Option('--split <split>', "which split (text: the last 10% of each domain's windows is test; all: both)")
        .choices(['train', 'test', 'all'])
        .default('test'),
    )
    .option('--limit <n>', 'use only the first n examples', positiveInt)
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
    .option('--json <file>', 'also write the full result as JSON to this file (- prints only JSON to stdout)')
    .option('--report <file>', 'also write an HTML report of this result (open it in a browser; works offline)')
    .action(async (model: string, options) => {
      const { lesionCommand } = await import('./commands/lesion.js');
      await lesionCommand(model, options);
    });

  program
    .command('compare')
    .description('How well do the weight-graph and coactivation partitions agree? ARI and NMI against a permutation null.')
    .argument('<model>', 'an .onnx file or a TF.js model.json (or its directory)')
    .option('--data <name|dir>', 'a classifier: fashion-mnist, mnist, two-task, or a directory of IDX files')
    .option('--text <spec>', 'a language model: name=file[,file…] (one domain; repeat for more) or a corpus.json', collect)
    .option(
      '--tokenizer <file|gpt2>',
      "a language model's tokenizer: a character vocabulary file or gpt2 (default: vocab.json beside the model)",
    )
    .option('--stride <n>', 'text: tokens from one window to the next (default: the context, no overlap)', positiveInt)
    .addOption(
      new Option('--split <split>', "which split (text: the last 10% of each domain's windows is test; all: both)")
        .choices(['train', 'test', 'all'])
        .default('test'),
    )
    .option('--limit <n>', 'use only the first n examples (the coactivations use at most 5,000)', positiveInt)
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
