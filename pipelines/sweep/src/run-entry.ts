import type { PartitionerSpec } from '@modscope/clusterability';
import { type Dataset, InvalidArgumentError, isLanguageModel, type LoadedModel, type Partitioner } from '@modscope/core';
import { resultJsonText } from '@modscope/results/format';
import { forgetClasses, type SweepAnalysis, type SweepExciseOptions } from './manifest.js';

/** Loads a dataset by name, as `loadDataset` of `@modscope/datasets` does. */
export type DatasetLoader = (name: string, options: { split: 'test' | 'train'; limit?: number }) => Promise<Dataset>;

/**
 * The datasets of the last entry, kept for the next one (entries of one analysis follow each other): two,
 * for an excise entry's test and train splits.
 */
export function datasetCache(load: DatasetLoader): DatasetLoader {
  const kept: { key: string; dataset: Promise<Dataset> }[] = [];
  return (name, options) => {
    const key = JSON.stringify([name, options.split, options.limit ?? null]);
    let found = kept.find((k) => k.key === key);
    if (found === undefined) {
      const dataset = load(name, options);
      found = { key, dataset };
      const entry = found;
      dataset.catch(() => {
        const at = kept.indexOf(entry);
        if (at >= 0) kept.splice(at, 1);
      });
      kept.push(found);
      if (kept.length > 2) kept.shift();
    }
    return found.dataset;
  };
}

/**
 * Runs one entry's analysis on its model and returns its result file's text, as `modscope cluster --json`
 * or `modscope lesion --json` writes it (non-finite numbers as null): the same text whether it ran here or
 * on a queue worker, apart from `timings`.
 */
export async function runAnalysis(
  model: LoadedModel,
  analysis: SweepAnalysis,
  seed: number,
  partitioner: Partitioner | PartitionerSpec,
  loadDataset: DatasetLoader,
): Promise<string> {
  if (isLanguageModel(model.network) && analysis.kind !== 'cluster') {
    throw new InvalidArgumentError({
      argument: 'model',
      message: `${model.network.name} is a language model, which sweep clusters but does not ${analysis.kind} yet.`,
      hint: `Run modscope ${analysis.kind} --text on it.`,
    });
  }
  if (analysis.kind === 'cluster') {
    const { partitioner: _name, norm, includeDense, view, attention, block, ...options } = analysis.options;
    const { runCluster } = await import('@modscope/clusterability');
    const result = await runCluster(model.network, {
      ...options,
      seed,
      partitioner,
      graph: { ...(norm !== undefined ? { norm } : {}), ...(includeDense !== undefined ? { includeDense } : {}) },
      languageModel: {
        ...(view !== undefined ? { view } : {}),
        attention: attention ?? false,
        ...(block !== undefined ? { block } : {}),
      },
    });
    return resultJsonText(result);
  }
  if (analysis.kind === 'excise') return runExciseEntry(model, analysis.data, analysis.options, seed, partitioner, loadDataset);
  const { partitioner: _name, split, limit, ...options } = analysis.options;
  const dataset = await loadDataset(analysis.data, { split: split ?? 'test', ...(limit !== undefined ? { limit } : {}) });
  const { runLesion } = await import('@modscope/lesion-study');
  const result = await runLesion(model, dataset, { ...options, seed, partitioner });
  return resultJsonText(result);
}

/**
 * An excise entry, as `modscope excise MODEL --data DATA --forget class:N` runs it: the test split (`limit`)
 * for the forget and retain sets, the train split (`trainLimit`) for fine-tuning, the floor and the attack.
 * The result's `model` is the network's name (the file name, or the manifest's name), here and on a worker.
 * Without `neverTrainedEpochs` the floor trains until it matches the intact model (no `train.json` is read).
 */
async function runExciseEntry(
  model: LoadedModel,
  data: string,
  options: SweepExciseOptions,
  seed: number,
  partitioner: Partitioner | PartitionerSpec,
  loadDataset: DatasetLoader,
): Promise<string> {
  const { forget, limit, trainLimit, finetuneSteps, partitioner: _name, ...rest } = options;
  const test = await loadDataset(data, { split: 'test', ...(limit !== undefined ? { limit } : {}) });
  const { inputsFor } = await import('@modscope/lesion-study');
  inputsFor(model, test, {}); // the model/dataset checks of every command, before the training split loads
  const train = await loadDataset(data, { split: 'train', ...(trainLimit !== undefined ? { limit: trainLimit } : {}) });
  const { runExcise } = await import('@modscope/excision');
  const result = await runExcise(
    { network: model.network, model: model.network.name, test, train },
    {
      ...rest,
      forget: { kind: 'class', classes: forgetClasses(forget) },
      ...(finetuneSteps !== undefined ? { steps: finetuneSteps } : {}),
      partitioner,
      seed,
    },
  );
  return resultJsonText(result);
}

/** An error as one line: its message's first line. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.trim() || 'failed without a message';
}
