import { loadDataset } from '@modscope/datasets';
import { type ExciseRunResult, floorRecipeOf, runExcise } from '@modscope/excision';
import { parseForgetSpec } from '@modscope/intervention-prune';
import { inputsFor } from '@modscope/lesion-study';
import { barLabel, parseMethods, parseRelearn, parseRelearnFrom } from '../excise-options.js';
import { formatExcise } from '../format-excise.js';
import { loadModel } from '../loaders.js';
import { type Progress, progress } from '../output.js';
import { modelInputs, partitionInput } from '../command-inputs.js';
import { checkResultOutputs } from '../output-paths.js';
import { partitionerSpec } from '../partitioners.js';
import { writeResultOutputs } from '../report-option.js';
import type { ExciseCommandOptions } from './excise-command-options.js';
import { UsageError } from '../usage-error.js';
import { isLanguageModel } from '@modscope/core';

/** A classifier's `--target`: a class index. */
function classOf(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError({
      argument: '--target',
      message: `--target '${text}' is not a class index.`,
      hint: 'Give the class the trigger sends inputs to, e.g. --target 0.',
    });
  return n;
}

/** `modscope excise <model>`: module pruning of a capability, its baselines, retain fine-tuning and the relearning attack. */
export async function exciseCommand(path: string, options: ExciseCommandOptions): Promise<void> {
  if (options.text) return (await import('./excise-text.js')).exciseTextCommand(path, options);
  const data = options.data;
  if (data === undefined)
    throw new UsageError({
      argument: '--data',
      message: 'excise needs --data (a classifier) or --text (a language model).',
      hint: 'Add --data fashion-mnist, for example.',
    });
  const target = options.target === undefined ? undefined : classOf(options.target);
  if (options.forget.trim() !== 'trigger' && (options.trigger !== undefined || options.target !== undefined)) {
    throw new UsageError({
      argument: '--trigger',
      message: '--trigger and --target belong to --forget trigger.',
      hint: `Drop them, or use --forget trigger instead of --forget ${options.forget}.`,
    });
  }
  const methods = parseMethods(options.methods);
  const relearn = parseRelearn(options.relearn);
  const relearnFrom = parseRelearnFrom(options.relearnFrom, methods);
  await checkResultOutputs(options, [...modelInputs(path), partitionInput(options.partition)]);
  const model = await loadModel(path);
  if (isLanguageModel(model.network))
    throw new UsageError({
      argument: '--data',
      message: `'${model.network.name}' is a language model; excise a capability of it on text.`,
      hint: 'Pass --text name=file[,file…] with --forget domain:NAME or trigger:STRING.',
    });
  // the model's train.json, for the never-trained floor to repeat (read only when no epochs are given)
  const floor = options.neverTrained && options.neverTrainedEpochs === undefined ? await floorRecipeOf(path) : undefined;
  const test = await loadDataset(data, { split: 'test', ...(options.limit ? { limit: options.limit } : {}) });
  inputsFor(model, test, {}); // the model/dataset checks of every command
  // the trigger's defaults (a 4×4 patch in the bottom-right corner, as `modscope train` plants) need the input shape
  const spec = parseForgetSpec(options.forget, {
    ...(options.trigger !== undefined ? { trigger: options.trigger } : {}),
    ...(target !== undefined ? { target } : {}),
    inputShape: test.inputShape,
  });
  const train = await loadDataset(data, { split: 'train', ...(options.trainLimit ? { limit: options.trainLimit } : {}) });
  const quiet = options.json === '-';
  let bar: Progress | null = null;
  const started = performance.now();
  let result: ExciseRunResult;
  try {
    result = await runExcise(
      { network: model.network, model: path.split(/[\\/]/).pop() ?? path, test, train },
      {
        forget: spec,
        partition: options.partition,
        ...(options.partitioner !== undefined ? { partitioner: await partitionerSpec(options.partitioner) } : {}),
        k: options.k,
        steps: options.finetuneSteps,
        evaluateEvery: options.evaluateEvery,
        mask: options.mask,
        methods,
        ...(!options.neverTrained ? { neverTrainedEpochs: 0 } : floor ? { floorRecipe: floor } : {}),
        ...(options.neverTrained && options.neverTrainedEpochs !== undefined ? { neverTrainedEpochs: options.neverTrainedEpochs } : {}),
        relearn,
        relearnSteps: options.relearnSteps,
        relearnMix: options.relearnMix,
        relearnFrom,
        seed: options.seed,
        ...(options.budget !== undefined ? { budget: options.budget } : {}),
        ...(options.forgetTarget !== undefined ? { forgetTarget: options.forgetTarget } : {}),
        ...(options.batchSize ? { batchSize: options.batchSize } : {}),
        ...(options.learningRate ? { learningRate: options.learningRate } : {}),
        onStage: (stage) => {
          bar?.stop();
          bar = progress(barLabel(stage), { quiet });
        },
        onProgress: (done, total) => bar?.update(done, total),
      },
    );
  } finally {
    (bar as Progress | null)?.stop();
  }
  result.timings.total = Math.round(performance.now() - started) / 1000;
  await writeResultOutputs(result, options, () => formatExcise(result));
}
