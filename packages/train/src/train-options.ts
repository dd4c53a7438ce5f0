import { InvalidArgumentError, type LabelledExamples, type Network } from '@modscope/core';
import type { BackendName } from '@modscope/tfjs-runtime';
import { checkClusterableOptions, type ClusterableInitOptions } from './clusterable-init.js';
import type { Evaluation } from './evaluate.js';
import type { LayerMask } from './held-masks.js';
import { checkPruneOptions, type PruneOptions } from './prune-schedule.js';
import { checkSpectralOptions, type SpectralRegularizerOptions } from './spectral-regularizer.js';

/** What `onProgress` receives after every step. */
export interface TrainProgress {
  /** Epoch running, from 1. */
  epoch: number;
  /** Steps done, from 1. */
  step: number;
  /** Steps of the whole run. */
  steps: number;
  /** Mean training loss (cross-entropy, without penalties) and accuracy over this epoch's steps so far. */
  loss: number;
  accuracy: number;
}

/** One entry per epoch (and one for a final partial epoch). */
export interface HistoryEntry {
  /** Epoch, from 1. */
  epoch: number;
  /** Steps done at its end. */
  step: number;
  /** Mean training loss (cross-entropy, without penalties) and accuracy over the epoch's steps. */
  loss: number;
  accuracy: number;
  /** Mean penalty (L1, L2, spectral) over the epoch's steps, where there is one. */
  penalty?: number;
}

/** What `onEvaluate` receives every `evaluateEvery` steps (and before the first and after the last). */
export interface EvaluationState {
  /** Steps done so far (0 before training). */
  step: number;
  /** Epoch running (0 before training). */
  epoch: number;
  /** The network with the current weights (a copy). */
  network(): Network;
  /** Loss and accuracy of the current weights on `data` (no dropout; `heads` as in training). */
  evaluate(data: LabelledExamples): Evaluation;
}

/** Options shared by `train` and `fineTune`. */
export interface FineTuneOptions<E = unknown> {
  /** (number, default 10 for `train`, 1 for `fineTune`) — passes over the data. Ignored when `steps` is given. */
  epochs?: number;
  /** (number) — run exactly this many steps (batches) instead of whole epochs. */
  steps?: number;
  /** (number, default 64) — examples per step; the last batch of an epoch may be smaller. */
  batchSize?: number;
  /** (`'adam' | 'sgd'`, default `'adam'`). */
  optimizer?: 'adam' | 'sgd';
  /** (number, default 0.001 for Adam, 0.01 for SGD). */
  learningRate?: number;
  /** (`'constant' | 'cosine'`, default `'constant'`) — cosine decays the rate to 0 over the run. */
  schedule?: 'constant' | 'cosine';
  /** (number, default 0) — SGD momentum. */
  momentum?: number;
  /** (number in [0, 1), default 0) — dropout rate after each hidden activation, in training only. */
  dropout?: number;
  /** (number ≥ 0, default 0) — L1 penalty l1·Σ|w| over every kernel (biases excluded). */
  l1?: number;
  /** (number ≥ 0, default 0) — L2 penalty l2·Σw² over every kernel (biases excluded). */
  l2?: number;
  /** (`PruneOptions` or a sparsity, default none) — magnitude pruning on the polynomial schedule, masks then held. */
  prune?: PruneOptions | number;
  /** (`LayerMask[]`, default none) — weights and units held at zero throughout. */
  masks?: readonly LayerMask[];
  /** (`true` or options, default none) — add (λ/m)·Σ λ_2…λ_(m+1) of the weight graph's Laplacian to the loss. */
  spectralRegularizer?: boolean | SpectralRegularizerOptions;
  /** (`'cross-entropy' | 'multi-head'`, default `'cross-entropy'`). */
  loss?: 'cross-entropy' | 'multi-head';
  /** (`[start, end)[]`) — the output slices of a multi-head loss, e.g. `[[0, 4], [4, 8]]`. */
  heads?: readonly (readonly [number, number])[];
  /** (number, default 0) — seed of the shuffling, dropout, module assignment and eigensolver. */
  seed?: number;
  /** (`'auto' | 'tensorflow' | 'wasm' | 'cpu'`, default `'auto'`: the application's selection). */
  backend?: BackendName | 'auto';
  /** (function) — called after every step. */
  onProgress?: (progress: TrainProgress) => void;
  /** (number, default 0: never) — steps between `onEvaluate` calls. */
  evaluateEvery?: number;
  /** (function) — called before the first step, every `evaluateEvery` steps and after the last; its results are returned in `evaluations`. */
  onEvaluate?: (state: EvaluationState) => E | Promise<E>;
  /** (AbortSignal) — stops training between steps with the signal's reason. */
  signal?: AbortSignal;
}

export interface TrainOptions<E = unknown> extends FineTuneOptions<E> {
  /** (`true` or options, default none) — clusterable initialization (method §7) before the first step. */
  clusterableInit?: boolean | ClusterableInitOptions;
}

export interface TrainResult<E = unknown> {
  /** The trained network (a new copy; the input is not modified). */
  network: Network;
  history: HistoryEntry[];
  /** The tfjs backend the training ran on, and why. */
  backend: string;
  backendReason: string;
  /** Wall-clock seconds of the training loop. */
  seconds: number;
  /** Steps run. */
  steps: number;
  /** What `onEvaluate` returned, with the step it was called at. */
  evaluations: { step: number; epoch: number; value: E }[];
  /** Module of every unit, where clusterable initialization was used. */
  modules?: { layer: string; modules: Int32Array }[];
  /** Final sparsity of every pruned layer, where pruning was used. */
  sparsity?: Record<string, number>;
  /** With the spectral regularizer: the m + 1 smallest Laplacian eigenvalues of the trained network's graph. */
  eigenvalues?: number[];
}

/** The defaults of `train`. */
export const TRAIN_DEFAULTS = Object.freeze({
  epochs: 10,
  batchSize: 64,
  optimizer: 'adam' as const,
  learningRate: { adam: 0.001, sgd: 0.01 },
  schedule: 'constant' as const,
  momentum: 0,
  dropout: 0,
  l1: 0,
  l2: 0,
  loss: 'cross-entropy' as const,
  seed: 0,
  evaluateEvery: 0,
});

const pkg = '@modscope/train';

function invalid(argument: string, message: string, hint?: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument, message: `${pkg}: ${message}`, ...(hint ? { hint } : {}) });
}

/** Throws an `InvalidArgumentError` for the first option that cannot work. */
export function checkOptions(options: TrainOptions<unknown>): void {
  const positiveInt = (name: keyof TrainOptions, value: unknown) => {
    if (value !== undefined && (!Number.isInteger(value) || (value as number) < 1))
      throw invalid(name, `${name} must be a positive integer, got ${String(value)}.`);
  };
  positiveInt('epochs', options.epochs);
  positiveInt('steps', options.steps);
  positiveInt('batchSize', options.batchSize);
  if (options.evaluateEvery !== undefined && (!Number.isInteger(options.evaluateEvery) || options.evaluateEvery < 0)) {
    throw invalid('evaluateEvery', `evaluateEvery must be a non-negative integer (steps), got ${options.evaluateEvery}.`);
  }
  if (options.optimizer !== undefined && options.optimizer !== 'adam' && options.optimizer !== 'sgd') {
    throw invalid('optimizer', `unknown optimizer '${String(options.optimizer)}'.`, "Use 'adam' or 'sgd'.");
  }
  if (options.schedule !== undefined && options.schedule !== 'constant' && options.schedule !== 'cosine') {
    throw invalid('schedule', `unknown learning-rate schedule '${String(options.schedule)}'.`, "Use 'constant' or 'cosine'.");
  }
  if (options.learningRate !== undefined && !(options.learningRate > 0 && Number.isFinite(options.learningRate))) {
    throw invalid('learningRate', `learningRate must be a positive number, got ${options.learningRate}.`);
  }
  if (options.momentum !== undefined && !(options.momentum >= 0 && options.momentum < 1))
    throw invalid('momentum', `momentum must lie in [0, 1), got ${options.momentum}.`);
  if (options.dropout !== undefined && !(options.dropout >= 0 && options.dropout < 1)) {
    throw invalid('dropout', `dropout rate ${options.dropout} is outside [0, 1).`, 'Give the fraction of activations dropped, e.g. 0.5.');
  }
  for (const name of ['l1', 'l2'] as const) {
    const v = options[name];
    if (v !== undefined && !(v >= 0 && Number.isFinite(v)))
      throw invalid(name, `${name} must be a finite number ≥ 0, got ${v}.`, `A penalty weight such as 1e-5; 0 turns it off.`);
  }
  if (options.loss !== undefined && options.loss !== 'cross-entropy' && options.loss !== 'multi-head') {
    throw invalid('loss', `unknown loss '${String(options.loss)}'.`, "Use 'cross-entropy' or 'multi-head' (with heads).");
  }
  if (options.heads !== undefined && options.loss !== 'multi-head')
    throw invalid('heads', "heads are used by loss 'multi-head' only.", "Add loss: 'multi-head'.");
  if (options.seed !== undefined && !Number.isFinite(options.seed))
    throw invalid('seed', `seed must be a finite number, got ${options.seed}.`);
  if (options.prune !== undefined) checkPruneOptions(typeof options.prune === 'number' ? { sparsity: options.prune } : options.prune);
  if (options.clusterableInit !== undefined && options.clusterableInit !== false)
    checkClusterableOptions(options.clusterableInit === true ? {} : options.clusterableInit);
  if (options.spectralRegularizer !== undefined && options.spectralRegularizer !== false)
    checkSpectralOptions(options.spectralRegularizer === true ? {} : options.spectralRegularizer);
  if (options.masks !== undefined && !Array.isArray(options.masks))
    throw invalid('masks', 'masks must be an array of { layer, kernel?, units? }.');
}
