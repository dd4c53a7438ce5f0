import type { Dataset } from '@modscope/core';
import { findIdxFile, loadIdxDataset, type Split } from './load-idx-dataset.js';

/** Where Debian's `dataset-fashion-mnist` package installs the files. */
export const DEFAULT_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The ten Fashion-MNIST classes, in label order. */
export const FASHION_MNIST_CLASS_NAMES: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

export interface LoadMnistOptions {
  /** (`'train' | 'test'`, default `'test'`) — `train` has 60 000 examples, `test` (the t10k files) 10 000. */
  split?: Split;
  /** (string, default found by `findFashionMnist` / `findMnist`) — directory holding the four IDX files. */
  dir?: string;
  /** (number, default all) — keep only the first `limit` examples. */
  limit?: number;
}

/** True when `dir` holds the images and labels of both splits. */
export function hasMnistFiles(dir: string): boolean {
  return (['train', 'test'] as const).every((s) => findIdxFile(dir, s, 'images') && findIdxFile(dir, s, 'labels'));
}

/**
 * The directory holding Fashion-MNIST, or undefined: `$MODSCOPE_FASHION_MNIST_DIR` if set, else
 * `/usr/share/datasets/fashion-mnist` (Debian's `dataset-fashion-mnist`), if it holds the four files.
 */
export function findFashionMnist(): string | undefined {
  const env = process.env.MODSCOPE_FASHION_MNIST_DIR;
  for (const dir of env ? [env, DEFAULT_FASHION_MNIST_DIR] : [DEFAULT_FASHION_MNIST_DIR]) {
    if (hasMnistFiles(dir)) return dir;
  }
  return undefined;
}

/**
 * Loads a Fashion-MNIST split: 28×28×1 images scaled to [0, 1], labels 0..9 with their class names.
 * Throws a `MissingFileError` saying how to install the data when it is not found.
 */
export async function loadFashionMnist(options: LoadMnistOptions = {}): Promise<Dataset> {
  const dir = options.dir ?? findFashionMnist() ?? process.env.MODSCOPE_FASHION_MNIST_DIR ?? DEFAULT_FASHION_MNIST_DIR;
  return loadIdxDataset({
    dir,
    name: 'fashion-mnist',
    classes: 10,
    inputShape: [28, 28, 1],
    classNames: [...FASHION_MNIST_CLASS_NAMES],
    ...(options.split ? { split: options.split } : {}),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    missingHint:
      'Install it with `sudo apt-get install dataset-fashion-mnist` (files go to /usr/share/datasets/fashion-mnist), ' +
      'or pass a directory holding train-/t10k-images-idx3-ubyte(.gz) and train-/t10k-labels-idx1-ubyte(.gz) ' +
      '(option `dir`, or the MODSCOPE_FASHION_MNIST_DIR environment variable).',
  });
}
