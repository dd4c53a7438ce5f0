import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CorruptFileError, InvalidArgumentError, MissingFileError, ShapeMismatchError, type Dataset } from '@modscope/core';
import { readIdx } from './read-idx.js';

export type Split = 'train' | 'test';

export interface LoadIdxDatasetOptions {
  /** Directory holding `train-*` / `t10k-*` (or `test-*`) IDX files, gzipped or not. */
  dir: string;
  /** (`'train' | 'test'`, default `'test'`) — which files to read; `test` reads `t10k-*`. */
  split?: Split;
  /** (number, default all) — keep only the first `limit` examples. */
  limit?: number;
  /** (string, default the directory name) — dataset name for reports. */
  name?: string;
  /** (number, default largest label + 1) — number of classes; labels must lie in [0, classes). */
  classes?: number;
  /** Class names, one per class. */
  classNames?: string[];
  /** Shape one example must have (channels last), e.g. `[28, 28, 1]`; checked when given. */
  inputShape?: number[];
  /** Hint added to the `MissingFileError` when the files are not there. */
  missingHint?: string;
}

const prefixes: Record<Split, string[]> = { train: ['train'], test: ['t10k', 'test'] };

/** File names tried for one part (images or labels) of one split, in order. */
function idxFileCandidates(split: Split, part: 'images' | 'labels'): string[] {
  const rank = part === 'images' ? 3 : 1;
  const names: string[] = [];
  for (const prefix of prefixes[split]) {
    for (const base of [`${prefix}-${part}-idx${rank}-ubyte`, `${prefix}-${part}.idx${rank}-ubyte`]) {
      names.push(`${base}.gz`, base);
    }
  }
  return names;
}

/** The path of the images or labels file of a split in `dir`, or undefined. */
export function findIdxFile(dir: string, split: Split, part: 'images' | 'labels'): string | undefined {
  for (const name of idxFileCandidates(split, part)) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** Checks a `limit` option: a positive integer or undefined. */
export function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    throw new InvalidArgumentError({
      argument: 'limit',
      message: `@modscope/datasets: limit must be a positive integer, got ${limit}.`,
      hint: 'Leave it out to load every example.',
    });
  }
}

const byteScale = Float32Array.from({ length: 256 }, (_, i) => i / 255);

/**
 * Loads a labelled image dataset stored as a pair of IDX files (`<prefix>-images-idx3-ubyte[.gz]` of
 * shape `[n, h, w]` or `[n, h, w, c]`, and `<prefix>-labels-idx1-ubyte[.gz]` of shape `[n]`), the layout
 * of MNIST and Fashion-MNIST. Unsigned-byte images are scaled to [0, 1]; float images are kept as they are.
 */
export async function loadIdxDataset(options: LoadIdxDatasetOptions): Promise<Dataset> {
  const split = options.split ?? 'test';
  if (split !== 'train' && split !== 'test') {
    throw new InvalidArgumentError({
      argument: 'split',
      message: `@modscope/datasets: unknown split '${String(split)}'.`,
      hint: "Use 'train' or 'test'.",
    });
  }
  checkLimit(options.limit);
  const dir = options.dir;
  const imagesPath = findIdxFile(dir, split, 'images');
  const labelsPath = findIdxFile(dir, split, 'labels');
  if (!imagesPath || !labelsPath) {
    const part = imagesPath ? 'labels' : 'images';
    throw new MissingFileError({
      path: join(dir, idxFileCandidates(split, part)[0]!),
      what: `The ${split} ${part} IDX file`,
      hint: options.missingHint ?? `Put ${idxFileCandidates(split, part)[1]} (or the .gz file) into ${dir}, or pass another directory.`,
    });
  }
  const [images, labels] = await Promise.all([readIdx(imagesPath), readIdx(labelsPath)]);
  if (images.shape.length !== 3 && images.shape.length !== 4) {
    throw new ShapeMismatchError({
      what: `the images in ${imagesPath}`,
      expected: '[count, height, width] or [count, height, width, channels]',
      actual: images.shape,
    });
  }
  if (labels.shape.length !== 1) {
    throw new ShapeMismatchError({ what: `the labels in ${labelsPath}`, expected: '[count]', actual: labels.shape });
  }
  const total = images.shape[0]!;
  if (labels.shape[0] !== total) {
    throw new ShapeMismatchError({
      what: `the label count of ${labelsPath}`,
      expected: `${total} labels, one per image in ${imagesPath}`,
      actual: `${labels.shape[0]} labels`,
      hint: 'The two files come from different datasets or splits; use a matching pair.',
    });
  }
  const count = Math.min(total, options.limit ?? total);
  const inputShape = images.shape.length === 3 ? [images.shape[1]!, images.shape[2]!, 1] : images.shape.slice(1);
  if (options.inputShape && options.inputShape.join() !== inputShape.join()) {
    throw new ShapeMismatchError({
      what: `the images of ${options.name ?? dir} in ${imagesPath}`,
      expected: options.inputShape,
      actual: inputShape,
      hint: 'The directory holds another dataset; pass the directory of the one you meant.',
    });
  }
  const per = inputShape.reduce((a, b) => a * b, 1);

  let maxLabel = -1;
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = Number(labels.data[i]!);
    if (!Number.isInteger(label) || label < 0 || (options.classes !== undefined && label >= options.classes)) {
      throw new CorruptFileError({
        path: labelsPath,
        format: 'IDX labels',
        reason: `label ${i} is ${label}, outside [0, ${options.classes ?? 'classes'})`,
      });
    }
    out[i] = label;
    if (label > maxLabel) maxLabel = label;
  }
  const inputs = new Float32Array(count * per);
  const pixels = images.data.subarray(0, count * per);
  if (images.dtype === 'uint8') for (let i = 0; i < pixels.length; i++) inputs[i] = byteScale[pixels[i]!]!;
  else inputs.set(pixels);

  const classes = options.classes ?? maxLabel + 1;
  return {
    name: options.name ?? (dir.split(/[\\/]/).filter(Boolean).pop() || dir),
    split,
    count,
    inputShape,
    inputs,
    labels: out,
    classes,
    ...(options.classNames ? { classNames: options.classNames.slice() } : {}),
  };
}
