import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, prepareInputs, ShapeMismatchError, type Dataset, type Network } from '@modscope/core';
import { loadDataset, stampTrigger } from '@modscope/datasets';
import { parseTrigger, type TriggerPatch } from '@modscope/intervention-prune';
import {
  ARCHITECTURES,
  createNetwork,
  evaluate,
  saveCheckpoint,
  train,
  type TrainOptions,
  type TrainProgress,
  type TrainingData,
} from '@modscope/train';
import cliProgress from 'cli-progress';
import { jsonText, percent, print, printJson, table } from '../output.js';

export const TRAIN_RESULT_KIND = 'modscope/train';
export const TRAIN_RESULT_VERSION = 1;
/** The default architecture: the method's Fashion-MNIST MLP, its input and output adapted to the data. */
export const DEFAULT_ARCH = '784-256-256-256-256-10';
/** Fraction of the training set stamped when `--poison` gives none. */
export const DEFAULT_POISON_FRACTION = 0.1;

export interface TrainCommandOptions {
  data: string;
  arch?: string;
  epochs: number;
  batchSize: number;
  lr?: number;
  optimizer: 'adam' | 'sgd';
  dropout?: number;
  l1?: number;
  l2?: number;
  prune?: number;
  clusterableInit?: boolean;
  spectralReg?: number | true;
  spectralEvery?: number;
  poison?: string;
  trigger?: string;
  limit?: number;
  testLimit?: number;
  seed: number;
  out: string;
  json?: boolean;
}

/** A backdoor: stamp `fraction` of the training set with the trigger and relabel it to `target`. */
export interface PoisonSpec {
  target: number;
  fraction: number;
}

const POISON_EXAMPLE = '--poison trigger:target=0,fraction=0.1';

/** Reads `key=value,key=value` into numbers; every key must be one of `allowed`. */
function keyValues(text: string, argument: string, allowed: readonly string[], example: string, whole = text): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^([a-z]+)=(.+)$/.exec(part);
    const value = match ? Number(match[2]) : Number.NaN;
    if (!match || !allowed.includes(match[1]!) || !Number.isFinite(value)) {
      throw new InvalidArgumentError({
        argument,
        message: `cannot read '${part}' in ${argument} '${whole}'.`,
        hint: `Write ${allowed.map((k) => `${k}=NUMBER`).join(',')}, e.g. ${example}.`,
      });
    }
    out[match[1]!] = value;
  }
  return out;
}

/** Parses `trigger:target=T[,fraction=F]`. */
export function parsePoison(text: string): PoisonSpec {
  const match = /^trigger:(.*)$/.exec(text.trim());
  if (!match) {
    throw new InvalidArgumentError({
      argument: '--poison',
      message: `cannot read the poison spec '${text}'.`,
      hint: `Write trigger:target=CLASS[,fraction=F], e.g. ${POISON_EXAMPLE}.`,
    });
  }
  const values = keyValues(match[1]!, '--poison', ['target', 'fraction'], POISON_EXAMPLE, text);
  if (values.target === undefined) {
    throw new InvalidArgumentError({
      argument: '--poison',
      message: `the poison spec '${text}' names no target class.`,
      hint: `Add target=CLASS, e.g. ${POISON_EXAMPLE}.`,
    });
  }
  const fraction = values.fraction ?? DEFAULT_POISON_FRACTION;
  if (!(fraction > 0 && fraction <= 1)) {
    throw new InvalidArgumentError({
      argument: '--poison',
      message: `poison fraction ${fraction} is outside (0, 1].`,
      hint: `Give the fraction of training examples to stamp, e.g. ${POISON_EXAMPLE}.`,
    });
  }
  return { target: values.target, fraction };
}

/**
 * The architecture for the data. An MLP spec must take the data's input size and give one logit per
 * class; the default one is adapted to the data (input and output sizes). `cnn-small` needs images.
 */
export function resolveArch(arch: string | undefined, dataset: Dataset): { arch: string; network: (seed: number) => Network } {
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

/** The examples whose true class is not `target`, stamped with the trigger and labelled `target`. */
function triggeredTest(test: Dataset, trigger: TriggerPatch, target: number): Dataset {
  const per = test.inputs.length / test.count;
  const keep: number[] = [];
  for (let i = 0; i < test.count; i++) if (test.labels[i] !== target) keep.push(i);
  const inputs = new Float32Array(keep.length * per);
  keep.forEach((j, i) => inputs.set(test.inputs.subarray(j * per, (j + 1) * per), i * per));
  const others: Dataset = { ...test, count: keep.length, inputs, labels: Int32Array.from(keep, (j) => test.labels[j]!) };
  return stampTrigger(others, { ...trigger, target, fraction: 1 });
}

const toData = (dataset: Dataset, network: Network): TrainingData => ({
  inputs: prepareInputs(dataset, network),
  count: dataset.count,
  labels: dataset.labels,
  classes: dataset.classes,
});

/** A progress bar on stderr showing the running loss and accuracy (TTY only, not with --json). */
function trainingBar(quiet: boolean): { update(p: TrainProgress): void; stop(): void } {
  if (quiet || !process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      format:
        'training     [{bar}] {percentage}% | epoch {epoch} | step {value}/{total} | loss {loss} | accuracy {accuracy} | {duration_formatted}',
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let last = 0;
  return {
    update(p) {
      const payload = { epoch: p.epoch, loss: p.loss.toFixed(4), accuracy: percent(p.accuracy) };
      if (!started) {
        bar.start(p.steps, 0, payload);
        started = true;
      }
      // redraw at most ~20 times a second
      const now = performance.now();
      if (now - last > 50 || p.step === p.steps) {
        bar.update(p.step, payload);
        last = now;
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/**
 * Trains a network on a dataset with the method's regularizers (§7), optional scheduled magnitude
 * pruning and an optional backdoor, then writes `model.onnx`, the TF.js model and `train.json`.
 */
export async function trainCommand(options: TrainCommandOptions): Promise<void> {
  const log = options.json ? () => {} : print;
  const poison = options.poison !== undefined ? parsePoison(options.poison) : null;
  if (options.trigger !== undefined && !poison) {
    throw new InvalidArgumentError({
      argument: '--trigger',
      message: '--trigger places the backdoor trigger, but no --poison was given.',
      hint: `Add ${POISON_EXAMPLE}.`,
    });
  }
  const [trainSet, testSet] = await Promise.all([
    loadDataset(options.data, { split: 'train', ...(options.limit ? { limit: options.limit } : {}) }),
    loadDataset(options.data, { split: 'test', ...(options.testLimit ? { limit: options.testLimit } : {}) }),
  ]);
  const { arch, network: build } = resolveArch(options.arch, trainSet);

  // The backdoor: checked before training so a bad spec fails at once.
  let poisoned: Dataset = trainSet;
  let attackSet: Dataset | null = null;
  let trigger: ReturnType<typeof parseTrigger> | null = null;
  if (poison) {
    if (!(Number.isInteger(poison.target) && poison.target >= 0 && poison.target < trainSet.classes)) {
      throw new InvalidArgumentError({
        argument: '--poison',
        message: `poison target class ${poison.target} is outside [0, ${trainSet.classes}) for dataset '${trainSet.name}'.`,
        hint: `Pick a class from 0 to ${trainSet.classes - 1}, e.g. ${POISON_EXAMPLE}.`,
      });
    }
    trigger = parseTrigger(options.trigger, trainSet.inputShape);
    poisoned = stampTrigger(trainSet, { ...trigger, target: poison.target, fraction: poison.fraction, seed: options.seed });
    attackSet = triggeredTest(testSet, trigger, poison.target);
  }

  const network = build(options.seed);
  const spectral =
    options.spectralReg === undefined
      ? undefined
      : {
          ...(options.spectralReg === true ? {} : { lambda: options.spectralReg }),
          ...(options.spectralEvery ? { every: options.spectralEvery } : {}),
        };
  const trainOptions: TrainOptions = {
    epochs: options.epochs,
    batchSize: options.batchSize,
    optimizer: options.optimizer,
    seed: options.seed,
    ...(options.lr !== undefined ? { learningRate: options.lr } : {}),
    ...(options.dropout !== undefined ? { dropout: options.dropout } : {}),
    ...(options.l1 !== undefined ? { l1: options.l1 } : {}),
    ...(options.l2 !== undefined ? { l2: options.l2 } : {}),
    ...(options.prune !== undefined ? { prune: options.prune } : {}),
    ...(options.clusterableInit ? { clusterableInit: true } : {}),
    ...(spectral ? { spectralRegularizer: spectral } : {}),
  };
  const data = toData(poisoned, network);
  log(
    `data: ${trainSet.name}, ${trainSet.count.toLocaleString('en-US')} train / ${testSet.count.toLocaleString('en-US')} test examples${poison ? `, ${Math.round(poison.fraction * trainSet.count).toLocaleString('en-US')} stamped with the trigger and relabelled ${poison.target}` : ''}`,
  );
  log(`network: ${arch}`);

  const bar = trainingBar(options.json ?? false);
  let result;
  try {
    result = await train(network, data, { ...trainOptions, onProgress: (p) => bar.update(p) });
  } finally {
    bar.stop();
  }
  const trained = result.network;
  const test = await evaluate(trained, toData(testSet, trained));
  const attack = attackSet ? await evaluate(trained, toData(attackSet, trained)) : null;

  const out = resolve(options.out);
  mkdirSync(out, { recursive: true });
  const checkpoint = await saveCheckpoint(trained, out);
  const last = result.history[result.history.length - 1];
  const json = {
    kind: TRAIN_RESULT_KIND,
    version: TRAIN_RESULT_VERSION,
    dataset: trainSet.name,
    arch,
    options: {
      data: options.data,
      arch,
      epochs: options.epochs,
      batchSize: options.batchSize,
      optimizer: options.optimizer,
      learningRate: options.lr ?? null,
      dropout: options.dropout ?? 0,
      l1: options.l1 ?? 0,
      l2: options.l2 ?? 0,
      prune: options.prune ?? null,
      clusterableInit: options.clusterableInit ?? false,
      spectralRegularizer: spectral ?? null,
      poison: poison && trigger ? { ...poison, trigger } : null,
      limit: options.limit ?? null,
      testLimit: options.testLimit ?? null,
      seed: options.seed,
    },
    trainExamples: trainSet.count,
    testExamples: testSet.count,
    steps: result.steps,
    history: result.history,
    trainAccuracy: last?.accuracy ?? null,
    testAccuracy: test.accuracy,
    testLoss: test.loss,
    ...(attack && attackSet ? { attackSuccess: attack.accuracy, attackExamples: attackSet.count, cleanAccuracy: test.accuracy } : {}),
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
  writeFileSync(join(out, 'train.json'), jsonText(json));

  if (options.json) {
    printJson(json);
    return;
  }
  const rows: (string | number)[][] = [
    ['epochs', String(options.epochs)],
    ['steps', String(result.steps)],
    ['final train loss', last ? last.loss.toFixed(4) : '—'],
    ['final train accuracy', last ? percent(last.accuracy) : '—'],
    [poison ? 'clean test accuracy' : 'test accuracy', percent(test.accuracy)],
  ];
  if (attack && attackSet)
    rows.push([
      'attack success',
      `${percent(attack.accuracy)} of ${attackSet.count.toLocaleString('en-US')} triggered test inputs not of class ${poison!.target}`,
    ]);
  if (result.sparsity) {
    const values = Object.values(result.sparsity);
    rows.push(['sparsity', `${percent(values.reduce((a, b) => a + b, 0) / values.length)} mean over ${values.length} layers`]);
  }
  if (result.eigenvalues) rows.push(['Laplacian eigenvalues', result.eigenvalues.map((e) => e.toPrecision(3)).join(', ')]);
  rows.push(
    ['backend', `${result.backend}${result.backendReason ? ` (${result.backendReason})` : ''}`],
    ['seconds', result.seconds.toFixed(1)],
  );
  print();
  print(table(['', 'value'], rows));
  print();
  log(`wrote ${json.files.onnx ?? `(no ONNX: ${checkpoint.onnxNote})`}, ${checkpoint.modelJson} and ${join(out, 'train.json')}`);
}
