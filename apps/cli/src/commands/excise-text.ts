import { isLanguageModel } from '@modscope/core';
import { runExciseTextStudy, type TextExciseMethod, type TextExciseResult } from '@modscope/language-models';
import { parseMethods, parseRelearn } from '../excise-options.js';
import { loadModel } from '../loaders.js';
import { formatExciseText } from '../format-excise-text.js';
import { progress, type Progress } from '../output.js';
import { modelInputs, partitionInput } from '../command-inputs.js';
import { checkResultOutputs } from '../output-paths.js';
import { writeResultOutputs } from '../report-option.js';
import { UsageError } from '../usage-error.js';
import type { ExciseCommandOptions } from './excise-command-options.js';

/** The classifier options a language model's excise cannot take, by flag. */
const CLASSIFIER_ONLY = {
  data: '--data',
  trigger: '--trigger',
  forgetTarget: '--forget-target',
  partitioner: '--partitioner',
  neverTrainedEpochs: '--never-trained-epochs',
  trainLimit: '--train-limit',
} as const;

/** `modscope excise MODEL --text …`: module pruning of a language model's capability (method §9 with §6). */
export async function exciseTextCommand(path: string, options: ExciseCommandOptions): Promise<void> {
  for (const [key, flag] of Object.entries(CLASSIFIER_ONLY)) {
    if (options[key as keyof typeof CLASSIFIER_ONLY] !== undefined)
      throw new UsageError({
        argument: flag,
        message: `${flag} is an option of classifiers; excise --text works on a language model.`,
        hint: `Leave ${flag} out.`,
      });
  }
  if (options.mask !== 'held')
    throw new UsageError({
      argument: '--mask',
      message: 'a language model is fine-tuned with its pruned units held at zero only.',
      hint: 'Leave --mask out.',
    });
  if (options.partition.startsWith('coactivation'))
    throw new UsageError({
      argument: '--partition',
      message:
        "a language model's excise takes its modules from the weights or a 'modscope cluster --json' file, not from coactivations yet.",
      hint: 'Use --partition weights (the default) or a cluster file.',
    });
  const methods = parseMethods(options.methods) as TextExciseMethod[];
  const relearn = parseRelearn(options.relearn);
  if (options.relearnFrom !== 'all' || options.relearnMix !== 9)
    throw new UsageError({
      argument: '--relearn-from',
      message:
        '--relearn-from and --relearn-mix are options of classifiers; a language model is attacked from every method with batches about 10% forget.',
      hint: 'Leave them out.',
    });
  await checkResultOutputs(options, [...modelInputs(path), partitionInput(options.partition)]);
  const model = await loadModel(path);
  if (!isLanguageModel(model.network))
    throw new UsageError({
      argument: '--text',
      message: `'${model.network.name}' is a classifier; excise a capability of it on --data.`,
      hint: 'Pass --data with --forget class:N or trigger.',
    });
  const quiet = options.json === '-';
  let bar: Progress | null = null;
  let result: TextExciseResult;
  try {
    result = await runExciseTextStudy(model, {
      text: options.text ?? [],
      modelPath: path,
      forget: options.forget,
      ...(options.target !== undefined ? { target: options.target } : {}),
      ...(options.tokenizer !== undefined ? { tokenizer: options.tokenizer } : {}),
      partition: options.partition,
      k: options.k,
      steps: options.finetuneSteps,
      evaluateEvery: options.evaluateEvery,
      methods,
      relearn,
      relearnSteps: options.relearnSteps,
      seed: options.seed,
      noFloor: !options.neverTrained,
      // --limit: held-out windows per set, and at most as many triggered prompts
      ...(options.limit !== undefined ? { evaluationWindows: options.limit, prompts: Math.min(64, options.limit) } : {}),
      ...(options.budget !== undefined ? { budget: options.budget } : {}),
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
      ...(options.learningRate ? { learningRate: options.learningRate } : {}),
      onStage: (stage) => {
        bar?.stop();
        bar = progress(stage.replace(/^fine-tuning: /, 'tune ').replace(/^relearning attack: /, 'relearn '), { quiet });
      },
    });
  } finally {
    (bar as Progress | null)?.stop();
  }
  await writeResultOutputs(result, options, () => formatExciseText(result));
}
