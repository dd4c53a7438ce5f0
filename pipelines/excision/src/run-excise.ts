import { type Dataset, type Evaluator, InvalidArgumentError, type Network, prepareInputs, type UnitPartition } from '@modscope/core';
import {
  type Capability,
  capabilityFor,
  type ExciseMethod,
  excise,
  type ForgetSpec,
  RELEARN_RETAIN_PER_EXAMPLE,
  recoveryStats,
} from '@modscope/intervention-prune';
import type { PartitionSourceOptions } from '@modscope/lesion-study';
import type { ExciseResultFile } from '@modscope/results';
import { EXCISE_RESULT_KIND, EXCISE_RESULT_VERSION } from '@modscope/results/format';
import { EXCISE_METHODS, METHOD_NAMES } from './excise-methods.js';
import { hiddenUnits } from './hidden-units.js';
import { trainFineTuner } from './train-fine-tuner.js';
import { FLOOR_MAX_EPOCHS, FLOOR_TOLERANCE, type FloorRecipe, type FloorTraining, floorOf, floorWords, trainFloor } from './floor.js';
import { trainingSets } from './training-sets.js';

/** The defaults of `runExcise`. */
export const EXCISE_DEFAULTS = Object.freeze({
  k: 12,
  steps: 200,
  evaluateEvery: 20,
  mask: 'held' as const,
  /** Most epochs of a never-trained floor trained until its retain accuracy matches the intact model's. */
  floorMaxEpochs: FLOOR_MAX_EPOCHS,
  /** A floor's retain accuracy may sit this far below the intact model's and still be a floor (method §6.5). */
  floorTolerance: FLOOR_TOLERANCE,
  relearn: [10, 100] as readonly number[],
  relearnSteps: 50,
  relearnMix: RELEARN_RETAIN_PER_EXAMPLE,
  /** The relearning attack starts from every method run (and the floor): about 0.7 s an attack on a small MLP. */
  relearnFrom: 'all' as const,
  seed: 0,
});

/** The network and the data of one excise run. */
export interface ExciseData {
  /** (`Network`) — the model to excise from. It is not modified. */
  network: Network;
  /** (string, default `network.name`) — the model's name in the result, e.g. its file. */
  model?: string;
  /** (`Dataset`) — evaluation examples (usually the test split): the forget and retain sets are cut from them. */
  test: Dataset;
  /** (`Dataset`) — training examples (the train split): retain-only fine-tuning, the never-trained model, the relearning examples. */
  train: Dataset;
}

export interface ExciseRunOptions {
  /** (`ForgetSpec`) — what to forget: classes or a backdoor trigger (`parseForgetSpec` reads `class:3` / `trigger`). */
  forget: ForgetSpec;
  /** (`'weights' | 'coactivation' | 'coactivation-local' | file | partition`, default `'weights'`) — where the modules come from. */
  partition?: string | (UnitPartition & { source?: string });
  /** (`Partitioner` or `PartitionerSpec`, default the spectral partitioner) — what clusters the weight graph for `partition: 'weights'`. */
  partitioner?: PartitionSourceOptions['partitioner'];
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
  /** (`'held' | 'released'`, default `'held'`) — pruned weights kept at zero while fine-tuning, or released: re-initialized (Glorot uniform × 0.1) and trained freely. */
  mask?: 'held' | 'released';
  /** (`ExciseMethod[]`, default all five) — which of module, random, magnitude, selective, none to run. */
  methods?: readonly ExciseMethod[];
  /**
   * (number; 0 skips) — epochs of the never-trained model (same architecture, retain data only). Default:
   * `floorRecipe`'s epochs when given, else trained until its retain accuracy is within 1 point of the intact
   * model's (at most `EXCISE_DEFAULTS.floorMaxEpochs` epochs), as method §6.5 asks.
   */
  neverTrainedEpochs?: number;
  /** (`FloorRecipe`) — how the model itself was trained (from its `train.json`: `floorRecipeOf`), for the floor to repeat. */
  floorRecipe?: FloorRecipe;
  /** (number[], default [10, 100]; [] skips) — forget examples of each relearning attack. */
  relearn?: readonly number[];
  /**
   * (`'all'` or `ExciseMethod[]`, default `'all'`) — the methods whose network (after its retain fine-tuning) the
   * relearning attack starts from: every method run, or some of them (e.g. `['module']`). The never-trained
   * floor is always attacked too. Each run is recorded with its start in `relearning[].model`.
   */
  relearnFrom?: 'all' | readonly ExciseMethod[];
  /** (number, default 50) — fine-tuning steps of each relearning attack. */
  relearnSteps?: number;
  /**
   * (number, default 9: batches about 10% forget, method §6.7) — retain examples mixed into each relearning
   * attack per forget example. With 0 the attack's data has one label only (a class, or the trigger's
   * target), which a network fits by predicting it everywhere: a degenerate attack, offered only on request.
   */
  relearnMix?: number;
  /** (number, default 0) — seed of the partition, the random baseline, shuffling and initialization. */
  seed?: number;
  /** (number, default 64) — fine-tuning batch size. */
  batchSize?: number;
  /** (number, default 0.001) — Adam learning rate of all fine-tuning and of the never-trained model. */
  learningRate?: number;
  /** (function, default an ONNX evaluator of the network) — how every network (pruned, fine-tuned) is evaluated. */
  createEvaluator?: (network: Network) => Promise<Evaluator>;
  /** (function) — called as each stage starts, with its name (`partition`, `fine-tuning: random`, …). */
  onStage?: (stage: string) => void;
  /** (function) — training steps done in the current stage. */
  onProgress?: (done: number, total: number) => void;
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
      ...(options.partitioner ? { partitioner: options.partitioner } : {}),
    });
  } finally {
    await evaluator.dispose();
  }
}

// Hints name the `modscope excise` flag of each option (`budget` is `--budget`): most runs come from there.
function checkRunOptions(network: Network, options: ExciseRunOptions): void {
  const total = hiddenUnits(network);
  if (options.budget !== undefined && (!Number.isInteger(options.budget) || options.budget < 1 || options.budget > total)) {
    throw new InvalidArgumentError({
      argument: 'budget',
      message: `a budget of ${options.budget} units does not fit '${network.name}', which has ${total} hidden units.`,
      hint: `Use a budget from 1 to ${total}.`,
    });
  }
  const methods = options.methods ?? EXCISE_METHODS;
  const unknown = methods.filter((m) => !EXCISE_METHODS.includes(m));
  if (unknown.length > 0 || methods.length === 0) {
    throw new InvalidArgumentError({
      argument: 'methods',
      message: `unknown method${unknown.length === 1 ? '' : 's'} '${unknown.join("', '")}'.`,
      hint: `Use some of: ${EXCISE_METHODS.join(', ')}.`,
    });
  }
  const from = options.relearnFrom ?? EXCISE_DEFAULTS.relearnFrom;
  const notRun = from === 'all' ? [] : from.filter((m) => !methods.includes(m));
  if (notRun.length > 0 || (from !== 'all' && from.length === 0)) {
    throw new InvalidArgumentError({
      argument: 'relearnFrom',
      message:
        notRun.length > 0
          ? `the relearning attack cannot start from ${notRun.join(', ')}, which --methods does not run.`
          : 'the relearning attack starts from no method.',
      hint: `Use all, or some of the methods run: ${methods.join(', ')}.`,
    });
  }
  if (options.forgetTarget !== undefined && !(options.forgetTarget >= 0 && options.forgetTarget <= 1)) {
    throw new InvalidArgumentError({
      argument: 'forgetTarget',
      message: `the forget target ${options.forgetTarget} is not a fraction in [0, 1].`,
      hint: 'e.g. --forget-target 0.1.',
    });
  }
}

const seconds = (since: number) => Math.round(performance.now() - since) / 1000;

/** The fine-tuning settings that were given (an explicit value is never dropped for being falsy). */
function settingsOf(options: ExciseRunOptions) {
  return {
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    ...(options.learningRate !== undefined ? { learningRate: options.learningRate } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
}

/**
 * The whole excise experiment (method §6) on one network: the capability's forget and retain sets from
 * `data.test`, a partition into modules, the never-trained model (unless `neverTrainedEpochs` is 0),
 * module pruning and its same-count baselines, retain-only fine-tuning with recovery curves, and the
 * relearning attack (`relearningAttack` of `@modscope/intervention-prune`) from each method's fine-tuned
 * network (`relearnFrom`) and from the floor; returns the `modscope/excise` result (`ExciseResultFile` of `@modscope/results`, every
 * field written) that `modscope excise --json` writes and the report reads.
 */
export async function runExcise(data: ExciseData, options: ExciseRunOptions) {
  const { network, test, train } = data;
  checkRunOptions(network, options);
  const seed = options.seed ?? EXCISE_DEFAULTS.seed;
  const steps = options.steps ?? EXCISE_DEFAULTS.steps;
  const evaluateEvery = options.evaluateEvery ?? EXCISE_DEFAULTS.evaluateEvery;
  const mask = options.mask ?? EXCISE_DEFAULTS.mask;
  const methods = options.methods ?? EXCISE_METHODS;
  const epochs = options.neverTrainedEpochs ?? options.floorRecipe?.epochs;
  const relearn = options.relearn ?? EXCISE_DEFAULTS.relearn;
  const relearnSteps = options.relearnSteps ?? EXCISE_DEFAULTS.relearnSteps;
  const relearnMix = options.relearnMix ?? EXCISE_DEFAULTS.relearnMix;
  const relearnFrom = options.relearnFrom ?? EXCISE_DEFAULTS.relearnFrom;
  const createEvaluator = options.createEvaluator ?? (async (n: Network) => (await import('@modscope/loader-onnx')).createOnnxEvaluator(n));
  const timings: Record<string, number> = {};

  // The capability comes first: a class or trigger that does not fit fails before any work.
  const capability: Capability = capabilityFor(test, options.forget);
  const training = trainingSets(train, options.forget);
  if (training.retain.count === 0)
    throw new InvalidArgumentError({
      argument: 'train',
      message: 'the training split has no retain examples.',
      hint: 'Use a dataset with examples outside the forget set.',
    });
  if (relearn.length > 0 && training.forget.count === 0) {
    throw new InvalidArgumentError({
      argument: 'train',
      message: `the training split has no examples of the forget set (${capability.description}) for the relearning attack.`,
      hint: 'Use more training examples (a larger --train-limit), or skip the attack with --relearn none.',
    });
  }

  let started = performance.now();
  options.onStage?.('partition');
  const partition = await partitionOf(network, test, options, createEvaluator);
  timings.partition = seconds(started);

  let neverTrained: Network | undefined;
  let floorTraining: FloorTraining | undefined;
  if (epochs !== 0) {
    started = performance.now();
    options.onStage?.(`never-trained model (${floorWords(epochs, options.floorRecipe)})`);
    const floor = await trainFloor(network, training.retain, capability, options, { epochs, seed, createEvaluator });
    neverTrained = floor.network;
    floorTraining = floor.training;
    timings.neverTrained = seconds(started);
  }

  const fineTune = await trainFineTuner(settingsOf(options));
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
    ...(relearn.length > 0
      ? {
          relearn: {
            examples: relearn,
            steps: relearnSteps,
            retainPerExample: relearnMix,
            from: relearnFrom === 'all' ? methods : relearnFrom,
          },
        }
      : {}),
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
    floor: result.neverTrained && floorTraining ? floorOf(result.neverTrained, result.intact.retain, floorTraining) : null,
    relearning: result.relearning.map((r) => ({
      model: r.model,
      examples: r.examples,
      retainExamples: r.retainExamples,
      steps: relearnSteps,
      curve: r.curve,
      stats: recoveryStats(r.curve, result.intact.forget),
      retainDrop: r.retainDrop,
      degenerate: r.degenerate,
    })),
    timings,
  } satisfies ExciseResultFile;
}

/** What `runExcise` returns: a `modscope/excise` result with every field written, numbers not yet made JSON (NaN stays NaN). */
export type ExciseRunResult = Awaited<ReturnType<typeof runExcise>>;
