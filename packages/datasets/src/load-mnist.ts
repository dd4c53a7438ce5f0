import type { Dataset } from '@modscope/core';
import { hasMnistFiles, type LoadMnistOptions } from './load-fashion-mnist.js';
import { loadIdxDataset } from './load-idx-dataset.js';

/** Directory searched for MNIST when neither `dir` nor `$MODSCOPE_MNIST_DIR` is given. */
export const DEFAULT_MNIST_DIR = '/usr/share/datasets/mnist';

/** The directory holding MNIST, or undefined: `$MODSCOPE_MNIST_DIR` if set, else `/usr/share/datasets/mnist`. */
export function findMnist(): string | undefined {
  const env = process.env.MODSCOPE_MNIST_DIR;
  for (const dir of env ? [env, DEFAULT_MNIST_DIR] : [DEFAULT_MNIST_DIR]) {
    if (hasMnistFiles(dir)) return dir;
  }
  return undefined;
}

/** Loads an MNIST split: 28×28×1 digit images scaled to [0, 1], labels 0..9. */
export async function loadMnist(options: LoadMnistOptions = {}): Promise<Dataset> {
  const dir = options.dir ?? findMnist() ?? process.env.MODSCOPE_MNIST_DIR ?? DEFAULT_MNIST_DIR;
  return loadIdxDataset({
    dir,
    name: 'mnist',
    classes: 10,
    inputShape: [28, 28, 1],
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    ...(options.split ? { split: options.split } : {}),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    missingHint:
      'Download the four MNIST IDX files (train-/t10k-images-idx3-ubyte.gz, train-/t10k-labels-idx1-ubyte.gz) ' +
      'into a directory and pass it (option `dir`, or the MODSCOPE_MNIST_DIR environment variable).',
  });
}
