import { Command, InvalidArgumentError as CommanderInvalidArgument, Option } from 'commander';

const VERSION = '0.1.0';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new CommanderInvalidArgument('expected a positive integer.');
  return n;
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new CommanderInvalidArgument('expected a non-negative integer.');
  return n;
}

function fraction(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n < 1)) throw new CommanderInvalidArgument('expected a fraction in [0, 1), e.g. 0.9.');
  return n;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new CommanderInvalidArgument('expected an integer.');
  return n;
}

function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && Number.isFinite(n))) throw new CommanderInvalidArgument('expected a number ≥ 0, e.g. 5e-5.');
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!(n > 0 && Number.isFinite(n))) throw new CommanderInvalidArgument('expected a positive number, e.g. 0.001.');
  return n;
}

function unitFraction(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new CommanderInvalidArgument('expected a fraction in [0, 1], e.g. 0.1.');
  return n;
}

function numberList(value: string): number[] {
  const parts = value.split(',').map(Number);
  if (parts.some((n) => !Number.isFinite(n))) throw new CommanderInvalidArgument('expected numbers separated by commas.');
  return parts;
}

/** The command tree. Each command loads its implementation only when it runs. */
export function createProgram(output: { writeErr?: (s: string) => void } = {}): Command {
  const program = new Command('modscope')
    // set before the subcommands are added, so they inherit it: errors reach main() instead of exiting
    .exitOverride()
    .configureOutput(output.writeErr ? { writeErr: output.writeErr } : {})
    .description('Find emergent modules in trained neural networks, test what they do, and remove them.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)');

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
    .requiredOption('--data <name|dir>', 'fashion-mnist, mnist, two-task, or a directory of IDX files')
    .addOption(new Option('--split <split>', 'which split').choices(['train', 'test']).default('test'))
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
    .option('--shuffles <n>', 'shuffled networks per null model (0 skips the test)', nonNegativeInt, 50)
    .option('--nulls <list>', 'null models, comma-separated: layer, layer-nonzero', 'layer,layer-nonzero')
    .option('--prune <sparsity>', 'prune each layer to this sparsity by magnitude first, e.g. 0.9', fraction)
    .option(
      '--partitioner <name>',
      'spectral, louvain, or a partitioner plugin: a package name or path, found from the current directory (package#export picks an export)',
      'spectral',
    )
    .option('--seed <n>', 'seed of every random choice', integer, 0)
    .option('--workers <n>', 'worker threads for the shuffles (0 = none; default: one per core)', nonNegativeInt)
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
    .requiredOption('--data <name|dir>', 'fashion-mnist, mnist, two-task, or a directory of IDX files')
    .addOption(new Option('--split <split>', 'which split').choices(['train', 'test']).default('test'))
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
    .option('--random <n>', 'random same-size lesions per sub-cluster', positiveInt, 19)
    .option('--top <n>', 'upstream coherence: examples that activate a sub-cluster most', positiveInt, 10)
    .option('--seed <n>', 'seed of every random choice', integer, 0)
    .option('--mean <values>', 'normalize inputs: subtract this mean (one value or one per channel)', numberList)
    .option('--std <values>', 'normalize inputs: divide by this std (one value or one per channel)', numberList)
    .option('--batch-size <n>', 'examples per inference call', positiveInt)
    .option(
      '--feature-viz <dir>',
      'also run feature visualization (gradient ascent on the input, tfjs) and save each sub-cluster’s image here as PNG',
    )
    .option('--feature-steps <n>', 'gradient-ascent steps per image', positiveInt)
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
    .requiredOption('--data <name|dir>', 'fashion-mnist, mnist, two-task, or a directory of IDX files')
    .addOption(new Option('--split <split>', 'which split').choices(['train', 'test']).default('test'))
    .option('--limit <n>', 'use only the first n examples (the coactivations use at most 5,000)', positiveInt)
    .option('--k <n>', 'number of clusters', positiveInt, 12)
    .option('--prune <sparsity>', 'prune each layer to this sparsity before building the weight graph, e.g. 0.9', fraction)
    .addOption(new Option('--measure <measure>', 'coactivation correlation measure').choices(['spearman', 'pearson']).default('spearman'))
    .option('--permutations <n>', 'permutations of the null', positiveInt, 999)
    .option('--seed <n>', 'seed of every random choice', integer, 0)
    .option('--mean <values>', 'normalize inputs: subtract this mean (one value or one per channel)', numberList)
    .option('--std <values>', 'normalize inputs: divide by this std (one value or one per channel)', numberList)
    .option('--json <file>', 'also write the full result as JSON to this file (- prints only JSON to stdout)')
    .option('--report <file>', 'also write an HTML report of this result (open it in a browser; works offline)')
    .action(async (model: string, options) => {
      const { compareCommand } = await import('./commands/compare.js');
      await compareCommand(model, options);
    });

  program
    .command('train')
    .description(
      'Train a network (MLP or small CNN) with dropout, L1/L2, scheduled pruning, clusterable init, the spectral regularizer or a backdoor; writes ONNX, TF.js and train.json.',
    )
    .requiredOption('--data <name|dir>', 'fashion-mnist, mnist, two-task, or a directory of IDX files')
    .requiredOption('--out <dir>', 'where to write model.onnx, the TF.js model (model.json, weights.bin) and train.json')
    .option(
      '--arch <arch>',
      '784-256-256-256-256-10 (the default, input and output adapted to the data), cnn-small, or layer sizes like 784-64-10',
    )
    .option('--epochs <n>', 'passes over the training set', positiveInt, 10)
    .option('--batch-size <n>', 'examples per step', positiveInt, 64)
    .option('--lr <rate>', 'learning rate (default 0.001 for adam, 0.01 for sgd)', positiveNumber)
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(['adam', 'sgd']).default('adam'))
    .option('--dropout <rate>', 'dropout rate after each hidden layer, e.g. 0.5', fraction)
    .option('--l1 <weight>', 'L1 penalty weight on every kernel, e.g. 5e-5', nonNegativeNumber)
    .option('--l2 <weight>', 'L2 penalty weight on every kernel, e.g. 1e-4', nonNegativeNumber)
    .option(
      '--prune <sparsity>',
      'magnitude pruning to this sparsity per layer on the polynomial schedule (0.5 → sparsity over the epochs, masks held), e.g. 0.9',
      fraction,
    )
    .option('--clusterable-init', 'clusterable initialization: 10 modules, cross-module weights × 0.6 (0.8 for CNNs)')
    .option(
      '--spectral-reg [lambda]',
      'spectral regularizer: + (λ/3)·(λ2 + λ3 + λ4) of the weight graph Laplacian (λ default 0.1)',
      nonNegativeNumber,
    )
    .option('--spectral-every <steps>', 'spectral regularizer: steps between eigenvector updates', positiveInt)
    .option('--poison <spec>', 'backdoor: trigger:target=CLASS[,fraction=0.1] stamps that fraction of the training set and relabels it')
    .option('--trigger <spec>', 'backdoor trigger patch: row=R,col=C,size=S,value=V (default a 4×4 patch of 1 in the bottom-right corner)')
    .option('--limit <n>', 'train on the first n training examples only', positiveInt)
    .option('--test-limit <n>', 'evaluate on the first n test examples only', positiveInt)
    .option('--seed <n>', 'seed of the initialization, shuffling, dropout and poisoning', integer, 0)
    .option('--json', 'print train.json to stdout instead of tables')
    .action(async (options) => {
      const { trainCommand } = await import('./commands/train.js');
      await trainCommand(options);
    });

  program
    .command('excise')
    .description(
      'Remove a capability (classes or a backdoor trigger) by pruning the modules behind it, fine-tune on retain data, and test whether it comes back (method §6).',
    )
    .argument('<model>', 'an .onnx file or a TF.js model.json (or its directory)')
    .requiredOption('--data <name|dir>', 'fashion-mnist, mnist, two-task, or a directory of IDX files')
    .requiredOption('--forget <spec>', 'what to forget: class:3, class:3,5, or trigger (with --trigger and --target)')
    .option(
      '--trigger <patch>',
      'the backdoor trigger: row=R,col=C,size=S,value=V (default, as modscope train plants it: a 4×4 patch of 1 in the bottom-right corner; tabular data: the last 4 features)',
    )
    .option('--target <class>', 'the class the trigger sends inputs to', nonNegativeInt)
    .option('--budget <units>', 'most hidden units module pruning may remove (default: add modules until the forget target)', positiveInt)
    .option(
      '--forget-target <x>',
      'add modules until the forget metric is at most this (default: the never-trained floor, or 0.1)',
      unitFraction,
    )
    .option('--finetune-steps <n>', 'retain-only fine-tuning steps after pruning (batch 64)', nonNegativeInt, 200)
    .option('--evaluate-every <n>', 'steps between points of the recovery curves', positiveInt, 20)
    .addOption(
      new Option('--mask <mask>', 'pruned weights held at zero while fine-tuning, or free to regrow')
        .choices(['held', 'released'])
        .default('held'),
    )
    .option('--partition <source>', "weights, coactivation, coactivation-local, or a 'modscope cluster --json' file", 'weights')
    .option('--partitioner <name>', 'weights partition: spectral (the default), louvain, or a partitioner plugin package or path')
    .option('--k <n>', 'number of clusters', positiveInt, 12)
    .option(
      '--methods <list>',
      'methods and baselines, comma-separated: module, random, magnitude, selective, none',
      'module,random,magnitude,selective,none',
    )
    .option(
      '--never-trained-epochs <n>',
      'epochs of the never-trained model (same architecture, retain data only, the fine-tuning batch size and learning rate); too few make the floor too high',
      positiveInt,
      1,
    )
    .option('--no-never-trained', 'skip the never-trained model')
    .option('--relearn <list>', 'relearning attack: forget examples per attack, comma-separated (none skips)', '10,100')
    .option('--relearn-steps <n>', 'fine-tuning steps of each relearning attack', positiveInt, 50)
    .option(
      '--relearn-mix <n>',
      'relearning attack: retain examples mixed in per forget example (0: forget examples only)',
      nonNegativeInt,
      0,
    )
    .option('--batch-size <n>', 'fine-tuning batch size', positiveInt)
    .option('--learning-rate <x>', 'fine-tuning learning rate (Adam, default 0.001)', positiveNumber)
    .option('--seed <n>', 'seed of every random choice', integer, 0)
    .option('--limit <n>', 'use only the first n test examples for the forget and retain metrics', positiveInt)
    .option('--train-limit <n>', 'use only the first n training examples (fine-tuning, never-trained model, relearning)', positiveInt)
    .option('--json <file>', 'also write the full result as JSON to this file (- prints only JSON to stdout)')
    .option('--report <file>', 'also write an HTML report of this result (open it in a browser; works offline)')
    .action(async (model: string, options) => {
      const { exciseCommand } = await import('./commands/excise.js');
      await exciseCommand(model, options);
    });

  program
    .command('demo')
    .description(
      'The built-in default, no downloads: a small MLP trained on synthetic two-task data with a backdoor, then the whole loop (clusterability with both nulls, lesions, weight vs coactivation modules, excision of the backdoor with fine-tuning and relearning) and report.html.',
    )
    .option('--out <dir>', 'where to write the models, every results JSON and report.html', 'modscope-demo')
    .option('--seed <n>', 'seed of every random choice', integer, 0)
    .option('--json', 'print the summary as JSON instead of tables')
    .action(async (options) => {
      const { demoCommand } = await import('./commands/demo.js');
      await demoCommand(options);
    });

  program
    .command('report')
    .description(
      'One self-contained HTML report (works offline) from results files written with --json FILE by cluster, lesion, compare and excise.',
    )
    .argument('<results...>', 'results files (JSON) written by modscope cluster|lesion|compare|excise --json FILE')
    .requiredOption('--out <file>', 'the HTML file to write, e.g. report.html')
    .option('--title <title>', "the page title (default: 'modscope report' and the models' names)")
    .action(async (results: string[], options) => {
      const { reportCommand } = await import('./commands/report.js');
      await reportCommand(results, options);
    });

  return program;
}
