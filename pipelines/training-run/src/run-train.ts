import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, labelledExamples, type Dataset } from '@modscope/core';
import { loadDataset } from '@modscope/datasets';
import type { TrainResultFile } from '@modscope/results';
import { TRAIN_RESULT_KIND, TRAIN_RESULT_VERSION } from '@modscope/results/format';
import { evaluate, train, TRAIN_DEFAULTS, type SpectralRegularizerOptions, type TrainOptions, type TrainProgress } from '@modscope/train';
import { parsePoison, POISON_EXAMPLE } from './parse-poison.js';
import { poisonDatasets, type PoisonedDatasets } from './poison-datasets.js';
import { resolveArch } from './resolve-arch.js';
import { saveCheckpoint } from './save-checkpoint.js';
import { resultJsonText } from '@modscope/results/format';

export interface TrainRunOptions {
  /** (string, required) — `fashion-mnist`, `mnist`, `two-task`, or a directory of IDX files (`loadDataset` of `@modscope/datasets`). */
  data: string;
  /** (string, required) — where `model.onnx`, the TF.js model (`model.json`, `weights.bin`) and `train.json` go; created if missing. */
  out: string;
  /** (string, default `DEFAULT_ARCH` adapted to the data) — layer sizes joined by `-`, or `cnn-small`. */
  arch?: string;
  /** (number, default 10) — passes over the training set. */
  epochs?: number;
  /** (number, default 64) — examples per step. */
  batchSize?: number;
  /** (number, default the optimizer's: 0.001 for Adam, 0.01 for SGD). */
  learningRate?: number;
  /** (`'adam' | 'sgd'`, default `'adam'`). */
  optimizer?: 'adam' | 'sgd';
  /** (number in [0, 1), default 0) — dropout after each hidden layer. */
  dropout?: number;
  /** (number ≥ 0, default 0) — L1 penalty weight on every kernel. */
  l1?: number;
  /** (number ≥ 0, default 0) — L2 penalty weight on every kernel. */
  l2?: number;
  /** (number in [0, 1), default none) — magnitude pruning to this sparsity per layer on the polynomial schedule. */
  prune?: number;
  /** (boolean, default false) — clusterable initialization (method §7). */
  clusterableInit?: boolean;
  /** (`true` or `{ lambda?, m?, every? }`, default none) — the spectral regularizer (method §7). */
  spectralRegularizer?: boolean | SpectralRegularizerOptions;
  /** (string, default none) — a backdoor, `trigger:target=CLASS[,fraction=0.1]` (see `parsePoison`). */
  poison?: string;
  /** (string, default the corner patch) — the backdoor trigger, `row=R,col=C,size=S,value=V`; needs `poison`. */
  trigger?: string;
  /** (number, default all) — train on the first `limit` training examples. */
  limit?: number;
  /** (number, default all) — evaluate on the first `testLimit` test examples. */
  testLimit?: number;
  /** (number, default 0) — seed of the initialization, shuffling, dropout and poisoning. */
  seed?: number;
  /** (function, default none) — called once the data is loaded and the network built, before training. */
  onPlan?: (plan: TrainPlan) => void;
  /** (function, default none) — called after every training step. */
  onProgress?: (progress: TrainProgress) => void;
}

/** What a run is about to do, for the caller to report before the training starts. */
export interface TrainPlan {
  dataset: string;
  trainExamples: number;
  testExamples: number;
  arch: string;
  /** With a backdoor: the target class and how many training examples are stamped with the trigger. */
  poison: { target: number; fraction: number; stamped: number } | null;
}

/**
 * What `modscope train` runs: loads the data, resolves the architecture, plants the backdoor (if any),
 * trains with the method's regularizers (§7) and optional scheduled pruning, evaluates on the test split
 * (and the triggered test set), then writes `model.onnx`, the TF.js model and `train.json` to `out`.
 * Returns the `modscope/train` result (version 2), as written to `train.json`.
 */
export async function runTrain(options: TrainRunOptions): Promise<TrainResultFile> {
  const poison = options.poison !== undefined ? parsePoison(options.poison) : null;
  if (options.trigger !== undefined && !poison) {
    throw new InvalidArgumentError({
      argument: '--trigger',
      message: '--trigger places the backdoor trigger, but no --poison was given.',
      hint: `Add ${POISON_EXAMPLE}.`,
    });
  }
  const seed = options.seed ?? TRAIN_DEFAULTS.seed;
  const epochs = options.epochs ?? TRAIN_DEFAULTS.epochs;
  const batchSize = options.batchSize ?? TRAIN_DEFAULTS.batchSize;
  const optimizer = options.optimizer ?? TRAIN_DEFAULTS.optimizer;
  const [trainSet, testSet] = await Promise.all([
    loadDataset(options.data, { split: 'train', ...(options.limit ? { limit: options.limit } : {}) }),
    loadDataset(options.data, { split: 'test', ...(options.testLimit ? { limit: options.testLimit } : {}) }),
  ]);
  const { arch, network: build } = resolveArch(options.arch, trainSet);
  // The backdoor: checked before training so a bad spec fails at once.
  const poisoned: PoisonedDatasets | null = poison ? poisonDatasets(trainSet, testSet, poison, { trigger: options.trigger, seed }) : null;

  const network = build(seed);
  const spectral = options.spectralRegularizer ? (options.spectralRegularizer === true ? {} : options.spectralRegularizer) : null;
  const trainOptions: TrainOptions = {
    epochs,
    batchSize,
    optimizer,
    seed,
    ...(options.learningRate !== undefined ? { learningRate: options.learningRate } : {}),
    ...(options.dropout !== undefined ? { dropout: options.dropout } : {}),
    ...(options.l1 !== undefined ? { l1: options.l1 } : {}),
    ...(options.l2 !== undefined ? { l2: options.l2 } : {}),
    ...(options.prune !== undefined ? { prune: options.prune } : {}),
    ...(options.clusterableInit ? { clusterableInit: true } : {}),
    ...(spectral ? { spectralRegularizer: spectral } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  const data = labelledExamples(poisoned?.train ?? trainSet, network);
  options.onPlan?.({
    dataset: trainSet.name,
    trainExamples: trainSet.count,
    testExamples: testSet.count,
    arch,
    poison: poison ? { ...poison, stamped: Math.round(poison.fraction * trainSet.count) } : null,
  });

  const result = await train(network, data, trainOptions);
  const trained = result.network;
  const test = await evaluate(trained, labelledExamples(testSet, trained));
  const attackSet: Dataset | null = poisoned?.attack ?? null;
  const attack = attackSet ? await evaluate(trained, labelledExamples(attackSet, trained)) : null;
  // the same inputs without the trigger: what the target gets anyway is no attack (method §6.8)
  const control = poisoned ? await evaluate(trained, labelledExamples(poisoned.control, trained)) : null;

  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  const checkpoint = await saveCheckpoint(trained, out);
  const last = result.history[result.history.length - 1];
  const json: TrainResultFile = {
    kind: TRAIN_RESULT_KIND,
    version: TRAIN_RESULT_VERSION,
    dataset: trainSet.name,
    arch,
    options: {
      data: options.data,
      arch,
      epochs,
      batchSize,
      optimizer,
      learningRate: options.learningRate ?? null,
      dropout: options.dropout ?? 0,
      l1: options.l1 ?? 0,
      l2: options.l2 ?? 0,
      prune: options.prune ?? null,
      clusterableInit: options.clusterableInit ?? false,
      spectralRegularizer: spectral,
      poison: poison && poisoned ? { ...poison, trigger: poisoned.trigger } : null,
      limit: options.limit ?? null,
      testLimit: options.testLimit ?? null,
      seed,
    },
    trainExamples: trainSet.count,
    testExamples: testSet.count,
    steps: result.steps,
    history: result.history,
    trainAccuracy: last?.accuracy ?? null,
    testAccuracy: test.accuracy,
    testLoss: test.loss,
    ...(attack && control && attackSet
      ? {
          attackSuccess: attack.accuracy - control.accuracy,
          rawAttackSuccess: attack.accuracy,
          cleanToTarget: control.accuracy,
          attackExamples: attackSet.count,
          cleanAccuracy: test.accuracy,
        }
      : {}),
    ...(result.sparsity ? { sparsity: result.sparsity } : {}),
    ...(result.eigenvalues ? { eigenvalues: result.eigenvalues } : {}),
    backend: result.backend,
    backendReason: result.backendReason,
    seconds: result.seconds,
    files: {
      onnx: checkpoint.onnx,
      tfjs: checkpoint.modelJson,
      ...(checkpoint.onnxNote ? { onnxNote: checkpoint.onnxNote } : {}),
    },
  };
  await writeFile(join(out, 'train.json'), resultJsonText(json));
  return json;
}
