import { createRandom, InvalidArgumentError, type Dataset } from '@modscope/core';
import type { Split } from './load-idx-dataset.js';

export interface TwoTaskDatasetOptions {
  /** (number, default 2000) — number of examples; half belong to each task. */
  count?: number;
  /** (number, default 0) — the same seed gives the same data; the splits share prototypes. */
  seed?: number;
  /** (`'train' | 'test'`, default `'train'`) — each split draws its examples from its own stream. */
  split?: Split;
  /** (number, default 16) — input features per task; the input has `2 × featuresPerTask` values. */
  featuresPerTask?: number;
  /** (number or `[a, b]`, default 4) — classes of task A and of task B. */
  classesPerTask?: number | [number, number];
  /** (number, default 0.15) — standard deviation of the Gaussian noise added to each prototype feature. */
  noise?: number;
}

/**
 * A synthetic dataset whose modular ground truth is known: the `TwoTaskDataset` with what each input
 * feature and each output class belongs to.
 */
export interface TwoTaskDataset extends Dataset {
  /** Task (0 = A, 1 = B) of each input feature: features `[0, d)` are task A's, `[d, 2d)` task B's. */
  taskOfInput: Int32Array;
  /** Task of each output class: classes `[0, ka)` are task A's, `[ka, ka + kb)` task B's. */
  taskOfClass: Int32Array;
  /** Task of each example. */
  taskOfExample: Int32Array;
  /** Class prototypes, `(ka + kb) × d` values: the noise-free input half of each class. */
  prototypes: Float32Array;
  featuresPerTask: number;
  classesPerTask: [number, number];
}

const STREAM_PROTOTYPES = 0;
const STREAM_SPLIT: Record<Split, number> = { train: 1, test: 2 };

function positiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError({
      argument: name,
      message: `@modscope/datasets: twoTaskDataset option ${name} must be a positive integer, got ${value}.`,
    });
  }
}

/**
 * Two independent classification tasks with disjoint inputs and disjoint outputs, for validating module
 * detection (method §8). Each example belongs to one task: its own input half holds the prototype of its
 * class plus Gaussian noise, clipped to [0, 1], and the other task's half is all zeros, so it carries no
 * information about the label. Labels `0..ka−1` are task A's classes and `ka..ka+kb−1` task B's, read out
 * by one softmax layer. Tasks and classes are exactly balanced (up to rounding) and examples come in
 * seeded random order. The prototypes (uniform in [0, 1] per feature) depend only on the seed, so the
 * train and test splits share them while drawing their examples from different streams.
 */
export function twoTaskDataset(options: TwoTaskDatasetOptions = {}): TwoTaskDataset {
  const count = options.count ?? 2000;
  const seed = options.seed ?? 0;
  const split = options.split ?? 'train';
  const d = options.featuresPerTask ?? 16;
  const [ka, kb] =
    typeof options.classesPerTask === 'number' || options.classesPerTask === undefined
      ? [options.classesPerTask ?? 4, options.classesPerTask ?? 4]
      : options.classesPerTask;
  const noise = options.noise ?? 0.15;
  positiveInteger('count', count);
  positiveInteger('featuresPerTask', d);
  positiveInteger('classesPerTask', ka);
  positiveInteger('classesPerTask', kb);
  if (!(noise >= 0) || !Number.isFinite(noise)) {
    throw new InvalidArgumentError({ argument: 'noise', message: `@modscope/datasets: noise must be a finite number ≥ 0, got ${noise}.` });
  }
  if (split !== 'train' && split !== 'test') {
    throw new InvalidArgumentError({
      argument: 'split',
      message: `@modscope/datasets: unknown split '${String(split)}'.`,
      hint: "Use 'train' or 'test'.",
    });
  }
  const classes = ka + kb;
  const root = createRandom(seed);
  const protoRandom = root.fork(STREAM_PROTOTYPES);
  const prototypes = new Float32Array(classes * d);
  for (let i = 0; i < prototypes.length; i++) prototypes[i] = protoRandom.next();

  const random = root.fork(STREAM_SPLIT[split]);
  // Balanced assignment: tasks alternate, classes cycle within each task; then a seeded shuffle.
  const labels = new Int32Array(count);
  const seen = [0, 0];
  for (let i = 0; i < count; i++) {
    const task = i % 2;
    labels[i] = task === 0 ? seen[0]! % ka : ka + (seen[1]! % kb);
    seen[task]!++;
  }
  random.shuffle(labels);

  const inputs = new Float32Array(count * 2 * d);
  const taskOfExample = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const label = labels[n]!;
    const task = label < ka ? 0 : 1;
    taskOfExample[n] = task;
    const base = n * 2 * d + task * d;
    for (let j = 0; j < d; j++) {
      const v = prototypes[label * d + j]! + noise * random.normal();
      inputs[base + j] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
  const taskOfInput = new Int32Array(2 * d);
  taskOfInput.fill(1, d);
  const taskOfClass = new Int32Array(classes);
  taskOfClass.fill(1, ka);
  return {
    name: 'two-task',
    split,
    count,
    inputShape: [2 * d],
    inputs,
    labels,
    classes,
    classNames: [...Array.from({ length: ka }, (_, c) => `A${c}`), ...Array.from({ length: kb }, (_, c) => `B${c}`)],
    taskOfInput,
    taskOfClass,
    taskOfExample,
    prototypes,
    featuresPerTask: d,
    classesPerTask: [ka, kb],
  };
}
