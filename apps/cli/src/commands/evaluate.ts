import {
  classificationReport,
  isLanguageModel,
  outputSize,
  prepareInputs,
  ShapeMismatchError,
  type ClassificationReport,
  type Dataset,
  type Evaluator,
  type LoadedModel,
} from '@modscope/core';
import { loadDataset } from '@modscope/datasets';
import { loadModel } from '../loaders.js';
import { UsageError } from '../usage-error.js';
import { percent, print, printJson, progress, table, thousands } from '../output.js';

export interface EvaluateOptions {
  data?: string;
  text?: string[];
  tokenizer?: string;
  stride?: number;
  split?: 'train' | 'test' | 'all';
  limit?: number;
  batchSize?: number;
  mean?: number[];
  std?: number[];
  engine?: 'native' | 'tfjs';
  json?: boolean;
}

interface EvaluationResult extends ClassificationReport {
  model: string;
  dataset: string;
  split: string | undefined;
  engine: string;
  classNames: string[] | undefined;
  seconds: number;
}

async function createEvaluator(model: LoadedModel, engine: 'native' | 'tfjs'): Promise<Evaluator> {
  if (engine === 'native') return model.createEvaluator();
  const { createTfjsEvaluator } = await import('@modscope/loader-tfjs');
  return createTfjsEvaluator(model.network);
}

/** Evaluates a loaded model on a dataset; shared by `evaluate` and `demo`. */
async function evaluateModel(
  model: LoadedModel,
  dataset: Dataset,
  options: Omit<EvaluateOptions, 'data' | 'split' | 'limit'> = {},
): Promise<EvaluationResult> {
  const { network } = model;
  if (outputSize(network) < dataset.classes) {
    throw new ShapeMismatchError({
      what: `the output of model '${network.name}' for dataset '${dataset.name}'`,
      expected: `at least ${dataset.classes} outputs (one per class)`,
      actual: [outputSize(network)],
      hint: 'Evaluate the model on the dataset it was trained for.',
    });
  }
  if ((options.mean === undefined) !== (options.std === undefined)) {
    throw new ShapeMismatchError({
      what: 'normalization',
      expected: '--mean and --std together',
      actual: options.mean ? '--mean only' : '--std only',
    });
  }
  const normalize = options.mean && options.std ? { mean: options.mean, std: options.std } : undefined;
  const inputs = prepareInputs(dataset, network, normalize ? { normalize } : {});
  const evaluator = await createEvaluator(model, options.engine ?? 'native');
  const bar = progress('evaluating', { quiet: options.json });
  const started = performance.now();
  try {
    const result = await evaluator.run({
      inputs,
      count: dataset.count,
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
      onProgress: (done, total) => bar.update(done, total),
    });
    const report = classificationReport(result.logits, dataset.labels, dataset.classes, result.outputs);
    return {
      model: network.name,
      dataset: dataset.name,
      split: dataset.split,
      engine: evaluator.name,
      classNames: dataset.classNames,
      seconds: (performance.now() - started) / 1000,
      ...report,
    };
  } finally {
    bar.stop();
    await evaluator.dispose();
  }
}

function printEvaluation(r: EvaluationResult): void {
  print(`${r.model} on ${r.dataset}${r.split ? ` (${r.split})` : ''}: accuracy ${percent(r.accuracy)} over ${thousands(r.count)} examples`);
  print(`engine ${r.engine}, ${r.seconds.toFixed(2)} s`);
  print();
  const names = r.perClassAccuracy.map((_, c) => r.classNames?.[c] ?? String(c));
  print(
    table(
      ['class', 'name', 'accuracy', 'examples'],
      r.perClassAccuracy.map((a, c) => [c, names[c]!, percent(a), r.confusion[c]!.reduce((x, y) => x + y, 0)]),
    ),
  );
  print();
  print('confusion (rows: true class, columns: predicted)');
  print(
    table(
      ['', ...r.confusion[0]!.map((_, c) => String(c))],
      r.confusion.map((row, c) => [String(c), ...row]),
    ),
  );
}

export async function evaluateCommand(path: string, options: EvaluateOptions): Promise<void> {
  if ((options.data === undefined) === (options.text === undefined)) {
    throw new UsageError({
      argument: 'data',
      message: options.data
        ? 'evaluate takes --data or --text, not both.'
        : 'evaluate needs --data (a classifier) or --text (a language model).',
      hint: 'Pass --data fashion-mnist for a classifier, or --text name=file[,file…] (or a corpus.json) for a language model.',
    });
  }
  const model = await loadModel(path);
  if (options.text) {
    const { evaluateTextCommand } = await import('./evaluate-text.js');
    return evaluateTextCommand(path, model, { ...options, text: options.text });
  }
  if (isLanguageModel(model.network)) {
    throw new UsageError({
      argument: 'data',
      message: `'${model.network.name}' is a language model; it reads token ids, not the examples of --data.`,
      hint: 'Evaluate it on text: --text name=file[,file…] or --text corpus.json.',
    });
  }
  if (options.split === 'all')
    throw new UsageError({
      argument: 'split',
      message: '--split all is for text.',
      hint: 'Evaluate a classifier on --split test or --split train.',
    });
  const dataset = await loadDataset(options.data!, { split: options.split ?? 'test', ...(options.limit ? { limit: options.limit } : {}) });
  const result = await evaluateModel(model, dataset, options);
  if (options.json) printJson(result);
  else printEvaluation(result);
}
