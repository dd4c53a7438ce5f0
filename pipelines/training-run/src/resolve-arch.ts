import { InvalidArgumentError, ShapeMismatchError, type Dataset, type Network } from '@modscope/core';
import { ARCHITECTURES, createNetwork } from '@modscope/train';

/** The default architecture: the method's Fashion-MNIST MLP, its input and output adapted to the data. */
export const DEFAULT_ARCH = '784-256-256-256-256-10';

/** An architecture resolved for a dataset: its name and a seeded network maker. */
export interface ResolvedArch {
  /** Layer sizes joined by `-` (the default adapted to the data), or `cnn-small`. */
  arch: string;
  /** A fresh network with the initialization drawn from `seed`. */
  network: (seed: number) => Network;
}

/**
 * The architecture for the data. An MLP spec must take the data's input size and give one logit per
 * class; the default one is adapted to the data (input and output sizes). `cnn-small` needs images.
 */
export function resolveArch(arch: string | undefined, dataset: Dataset): ResolvedArch {
  const inputs = dataset.inputShape.reduce((a, b) => a * b, 1);
  if ((arch ?? DEFAULT_ARCH) === 'cnn-small') {
    const shape = dataset.inputShape;
    if (shape.length < 2) {
      throw new ShapeMismatchError({
        what: `architecture 'cnn-small' on dataset '${dataset.name}'`,
        expected: 'images [h, w] or [h, w, c]',
        actual: [...shape],
        hint: `Use an MLP for tabular data, e.g. --arch ${inputs}-64-${dataset.classes}.`,
      });
    }
    const inputShape: [number, number, number] = [shape[0]!, shape[1]!, shape[2] ?? 1];
    return { arch: 'cnn-small', network: (seed) => createNetwork('cnn-small', { seed, inputShape, classes: dataset.classes }) };
  }
  if (arch === undefined) {
    const hidden = DEFAULT_ARCH.split('-').slice(1, -1);
    const adapted = [inputs, ...hidden, dataset.classes].join('-');
    return { arch: adapted, network: (seed) => createNetwork(adapted, { seed }) };
  }
  if (!/^\d+(-\d+)+$/.test(arch)) {
    throw new InvalidArgumentError({
      argument: '--arch',
      message: `unknown architecture '${arch}'.`,
      hint: `Use layer sizes joined by '-' (e.g. ${inputs}-64-${dataset.classes} for ${dataset.name}), or one of: ${ARCHITECTURES.join(', ')}.`,
    });
  }
  const sizes = arch.split('-').map(Number);
  if (sizes[0] !== inputs || sizes[sizes.length - 1] !== dataset.classes) {
    const fixed = [inputs, ...sizes.slice(1, -1), dataset.classes].join('-');
    throw new ShapeMismatchError({
      what: `architecture '${arch}' on dataset '${dataset.name}'`,
      expected: `${inputs} inputs and ${dataset.classes} outputs`,
      actual: `${sizes[0]} inputs and ${sizes[sizes.length - 1]} outputs`,
      hint: `Use --arch ${fixed}.`,
    });
  }
  return { arch, network: (seed) => createNetwork(arch, { seed }) };
}
