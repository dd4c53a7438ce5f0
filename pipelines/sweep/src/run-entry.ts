import type { PartitionerSpec } from '@modscope/clusterability';
import { type Dataset, InvalidArgumentError, isLanguageModel, type LoadedModel, type Partitioner } from '@modscope/core';
import { resultJsonText } from '@modscope/results/format';
import type { SweepAnalysis } from './manifest.js';

/** Loads a dataset by name, as `loadDataset` of `@modscope/datasets` does. */
export type DatasetLoader = (name: string, options: { split: 'test' | 'train'; limit?: number }) => Promise<Dataset>;

/** The dataset of the last lesion entry, kept for the next one (entries of one analysis follow each other). */
export function datasetCache(load: DatasetLoader): DatasetLoader {
  let last: { key: string; dataset: Promise<Dataset> } | undefined;
  return (name, options) => {
    const key = JSON.stringify([name, options.split, options.limit ?? null]);
    if (last?.key !== key) {
      const dataset = load(name, options);
      dataset.catch(() => {
        if (last?.key === key) last = undefined;
      });
      last = { key, dataset };
    }
    return last.dataset;
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
  if (isLanguageModel(model.network)) {
    throw new InvalidArgumentError({
      argument: 'model',
      message: `${model.network.name} is a language model, which sweep does not analyse yet.`,
      hint: 'Run modscope cluster or modscope lesion --text on it.',
    });
  }
  if (analysis.kind === 'cluster') {
    const { partitioner: _name, norm, includeDense, ...options } = analysis.options;
    const { runCluster } = await import('@modscope/clusterability');
    const result = await runCluster(model.network, {
      ...options,
      seed,
      partitioner,
      graph: { ...(norm !== undefined ? { norm } : {}), ...(includeDense !== undefined ? { includeDense } : {}) },
    });
    return resultJsonText(result);
  }
  const { partitioner: _name, split, limit, ...options } = analysis.options;
  const dataset = await loadDataset(analysis.data, { split: split ?? 'test', ...(limit !== undefined ? { limit } : {}) });
  const { runLesion } = await import('@modscope/lesion-study');
  const result = await runLesion(model, dataset, { ...options, seed, partitioner });
  return resultJsonText(result);
}

/** An error as one line: its message's first line. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.trim() || 'failed without a message';
}
