import {
  cloneNetwork,
  createRandom,
  InvalidArgumentError,
  prepareInputs,
  unitLayers,
  type Dataset,
  type Evaluator,
  type Network,
  type UnitPartition,
} from '@modscope/core';
import { stampTrigger } from '@modscope/datasets';
import {
  capabilityFor,
  excise,
  recoveryStats,
  type Capability,
  type CurvePoint,
  type ExciseMethod,
  type FineTuner,
  type ForgetSpec,
  type RecoveryStats,
} from '@modscope/intervention-prune';
import type { FineTuneOptions, LayerMask } from '@modscope/train';

export const EXCISE_RESULT_KIND = 'modscope/excise';
export const EXCISE_RESULT_VERSION = 1;

/** Every method and baseline, in the order they run and are shown. */
export const EXCISE_METHODS: readonly ExciseMethod[] = Object.freeze(['module', 'random', 'magnitude', 'selective', 'none']);

/** What each method is called in tables and reports. */
export const METHOD_NAMES: Readonly<Record<ExciseMethod, string>> = Object.freeze({
  module: 'module pruning',
  random: 'random units',
  magnitude: 'lowest-magnitude units',
  selective: 'selective pruning',
  none: 'no pruning',
});

/** The defaults of `runExcise`. */
export const EXCISE_DEFAULTS = Object.freeze({
  k: 12,
  steps: 200,
  evaluateEvery: 20,
  mask: 'held' as const,
  neverTrainedEpochs: 1,
  relearn: [10, 100] as readonly number[],
  relearnSteps: 50,
  relearnMix: 0,
  seed: 0,
});

export interface ExciseData {
  /** The model to excise from. It is not modified. */
  network: Network;
  /** (string, default `network.name`) — the model's name in the result, e.g. its file. */
  model?: string;
  /** Evaluation examples (usually the test split): the forget and retain sets are cut from them. */
  test: Dataset;
  /** Training examples (the train split): retain-only fine-tuning, the never-trained model, the relearning examples. */
  train: Dataset;
}

export interface ExciseRunOptions {
  /** What to forget: classes or a backdoor trigger (`parseForgetSpec` reads `class:3` / `trigger`). */
  forget: ForgetSpec;
  /** (`'weights' | 'coactivation' | file | partition`, default `'weights'`) — where the modules come from. */
  partition?: string | (UnitPartition & { source?: string });
  /** (number, default 12) — clusters of a computed partition. */
  k?: number;
  /** (number, default none) — most units module pruning may remove. */
  budget?: number;
  /** (number, default the never-trained forget metric, or 0.1) — add modules until the forget metric is at most this. */
  forgetTarget?: number;
  /** (number, default 200) — retain fine-tuning steps after pruning; 0 measures the pruned networks only. */
  steps?: number;
  /** (number, default 20) — steps between points of the recovery curves. */
  evaluateEvery?: number;
  /** (`'held' | 'released'`, default `'held'`) — pruned weights kept at zero while fine-tuning, or free to regrow. */
  mask?: 'held' | 'released';
  /** (default all five) — which of module, random, magnitude, selective, none to run. */
  methods?: readonly ExciseMethod[];
  /** (number, default 1; 0 skips) — epochs of the never-trained model (same architecture, retain data only). */
  neverTrainedEpochs?: number;
  /** (number[], default [10, 100]; [] skips) — forget examples of each relearning attack. */
  relearn?: readonly number[];
  /** (number, default 50) — fine-tuning steps of each relearning attack. */
  relearnSteps?: number;
  /**
   * (number, default 0) — retain examples mixed into each relearning attack per forget example. With 0 the
   * attack's data has one label only (a class, or the trigger's target), which a network fits by predicting
   * it everywhere; mixing in retain data rules that out.
   */
  relearnMix?: number;
  /** (number, default 0) — seed of the partition, the random baseline, shuffling and initialization. */
  seed?: number;
  /** (number, default 64) and (number, default 0.001) — fine-tuning batch size and Adam learning rate. */
  batchSize?: number;
  learningRate?: number;
  /** (function, default an ONNX evaluator of the network) — how every network (pruned, fine-tuned) is evaluated. */
  createEvaluator?: (network: Network) => Promise<Evaluator>;
  /** (function) — called as each stage starts. */
  onStage?: (stage: string) => void;
  /** (function) — training steps done in the current stage. */
  onProgress?: (done: number, total: number) => void;
}

export interface ExciseJsonMethod {
  name: string;
  method: ExciseMethod;
  baseline: boolean;
  units: number;
  selection: { layer: string; units: number[] }[];
  forget: number;
  retain: number;
  curve: CurvePoint[];
  stats: RecoveryStats;
  weightDistance: number;
}

/** What `modscope excise --json` writes (kind `modscope/excise`, version 1). */
export interface ExciseJson {
  kind: typeof EXCISE_RESULT_KIND;
  version: typeof EXCISE_RESULT_VERSION;
  model: string;
  dataset: string;
  /** The capability, and the retain set, in words. */
  forget: string;
  forgetMetric: string;
  retain: string;
  retainMetric: string;
  examples: { forget: number; retain: number; retainTraining: number; forgetTraining: number };
  partition: { source: string; k: number };
  mask: 'held' | 'released';
  steps: number;
  evaluateEvery: number;
  seed: number;
  intact: { forget: number; retain: number };
  /** Every scored sub-cluster, best first; `chosen` are the ones module pruning removed. */
  modules: { layer: string; cluster: number; size: number; forget: number; retain: number; score: number }[];
  chosen: { layer: string; cluster: number; size: number; score: number }[];
  methods: ExciseJsonMethod[];
  /** The never-trained model (trained from scratch on retain data only): where a removed capability should sit. */
  floor: { forget: number; retain: number; epochs: number } | null;
  relearning: {
    model: 'module' | 'never-trained';
    examples: number;
    retainExamples: number;
    steps: number;
    curve: CurvePoint[];
    stats: RecoveryStats;
  }[];
  /** Seconds per stage. */
  timings: Record<string, number>;
}

/** Hidden units of a network: the most any method can prune. */
export function hiddenUnits(network: Network): number {
  return unitLayers(network)
    .filter((u) => u.hidden)
    .reduce((a, u) => a + u.units, 0);
}

/** The capability's training-split counterparts: retain-only data, and forget examples for the relearning attack. */
export function trainingSets(train: Dataset, spec: ForgetSpec): { retain: Dataset; forget: Dataset } {
  if (spec.kind === 'class') {
    const capability = capabilityFor(train, spec);
    return { retain: capability.retain, forget: capability.forget };
  }
  // A backdoor's retain data is the clean training set; it is relearned from triggered inputs of the
  // other classes labelled with the target.
  const clean = capabilityFor(train, { kind: 'class', classes: [spec.target] }).retain;
  return { retain: train, forget: stampTrigger(clean, { ...spec.trigger, target: spec.target }) };
}

/**
 * `fineTune` of `@modscope/train` as the `FineTuner` of `@modscope/intervention-prune`: held masks become
 * kernel masks plus unit masks (a pruned unit's zero bias), the curve callback gets the current weights.
 */
export async function trainFineTuner(
  options: { batchSize?: number; learningRate?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<FineTuner> {
  const { fineTune } = await import('@modscope/train');
  return async (request) => {
    if (request.steps === 0) {
      await request.onEvaluate(request.network, 0);
      return cloneNetwork(request.network);
    }
    const masks: LayerMask[] | undefined = request.masks?.map((m) => ({
      layer: m.layer,
      kernel: m.kernel,
      ...(m.bias ? { units: m.bias } : {}),
    }));
    const tuneOptions: FineTuneOptions = {
      steps: request.steps,
      seed: request.seed,
      evaluateEvery: request.evaluateEvery,
      onEvaluate: (state) => request.onEvaluate(state.network(), state.step),
      ...(masks ? { masks } : {}),
      ...pick(options),
      ...(options.onProgress ? { onProgress: (p) => options.onProgress!(p.step, p.steps) } : {}),
    };
    return (await fineTune(request.network, request.data, tuneOptions)).network;
  };
}

/**
 * The never-trained model: the same architecture with fresh Glorot-uniform weights (zero biases,
 * identity batch norms), trained from scratch for `epochs` on retain data only.
 */
export async function trainNeverTrained(
  network: Network,
  retain: Dataset,
  options: { epochs: number; seed: number; batchSize?: number; learningRate?: number; onProgress?: (done: number, total: number) => void },
): Promise<Network> {
  const { glorotUniform, train } = await import('@modscope/train');
  const fresh = cloneNetwork(network);
  const random = createRandom(options.seed).fork(7);
  fresh.layers.forEach((layer, i) => {
    if (layer.kind === 'dense') {
      const [fanIn, fanOut] = layer.kernelShape;
      layer.kernel.set(glorotUniform(random.fork(i), layer.kernel.length, fanIn, fanOut));
      layer.bias?.fill(0);
    } else if (layer.kind === 'conv2d') {
      const [kh, kw, cin, cout] = layer.kernelShape;
      layer.kernel.set(glorotUniform(random.fork(i), layer.kernel.length, kh * kw * cin, kh * kw * cout));
      layer.bias?.fill(0);
    } else if (layer.kind === 'batchnorm') {
      layer.gamma.fill(1);
      layer.beta.fill(0);
      layer.mean.fill(0);
      layer.variance.fill(1);
    }
  });
  const data = { inputs: prepareInputs(retain, fresh), count: retain.count, labels: retain.labels, classes: retain.classes };
  const result = await train(fresh, data, {
    epochs: options.epochs,
    seed: options.seed,
    ...pick(options),
    ...(options.onProgress ? { onProgress: (p) => options.onProgress!(p.step, p.steps) } : {}),
  });
  return result.network;
}

async function partitionOf(
  network: Network,
  test: Dataset,
  options: ExciseRunOptions,
  createEvaluator: (n: Network) => Promise<Evaluator>,
): Promise<UnitPartition & { source: string }> {
  const source = options.partition ?? 'weights';
  if (typeof source !== 'string') return { ...source, source: source.source ?? 'given' };
  const { partitionFor } = await import('@modscope/lesion-study');
  const evaluator = await createEvaluator(network);
  try {
    const model = { network, format: 'network', createEvaluator: () => createEvaluator(network) };
    return await partitionFor(model, evaluator, prepareInputs(test, network), test.count, {
      partition: source,
      k: options.k ?? EXCISE_DEFAULTS.k,
      seed: options.seed ?? EXCISE_DEFAULTS.seed,
    });
  } finally {
    await evaluator.dispose();
  }
}

function checkRunOptions(network: Network, options: ExciseRunOptions): void {
  const total = hiddenUnits(network);
  if (options.budget !== undefined && (!Number.isInteger(options.budget) || options.budget < 1 || options.budget > total)) {
    throw new InvalidArgumentError({
      argument: '--budget',
      message: `a budget of ${options.budget} units does not fit '${network.name}', which has ${total} hidden units.`,
      hint: `Use a budget from 1 to ${total}.`,
    });
  }
  const methods = options.methods ?? EXCISE_METHODS;
  const unknown = methods.filter((m) => !EXCISE_METHODS.includes(m));
  if (unknown.length > 0 || methods.length === 0) {
    throw new InvalidArgumentError({
      argument: '--methods',
      message: `unknown method${unknown.length === 1 ? '' : 's'} '${unknown.join("', '")}'.`,
      hint: `Use some of: ${EXCISE_METHODS.join(', ')}.`,
    });
  }
  if (options.forgetTarget !== undefined && !(options.forgetTarget >= 0 && options.forgetTarget <= 1)) {
    throw new InvalidArgumentError({
      argument: '--forget-target',
      message: `the forget target ${options.forgetTarget} is not a fraction in [0, 1].`,
      hint: 'e.g. --forget-target 0.1.',
    });
  }
}

const seconds = (since: number) => Math.round(performance.now() - since) / 1000;

/**
 * The whole excise experiment (method §6) on one network: the capability's forget and retain sets from
 * `data.test`, a partition into modules, the never-trained model (unless `neverTrainedEpochs` is 0),
 * module pruning and its same-count baselines, retain-only fine-tuning with recovery curves, and the
 * relearning attack; returns the `modscope/excise` result that `--json` writes and the report reads.
 */
export async function runExcise(data: ExciseData, options: ExciseRunOptions): Promise<ExciseJson> {
  const { network, test, train } = data;
  checkRunOptions(network, options);
  const seed = options.seed ?? EXCISE_DEFAULTS.seed;
  const steps = options.steps ?? EXCISE_DEFAULTS.steps;
  const evaluateEvery = options.evaluateEvery ?? EXCISE_DEFAULTS.evaluateEvery;
  const mask = options.mask ?? EXCISE_DEFAULTS.mask;
  const methods = options.methods ?? EXCISE_METHODS;
  const epochs = options.neverTrainedEpochs ?? EXCISE_DEFAULTS.neverTrainedEpochs;
  const relearn = options.relearn ?? EXCISE_DEFAULTS.relearn;
  const relearnSteps = options.relearnSteps ?? EXCISE_DEFAULTS.relearnSteps;
  const relearnMix = options.relearnMix ?? EXCISE_DEFAULTS.relearnMix;
  const createEvaluator = options.createEvaluator ?? (async (n: Network) => (await import('@modscope/loader-onnx')).createOnnxEvaluator(n));
  const timings: Record<string, number> = {};

  // The capability comes first: a class or trigger that does not fit fails before any work.
  const capability: Capability = capabilityFor(test, options.forget);
  const training = trainingSets(train, options.forget);
  if (training.retain.count === 0)
    throw new InvalidArgumentError({
      argument: '--data',
      message: `the training split has no retain examples.`,
      hint: 'Use a dataset with examples outside the forget set.',
    });
  if (relearn.length > 0 && training.forget.count === 0) {
    throw new InvalidArgumentError({
      argument: '--train-limit',
      message: `the training split has no examples of the forget set (${capability.description}) for the relearning attack.`,
      hint: 'Use more training examples (a larger --train-limit), or skip the attack with --relearn none.',
    });
  }

  let started = performance.now();
  options.onStage?.('partition');
  const partition = await partitionOf(network, test, options, createEvaluator);
  timings.partition = seconds(started);

  let neverTrained: Network | undefined;
  if (epochs > 0) {
    started = performance.now();
    options.onStage?.(`never-trained model (${epochs} epoch${epochs === 1 ? '' : 's'})`);
    neverTrained = await trainNeverTrained(network, training.retain, {
      epochs,
      seed,
      ...pick(options),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    timings.neverTrained = seconds(started);
  }

  const fineTune = await trainFineTuner({ ...pick(options), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  started = performance.now();
  let stageStarted = started;
  let stage = '';
  const result = await excise(network, capability, {
    partition,
    retainTraining: training.retain,
    forgetTraining: training.forget,
    fineTune,
    createEvaluator,
    steps,
    evaluateEvery,
    mask,
    methods,
    seed,
    ...(options.budget !== undefined ? { budget: options.budget } : {}),
    ...(options.forgetTarget !== undefined ? { forgetTarget: options.forgetTarget } : {}),
    ...(neverTrained ? { neverTrained } : {}),
    ...(relearn.length > 0 ? { relearn: { examples: relearn, steps: relearnSteps, retainPerExample: relearnMix } } : {}),
    onStage: (next) => {
      if (stage) timings[stage] = seconds(stageStarted);
      stage = next;
      stageStarted = performance.now();
      options.onStage?.(next);
    },
  });
  if (stage) timings[stage] = seconds(stageStarted);
  timings.excise = seconds(started);

  const retainWords =
    options.forget.kind === 'class'
      ? `the other ${test.classes - options.forget.classes.length} classes`
      : `clean inputs of all ${test.classes} classes`;
  return {
    kind: EXCISE_RESULT_KIND,
    version: EXCISE_RESULT_VERSION,
    model: data.model ?? network.name,
    dataset: test.name,
    forget: result.capability,
    forgetMetric: result.forgetMetric,
    retain: retainWords,
    retainMetric: 'accuracy on the retain set',
    examples: {
      forget: capability.forget.count,
      retain: capability.retain.count,
      retainTraining: training.retain.count,
      forgetTraining: training.forget.count,
    },
    partition: { source: partition.source, k: partition.k },
    mask,
    steps,
    evaluateEvery,
    seed,
    intact: result.intact,
    modules: result.modules.map((m) => ({
      layer: m.layer,
      cluster: m.cluster,
      size: m.units.length,
      forget: m.forget,
      retain: m.retain,
      score: m.score,
    })),
    chosen: result.chosen,
    methods: result.methods.map((m) => ({
      name: METHOD_NAMES[m.method],
      method: m.method,
      baseline: m.method !== 'module',
      units: m.units,
      selection: m.selection,
      forget: m.forget,
      retain: m.retain,
      curve: m.curve,
      stats: m.stats,
      weightDistance: m.weightDistance,
    })),
    floor: result.neverTrained ? { ...result.neverTrained, epochs } : null,
    relearning: result.relearning.map((r) => ({
      model: r.model,
      examples: r.examples,
      retainExamples: r.retainExamples,
      steps: relearnSteps,
      curve: r.curve,
      stats: recoveryStats(r.curve, result.intact.forget),
    })),
    timings,
  };
}

/** The fine-tuning options that were given (an explicit value is never dropped for being falsy). */
function pick(options: { batchSize?: number; learningRate?: number }): { batchSize?: number; learningRate?: number } {
  return {
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    ...(options.learningRate !== undefined ? { learningRate: options.learningRate } : {}),
  };
}
