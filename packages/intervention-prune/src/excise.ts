import {
  createRandom,
  InvalidArgumentError,
  labelledExamples,
  takeExamples,
  type Dataset,
  type LabelledExamples,
  type Random,
  type Evaluator,
  type Network,
  type UnitPartition,
  type UnitSelection,
} from '@modscope/core';
import type { Capability } from './capability.js';
import { pruneUnits, releasePruned, weightDistance, type WeightMask } from './prune-units.js';
import { recoveryStats, retainCollapse, type CurvePoint, type RecoveryStats } from './recovery.js';
import {
  capabilityCount,
  capabilityInputs,
  capabilityMetrics,
  chooseModules,
  countsPerLayer,
  lowestMagnitudeUnits,
  randomUnits,
  scoreModules,
  selectivePruningScores,
  topUnits,
  type CapabilityInputs,
  type ModuleScore,
} from './score-units.js';

const pkg = '@modscope/intervention-prune';

export interface FineTuneRequest {
  network: Network;
  /** The retain (or, for the relearning attack, forget) examples in the network's input layout. */
  data: LabelledExamples;
  steps: number;
  /** Weights to hold at zero throughout (the mask kept); absent: pruned weights may regrow. */
  masks?: readonly WeightMask[];
  /** Called with the current weights every `evaluateEvery` steps (and at the end). */
  evaluateEvery: number;
  onEvaluate: (network: Network, step: number) => Promise<void>;
  seed: number;
}

/** Fine-tunes a copy of a network and returns it; `trainFineTuner` of `@modscope/excision` makes one from `@modscope/train`. */
export type FineTuner = (request: FineTuneRequest) => Promise<Network>;

export type ExciseMethod = 'module' | 'random' | 'magnitude' | 'selective' | 'none';

export interface ExciseOptions {
  partition: UnitPartition;
  /** Retain-only data to fine-tune on ("the trusted corpus"). */
  retainTraining: Dataset;
  /** Forget-set training examples for the relearning attack (inputs already carrying the trigger, labelled with the target, for a backdoor). */
  forgetTraining?: Dataset;
  fineTune: FineTuner;
  createEvaluator: (network: Network) => Promise<Evaluator>;
  /** Unit budget for module pruning; without it, modules are added until `forgetTarget`. */
  budget?: number;
  /** Stop adding modules once the forget metric is at most this (default: the never-trained floor, or 0.1). */
  forgetTarget?: number;
  /** Retain fine-tuning steps (default 200) and how often to record the curve (default 20). */
  steps?: number;
  evaluateEvery?: number;
  mask?: 'held' | 'released';
  methods?: readonly ExciseMethod[];
  /** A network trained from scratch on retain data only: the floor a removed capability should sit at. */
  neverTrained?: Network;
  /**
   * Relearning attack (method §6.7): examples of the forget set to fine-tune on, e.g. [10, 100], for a
   * fixed number of steps (default 50), from the module-pruned network after its retain fine-tuning and
   * from the never-trained one, measured on the held-out forget set. `retainPerExample` (default 9) mixes
   * that many retain examples per forget example into the attack's data, so batches are about 10% forget;
   * 0 fine-tunes on forget examples alone, which a network fits by predicting the forget label everywhere.
   */
  relearn?: { examples: readonly number[]; steps?: number; retainPerExample?: number };
  seed?: number;
  onStage?: (stage: string) => void;
}

export interface MethodResult {
  method: ExciseMethod;
  units: number;
  selection: { layer: string; units: number[] }[];
  /** Metrics right after pruning, before fine-tuning. */
  forget: number;
  retain: number;
  curve: CurvePoint[];
  stats: RecoveryStats;
  /** L2 distance of the fine-tuned weights from the original network's. */
  weightDistance: number;
}

export interface RelearnResult {
  model: 'module' | 'never-trained';
  /** Forget examples fine-tuned on, and the retain examples mixed in with them. */
  examples: number;
  retainExamples: number;
  curve: CurvePoint[];
  /** Retain metric at the start of the attack minus at its end. */
  retainDrop: number;
  /** The retain metric fell by more than 10 points: collapse, not relearning (method §6.7). */
  degenerate: boolean;
}

/** Retain examples mixed into the relearning attack per forget example by default: batches about 10% forget. */
export const RELEARN_RETAIN_PER_EXAMPLE = 9;

/**
 * `count` examples of a dataset drawn at random (all of it when it has fewer): the first `count` of one
 * seeded permutation, so the draws for 10 and 100 examples are nested and a dataset sorted by class still
 * gives a mixed sample.
 */
function sample(dataset: Dataset, count: number, random: Random): Dataset {
  if (dataset.count <= count) return dataset;
  return takeExamples(dataset, random.shuffle(Int32Array.from({ length: dataset.count }, (_, i) => i)).subarray(0, count));
}

/** Two datasets of the same input shape as one. */
function concat(a: Dataset, b: Dataset): Dataset {
  if (b.count === 0) return a;
  const inputs = new Float32Array(a.inputs.length + b.inputs.length);
  inputs.set(a.inputs);
  inputs.set(b.inputs, a.inputs.length);
  const labels = new Int32Array(a.count + b.count);
  labels.set(a.labels);
  labels.set(b.labels, a.count);
  return { ...a, count: a.count + b.count, inputs, labels };
}

/** Forget and retain metrics of one network; for a trigger, also the raw rates behind the forget metric. */
export interface CapabilityFigures {
  forget: number;
  retain: number;
  /** A trigger's raw rates: triggered inputs, and the same inputs without the trigger, predicted as the target. */
  attack?: { triggered: number; clean: number };
}

export interface ExciseResult {
  capability: string;
  forgetMetric: string;
  intact: CapabilityFigures;
  modules: ModuleScore[];
  chosen: { layer: string; cluster: number; size: number; score: number }[];
  mask: 'held' | 'released';
  methods: MethodResult[];
  neverTrained: CapabilityFigures | null;
  relearning: RelearnResult[];
}

async function metricsOf(
  createEvaluator: ExciseOptions['createEvaluator'],
  network: Network,
  capability: Capability,
  data: CapabilityInputs,
): Promise<{ forget: number; retain: number }> {
  const { attack: _raw, ...metrics } = await figuresOf(createEvaluator, network, capability, data);
  return metrics;
}

async function figuresOf(
  createEvaluator: ExciseOptions['createEvaluator'],
  network: Network,
  capability: Capability,
  data: CapabilityInputs,
): Promise<CapabilityFigures> {
  const evaluator = await createEvaluator(network);
  try {
    // The capability's inputs are laid out once, for the original network; its copies share the layout.
    const { logits, outputs } = await evaluator.run({ inputs: data.inputs, count: capabilityCount(data) });
    const metrics = capabilityMetrics(capability, data, logits, outputs);
    const forgetLogits = logits.subarray(0, (data.forgetCount + data.controlCount) * outputs);
    return capability.attackRates ? { ...metrics, attack: capability.attackRates(forgetLogits, outputs) } : metrics;
  } finally {
    await evaluator.dispose();
  }
}

/**
 * The module-pruning experiment (method §6): scores modules for the capability, prunes the best until the
 * forget target or the budget, then fine-tunes on retain data only and records forget and retain metrics
 * along the way; the same for each baseline at the same number of pruned units; and, optionally, a
 * relearning attack against the never-trained model.
 */
export async function excise(network: Network, capability: Capability, options: ExciseOptions): Promise<ExciseResult> {
  const mask = options.mask ?? 'held';
  const steps = options.steps ?? 200;
  const every = options.evaluateEvery ?? 20;
  const seed = options.seed ?? 0;
  const methods = options.methods ?? ['module', 'random', 'magnitude', 'selective', 'none'];
  if (!Number.isInteger(steps) || steps < 0 || !Number.isInteger(every) || every < 1) {
    throw new InvalidArgumentError({
      argument: 'steps',
      message: `${pkg}: fine-tuning needs whole steps ≥ 0 and an evaluation interval ≥ 1.`,
      hint: 'e.g. steps 200, evaluateEvery 20.',
    });
  }
  const evaluator = await options.createEvaluator(network);
  let data: CapabilityInputs;
  let scored: { intact: CapabilityFigures; modules: ModuleScore[] };
  let choice: Awaited<ReturnType<typeof chooseModules>>;
  let selective: { layer: string; scores: Float64Array }[] = [];
  let neverTrained: CapabilityFigures | null = null;
  try {
    data = capabilityInputs(evaluator, capability);
    options.onStage?.('scoring modules');
    scored = await scoreModules(evaluator, capability, options.partition, { data });
    if (capability.attackRates) scored.intact = await figuresOf(options.createEvaluator, network, capability, data);
    if (options.neverTrained) neverTrained = await figuresOf(options.createEvaluator, options.neverTrained, capability, data);
    const forgetTarget = options.forgetTarget ?? (neverTrained ? neverTrained.forget : 0.1);
    choice = await chooseModules(evaluator, capability, scored.modules, {
      data,
      forgetTarget,
      ...(options.budget !== undefined ? { budget: options.budget } : {}),
    });
    if (choice.chosen.length === 0) {
      throw new InvalidArgumentError({
        argument: 'partition',
        message: `${pkg}: no module lowers ${capability.forgetMetricName} more than the retain accuracy${options.budget !== undefined ? ` within a budget of ${options.budget} units` : ''}.`,
        hint: 'Try more clusters (--k), a larger --budget, or a partition from coactivations.',
      });
    }
    if (methods.includes('selective')) {
      options.onStage?.('selective-pruning scores');
      selective = await selectivePruningScores(evaluator, capability);
    }
  } finally {
    await evaluator.dispose();
  }
  const counts = countsPerLayer(choice.selection);
  const selections: Record<ExciseMethod, UnitSelection[]> = {
    module: choice.selection,
    random: randomUnits(network, counts, seed),
    magnitude: lowestMagnitudeUnits(network, counts),
    selective: selective.length ? topUnits(selective, counts) : [],
    none: [],
  };
  const retainTraining = labelledExamples(options.retainTraining, network);
  const results: MethodResult[] = [];
  let tunedModule: Network | null = null;
  for (const method of methods) {
    options.onStage?.(`fine-tuning: ${method}`);
    const pruned = pruneUnits(network, selections[method]);
    const curve: CurvePoint[] = [];
    // released: the pruned weights start again from a small initialization and train freely (method §6.6)
    const tuned = await options.fineTune({
      network: mask === 'held' ? pruned.network : releasePruned(pruned, seed),
      data: retainTraining,
      steps,
      ...(mask === 'held' ? { masks: pruned.masks } : {}),
      evaluateEvery: every,
      onEvaluate: async (current, step) => {
        curve.push({ step, ...(await metricsOf(options.createEvaluator, current, capability, data)) });
      },
      seed,
    });
    if (method === 'module') tunedModule = tuned;
    if (curve[0]?.step !== 0) curve.unshift({ step: 0, ...(await metricsOf(options.createEvaluator, pruned.network, capability, data)) });
    results.push({
      method,
      units: pruned.units,
      selection: selections[method].map((s) => ({ layer: s.layer, units: Array.from(s.units) })),
      forget: curve[0]!.forget,
      retain: curve[0]!.retain,
      curve,
      stats: recoveryStats(curve, scored.intact.forget),
      weightDistance: weightDistance(network, tuned),
    });
  }
  const relearning: RelearnResult[] = [];
  if (options.relearn && options.forgetTraining) {
    // The attack starts from what module pruning delivers: pruned, then fine-tuned on retain data.
    const starts: [RelearnResult['model'], Network][] = [['module', tunedModule ?? pruneUnits(network, selections.module).network]];
    if (options.neverTrained) starts.push(['never-trained', options.neverTrained]);
    for (const examples of options.relearn.examples) {
      const few = sample(options.forgetTraining, examples, createRandom(seed).fork(1));
      const mixed = sample(
        options.retainTraining,
        few.count * (options.relearn.retainPerExample ?? RELEARN_RETAIN_PER_EXAMPLE),
        createRandom(seed).fork(2),
      );
      const attack = labelledExamples(concat(few, mixed), network);
      for (const [model, start] of starts) {
        options.onStage?.(`relearning attack: ${model}, ${few.count} examples`);
        const curve: CurvePoint[] = [];
        await options.fineTune({
          network: start,
          data: attack,
          steps: options.relearn.steps ?? 50,
          evaluateEvery: Math.max(1, Math.floor((options.relearn.steps ?? 50) / 10)),
          onEvaluate: async (current, step) => {
            curve.push({ step, ...(await metricsOf(options.createEvaluator, current, capability, data)) });
          },
          seed,
        });
        relearning.push({ model, examples: few.count, retainExamples: mixed.count, curve, ...retainCollapse(curve) });
      }
    }
  }
  return {
    capability: capability.description,
    forgetMetric: capability.forgetMetricName,
    intact: scored.intact,
    modules: scored.modules,
    chosen: choice.chosen.map((m) => ({ layer: m.layer, cluster: m.cluster, size: m.units.length, score: m.score })),
    mask,
    methods: results,
    neverTrained,
    relearning,
  };
}
