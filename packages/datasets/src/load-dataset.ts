import { statSync } from 'node:fs';
import { InvalidArgumentError, MissingFileError, type Dataset } from '@modscope/core';
import { loadFashionMnist } from './load-fashion-mnist.js';
import { checkLimit, loadIdxDataset, type Split } from './load-idx-dataset.js';
import { loadMnist } from './load-mnist.js';
import { twoTaskDataset } from './two-task-dataset.js';

/** Dataset names `loadDataset` knows; anything else must be a directory of IDX files. */
export const KNOWN_DATASETS: readonly string[] = Object.freeze(['fashion-mnist', 'mnist', 'two-task']);

export interface LoadDatasetOptions {
  /** (`'train' | 'test'`, default `'test'`). */
  split?: Split;
  /** (number, default all) — keep only the first `limit` examples (`two-task`: generate `limit`). */
  limit?: number;
  /** (string) — directory of the files of `fashion-mnist` / `mnist`. */
  dir?: string;
  /** (number, default 0) — seed of `two-task`. */
  seed?: number;
}

const isDirectory = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/**
 * One entry point for the CLI: `'fashion-mnist'`, `'mnist'`, `'two-task'`, or a directory holding
 * `train-*` / `t10k-*` IDX files. An unknown name is an `InvalidArgumentError` listing the known ones.
 */
export async function loadDataset(spec: string, options: LoadDatasetOptions = {}): Promise<Dataset> {
  checkLimit(options.limit);
  const common = {
    ...(options.split ? { split: options.split } : {}),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    ...(options.dir ? { dir: options.dir } : {}),
  };
  switch (spec) {
    case 'fashion-mnist':
      return loadFashionMnist(common);
    case 'mnist':
      return loadMnist(common);
    case 'two-task':
      return twoTaskDataset({
        split: options.split ?? 'test',
        count: options.limit ?? (options.split === 'train' ? 4000 : 2000),
        seed: options.seed ?? 0,
      });
  }
  if (isDirectory(spec)) {
    return loadIdxDataset({ ...common, dir: spec });
  }
  if (/[\\/]/.test(spec) || spec.startsWith('.')) {
    throw new MissingFileError({
      path: spec,
      what: 'Dataset directory',
      hint: `Pass a directory holding train-/t10k-images-idx3-ubyte(.gz) and -labels-idx1-ubyte(.gz), or one of: ${KNOWN_DATASETS.join(', ')}.`,
    });
  }
  throw new InvalidArgumentError({
    argument: 'spec',
    message: `@modscope/datasets: unknown dataset '${spec}'.`,
    hint: `Use one of ${KNOWN_DATASETS.join(', ')}, or a directory of IDX files.`,
  });
}
