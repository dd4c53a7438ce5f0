import { createRandom, InvalidArgumentError, type Network } from '@modscope/core';
import { disposeWeights, selectBackend } from '@modscope/tfjs-runtime';
import type { ClusterableInitOptions } from './clusterable-init.js';
import {
  checkSequences,
  evaluateLanguageModelParams,
  gatherSequences,
  type LanguageModelEvaluation,
  type TokenSequences,
} from './language-model-data.js';
import {
  applyParameterMasks,
  languageModelClusterableInit,
  languageModelParameterMasks,
  type LanguageModelMask,
  type LanguageModelModules,
} from './language-model-masks.js';
import { createLanguageModelParams, readLanguageModel } from './language-model-params.js';
import { type BatchShare, createLanguageModelStep, type ShareStatistics } from './language-model-step.js';
import { learningRateAt } from './optimizer.js';
import { trainingBackend } from './training-backend.js';
import { checkOptions, type FineTuneOptions, type HistoryEntry } from './train-options.js';
import {
  defaultTrainingWorkers,
  gradientSlot,
  startTrainingWorkers,
  sumGradientSlots,
  trainingWorkersAvailable,
  type TrainingWorkers,
} from './training-workers.js';

/** Options of `trainLanguageModel` and `fineTuneLanguageModel`. */
export interface LanguageModelTrainOptions<E = unknown>
  extends Omit<FineTuneOptions<E>, 'optimizer' | 'masks' | 'prune' | 'spectralRegularizer' | 'loss' | 'heads' | 'onEvaluate'> {
  /** (`'adamw' | 'adam' | 'sgd'`, default `'adamw'`). */
  optimizer?: 'adamw' | 'adam' | 'sgd';
  /** (number ≥ 0, default 0.01) — AdamW's decoupled weight decay of the matrices (not biases or LayerNorm). */
  weightDecay?: number;
  /** (number > 0 or 0 for none, default 1) — the gradients' global L2 norm is clipped to this. */
  clipNorm?: number;
  /** (`LanguageModelMask[]`, default none) — MLP neurons and heads held at zero throughout (mask held). */
  masks?: readonly LanguageModelMask[];
  /** (`true` or options, `trainLanguageModel` only) — clusterable initialization of the MLPs (method §7). */
  clusterableInit?: boolean | ClusterableInitOptions;
  /** (function) — called before the first step, every `evaluateEvery` steps and after the last. */
  onEvaluate?: (state: LanguageModelEvaluationState) => E | Promise<E>;
  /**
   * (number ≥ 0, default `defaultTrainingWorkers()` for runs of at least 10¹¹ operations, else 0) —
   * helper threads of data-parallel training: each batch is split into contiguous shares of windows, one
   * per thread (this one included), whose gradients are added in thread order; every thread applies the
   * same update. The same seed and worker count give the same weights bit for bit; other worker counts
   * give the same up to float rounding (the order of the sums). Only on the wasm and cpu backends, and
   * from the built package (never from sources run by a test runner); at most batch size − 1.
   */
  workers?: number;
}

export interface LanguageModelEvaluationState {
  step: number;
  epoch: number;
  /** The network with the current weights (a copy). */
  network(): Network;
  /** Next-token loss and accuracy of the current weights on token windows (no dropout). */
  evaluate(data: TokenSequences): LanguageModelEvaluation;
}

export interface LanguageModelTrainResult<E = unknown> {
  network: Network;
  /** Per epoch: mean next-token loss and accuracy over its steps (`penalty`: L1/L2 where used). */
  history: HistoryEntry[];
  backend: string;
  backendReason: string;
  seconds: number;
  steps: number;
  /** Predicted tokens trained on per second of the training loop (evaluations excluded). */
  tokensPerSecond: number;
  /** Helper threads the batches were shared with (0: this thread alone). */
  workers: number;
  evaluations: { step: number; epoch: number; value: E }[];
  /** With clusterable initialization: the module of every residual dimension and MLP neuron. */
  modules?: LanguageModelModules;
}

/** The defaults of `trainLanguageModel`. */
export const LANGUAGE_MODEL_TRAIN_DEFAULTS = Object.freeze({
  epochs: 10,
  batchSize: 32,
  optimizer: 'adamw' as const,
  learningRate: { adamw: 0.001, adam: 0.001, sgd: 0.01 },
  weightDecay: 0.01,
  clipNorm: 1,
  seed: 0,
});

const STREAM = { shuffle: 1, dropout: 2, modules: 3 } as const;
const pkg = '@modscope/train';
/**
 * Below this estimate of a run's arithmetic (6 × parameters × tokens: 3–4 s of one thread on the bench's
 * shapes), helper threads cost more to start (1–3 s each: tfjs, its heap, its first step; every call
 * starts its own) than they save.
 */
const WORKER_MIN_OPERATIONS = 1e11;

/** Helper threads for a run: as asked (or the default for long runs), where they can run, at most one per window of a batch less one. */
function workerCount(asked: number | undefined, backend: string, batchSize: number, operations: number): number {
  if (backend === 'tensorflow' || !trainingWorkersAvailable()) return 0;
  const wanted = asked ?? (operations >= WORKER_MIN_OPERATIONS ? defaultTrainingWorkers() : 0);
  return Math.max(0, Math.min(wanted, batchSize - 1));
}

/** Contiguous shares of a batch of `count` windows for `threads` threads, the first ones a window larger; null where empty. */
function splitBatch(inputs: Int32Array, targets: Int32Array, count: number, threads: number, step: number): (BatchShare | null)[] {
  const length = inputs.length / count;
  const shares: (BatchShare | null)[] = [];
  let first = 0;
  for (let t = 0; t < threads; t++) {
    const n = Math.floor(count / threads) + (t < count % threads ? 1 : 0);
    shares.push(
      n === 0
        ? null
        : {
            inputs: inputs.subarray(first * length, (first + n) * length),
            targets: targets.subarray(first * length, (first + n) * length),
            count: n,
            first,
            total: count,
            step,
            penalty: t === 0,
          },
    );
    first += n;
  }
  return shares;
}

function refuse(argument: string, what: string): never {
  throw new InvalidArgumentError({
    argument,
    message: `${pkg}: ${what} is not available for language models yet.`,
    hint: 'Train without it; dropout, L1, L2, clusterable initialization and held masks are.',
  });
}

function checkLanguageModelOptions(options: LanguageModelTrainOptions<unknown>): void {
  const raw = options as Record<string, unknown>;
  if (raw.prune !== undefined) refuse('prune', 'magnitude pruning');
  if (raw.spectralRegularizer) refuse('spectralRegularizer', 'the spectral regularizer');
  if (raw.loss !== undefined || raw.heads !== undefined) refuse('loss', 'a multi-head loss');
  const { optimizer, weightDecay, clipNorm } = options;
  if (optimizer !== undefined && optimizer !== 'adamw' && optimizer !== 'adam' && optimizer !== 'sgd') {
    throw new InvalidArgumentError({
      argument: 'optimizer',
      message: `${pkg}: unknown optimizer '${String(optimizer)}'.`,
      hint: "Use 'adamw', 'adam' or 'sgd'.",
    });
  }
  for (const [name, value] of [
    ['weightDecay', weightDecay],
    ['clipNorm', clipNorm],
  ] as const) {
    if (value !== undefined && !(value >= 0 && Number.isFinite(value)))
      throw new InvalidArgumentError({ argument: name, message: `${pkg}: ${name} must be a finite number ≥ 0, got ${value}.` });
  }
  if (options.workers !== undefined && !(Number.isInteger(options.workers) && options.workers >= 0)) {
    throw new InvalidArgumentError({
      argument: 'workers',
      message: `${pkg}: workers must be an integer ≥ 0, got ${String(options.workers)}.`,
      hint: 'Use 0 to train in this thread alone.',
    });
  }
  const { optimizer: _o, masks: _m, onEvaluate: _e, clusterableInit, workers: _w, ...shared } = options;
  checkOptions({ ...shared, ...(clusterableInit !== undefined ? { clusterableInit } : {}) });
}

/** The training loop of `trainLanguageModel` and `fineTuneLanguageModel`. */
async function runLanguageModelTraining<E>(
  network: Network,
  data: TokenSequences,
  options: LanguageModelTrainOptions<E>,
  mode: 'train' | 'fine-tune',
): Promise<LanguageModelTrainResult<E>> {
  checkLanguageModelOptions(options as LanguageModelTrainOptions<unknown>);
  checkSequences(network, data);
  const seed = options.seed ?? LANGUAGE_MODEL_TRAIN_DEFAULTS.seed;
  const root = createRandom(seed);
  const batchSize = options.batchSize ?? LANGUAGE_MODEL_TRAIN_DEFAULTS.batchSize;
  const stepsPerEpoch = Math.ceil(data.count / batchSize);
  const totalSteps = options.steps ?? (options.epochs ?? (mode === 'train' ? LANGUAGE_MODEL_TRAIN_DEFAULTS.epochs : 1)) * stepsPerEpoch;
  const optimizerName = options.optimizer ?? LANGUAGE_MODEL_TRAIN_DEFAULTS.optimizer;
  const baseRate = options.learningRate ?? LANGUAGE_MODEL_TRAIN_DEFAULTS.learningRate[optimizerName];
  const schedule = options.schedule ?? 'constant';
  const weightDecay = optimizerName === 'adamw' ? (options.weightDecay ?? LANGUAGE_MODEL_TRAIN_DEFAULTS.weightDecay) : 0;
  const clipNorm = options.clipNorm ?? LANGUAGE_MODEL_TRAIN_DEFAULTS.clipNorm;
  const l1 = options.l1 ?? 0;
  const l2 = options.l2 ?? 0;
  const evaluateEvery = options.evaluateEvery ?? 0;
  const length = data.context - 1;

  let start = network;
  let modules: LanguageModelModules | undefined;
  if (options.clusterableInit) {
    if (mode !== 'train') refuse('clusterableInit', 'clusterable initialization while fine-tuning');
    const init = languageModelClusterableInit(network, {
      ...(options.clusterableInit === true ? {} : options.clusterableInit),
      seed: root.fork(STREAM.modules).seed,
    });
    start = init.network;
    modules = init.modules;
  }
  const parameterMasks = languageModelParameterMasks(start, options.masks ?? []);
  start = applyParameterMasks(start, parameterMasks);

  const backend = await trainingBackend(start, options.backend);
  const settings = {
    optimizer: optimizerName,
    momentum: options.momentum ?? 0,
    weightDecay,
    clipNorm,
    l1,
    l2,
    dropout: options.dropout ?? 0,
    dropoutSeed: root.fork(STREAM.dropout).seed,
    parameterMasks,
  };
  const trainer = createLanguageModelStep(start, settings);
  const { params, size } = trainer;
  const operations = 6 * size * Math.min(data.count, batchSize) * length * totalSteps;
  const helpers = workerCount(options.workers, backend.name, Math.min(batchSize, data.count), operations);
  const threads = helpers + 1;
  const buffer = helpers > 0 ? new SharedArrayBuffer(threads * 2 * size * 4) : null;
  const own = [0, 1].map((parity) => (buffer ? gradientSlot(buffer, size, 0, parity) : new Float32Array(size)));
  const total = buffer ? new Float32Array(size) : null;
  let workers: TrainingWorkers | undefined;
  const history: HistoryEntry[] = [];
  const evaluations: LanguageModelTrainResult<E>['evaluations'] = [];
  let step = 0;
  let epoch = 0;
  let trainingSeconds = 0;
  const began = performance.now();
  const evaluateState = async () => {
    if (!options.onEvaluate) return;
    const value = await options.onEvaluate({
      step,
      epoch,
      network: () => readLanguageModel(start, params),
      evaluate: (d) => {
        checkSequences(start, d, 'evaluation data');
        return evaluateLanguageModelParams(start, params, d);
      },
    });
    evaluations.push({ step, epoch, value });
  };
  try {
    if (buffer) workers = startTrainingWorkers(helpers, { network: start, settings, backend: backend.name, buffer, size });
    await evaluateState();
    let lastEvaluated = 0;
    while (step < totalSteps) {
      epoch++;
      const order = Uint32Array.from({ length: data.count }, (_, i) => i);
      root.fork(STREAM.shuffle).fork(epoch).shuffle(order);
      let lossSum = 0;
      let penaltySum = 0;
      let correct = 0;
      let seen = 0;
      let batches = 0;
      for (let b = 0; b < stepsPerEpoch && step < totalSteps; b++) {
        options.signal?.throwIfAborted();
        const stepBegan = performance.now();
        const lo = b * batchSize;
        const hi = Math.min(data.count, lo + batchSize);
        const n = hi - lo;
        const batch = gatherSequences(data, order, lo, hi);
        const lr = learningRateAt(baseRate, schedule, step, totalSteps);
        const parity = step & 1;
        const shares = splitBatch(batch.inputs, batch.targets, n, threads, step);
        const pending = workers?.compute(shares, parity);
        const statistics: (ShareStatistics | null)[] = [trainer.gradients(shares[0]!, own[parity]!)];
        if (pending) statistics.push(...(await pending));
        const active = shares.flatMap((share, t) => (share ? [t] : []));
        const gradient = buffer ? sumGradientSlots(buffer, size, active, parity, total!) : own[parity]!;
        workers?.apply(parity, active, lr);
        trainer.apply(gradient, lr);
        trainingSeconds += (performance.now() - stepBegan) / 1000;
        step++;
        batches++;
        for (const s of statistics) {
          if (!s) continue;
          lossSum += s.loss / n;
          penaltySum += s.penalty;
          correct += s.correct;
        }
        seen += n * length;
        options.onProgress?.({ epoch, step, steps: totalSteps, loss: lossSum / batches, accuracy: correct / seen });
        if (evaluateEvery > 0 && step % evaluateEvery === 0) {
          await evaluateState();
          lastEvaluated = step;
        }
      }
      history.push({
        epoch,
        step,
        loss: lossSum / batches,
        accuracy: correct / seen,
        ...(l1 > 0 || l2 > 0 ? { penalty: penaltySum / batches } : {}),
      });
    }
    if (options.onEvaluate && lastEvaluated !== step && step > 0) await evaluateState();
    return {
      network: readLanguageModel(start, params),
      history,
      backend: backend.name,
      backendReason: backend.reason,
      seconds: (performance.now() - began) / 1000,
      steps: step,
      tokensPerSecond: trainingSeconds > 0 ? (tokensSeen(data, batchSize, step) * length) / trainingSeconds : 0,
      workers: helpers,
      evaluations,
      ...(modules ? { modules } : {}),
    };
  } finally {
    workers?.close();
    trainer.dispose();
    await backend.restore();
  }
}

/** Windows trained on in `steps` steps of `batchSize` (the last batch of an epoch may be smaller). */
function tokensSeen(data: TokenSequences, batchSize: number, steps: number): number {
  const perEpoch = Math.ceil(data.count / batchSize);
  const full = Math.floor(steps / perEpoch);
  const rest = steps % perEpoch;
  return full * data.count + Math.min(data.count, rest * batchSize);
}

/**
 * Trains a GPT-style language model (usually fresh from `createLanguageModel`) on token windows: mean
 * next-token cross-entropy over every position plus the chosen L1/L2 penalties on the MLP kernels, with
 * AdamW (decoupled weight decay of the matrices), gradient clipping by global norm, dropout on the MLP
 * neurons, held masks of neurons and heads, and clusterable initialization of the MLPs (method §7, §9).
 * Every random choice comes from `createRandom(seed)`; the same seed and options give the same weights on
 * the same backend. Returns a trained copy.
 */
export function trainLanguageModel<E = unknown>(
  network: Network,
  data: TokenSequences,
  options: LanguageModelTrainOptions<E> = {},
): Promise<LanguageModelTrainResult<E>> {
  return runLanguageModelTraining(network, data, options, 'train');
}

/**
 * Continues training a language model from its own weights (one epoch by default, or exactly `steps`):
 * with `masks`, the pruned neurons and heads stay at zero (mask held). `evaluateEvery` with `onEvaluate`
 * records recovery curves.
 */
export function fineTuneLanguageModel<E = unknown>(
  network: Network,
  data: TokenSequences,
  options: Omit<LanguageModelTrainOptions<E>, 'clusterableInit'> = {},
): Promise<LanguageModelTrainResult<E>> {
  return runLanguageModelTraining(network, data, options, 'fine-tune');
}

/** Next-token loss and accuracy of a language model on token windows, on the application's tfjs backend. */
export async function evaluateLanguageModel(
  network: Network,
  data: TokenSequences,
  options: { batchSize?: number } = {},
): Promise<LanguageModelEvaluation> {
  checkSequences(network, data);
  await selectBackend();
  const params = createLanguageModelParams(network);
  try {
    return evaluateLanguageModelParams(network, params, data, options.batchSize ?? 32);
  } finally {
    disposeWeights(params.weights);
  }
}
