import {
  InvalidArgumentError,
  labelledExamples,
  type Dataset,
  type Evaluator,
  type Network,
  type UnitPartition,
  type UnitSelection,
} from '@modscope/core';
import type { Capability } from './capability.js';
import { figuresOf, metricsOf, type CapabilityFigures } from './figures.js';
import type { FineTuner } from './fine-tuner.js';
import { pruneUnits, releasePruned, weightDistance } from './prune-units.js';
import { recoveryStats, type CurvePoint, type RecoveryStats } from './recovery.js';
import { relearningAttack, type RelearnRun } from './relearn.js';
import {
  capabilityInputs,
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

export type ExciseMethod = 'module' | 'random' | 'magnitude' | 'selective' | 'none';

const ALL_METHODS: readonly ExciseMethod[] = ['module', 'random', 'magnitude', 'selective', 'none'];

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
   * Relearning attack (method §6.7, `relearningAttack`): examples of the forget set to fine-tune on, e.g.
   * [10, 100], for a fixed number of steps (default 50), measured on the held-out forget set. It starts from
   * the network of each method in `from` (default every method run) after its retain fine-tuning, and from
   * the never-trained one. `retainPerExample` (default 9) mixes that many retain examples per forget example
   * into the attack's data, so batches are about 10% forget; 0 fine-tunes on forget examples alone, which a
   * network fits by predicting the forget label everywhere.
   */
  relearn?: { examples: readonly number[]; steps?: number; retainPerExample?: number; from?: readonly ExciseMethod[] };
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

/** A relearning attack (`RelearnRun`) and the network it started from: a method's, after its retain fine-tuning, or the floor. */
export interface RelearnResult extends RelearnRun {
  model: ExciseMethod | 'never-trained';
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

/**
 * The module-pruning experiment (method §6): scores modules for the capability, prunes the best until the
 * forget target or the budget, then fine-tunes on retain data only and records forget and retain metrics
 * along the way; the same for each baseline at the same number of pruned units; and, optionally, the
 * relearning attack (`relearningAttack`) from each method's fine-tuned network and from the never-trained model.
 */
export async function excise(network: Network, capability: Capability, options: ExciseOptions): Promise<ExciseResult> {
  const mask = options.mask ?? 'held';
  const steps = options.steps ?? 200;
  const every = options.evaluateEvery ?? 20;
  const seed = options.seed ?? 0;
  const methods = options.methods ?? ALL_METHODS;
  const relearnFrom = options.relearn?.from ?? methods;
  const notRun = relearnFrom.filter((m) => !methods.includes(m));
  if (notRun.length > 0) {
    throw new InvalidArgumentError({
      argument: 'relearn',
      message: `${pkg}: the relearning attack cannot start from ${notRun.join(', ')}: ${notRun.length === 1 ? 'that method is' : 'those methods are'} not run.`,
      hint: `Attack from some of the methods run: ${methods.join(', ')}.`,
    });
  }
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
  // each method's network after its retain fine-tuning, where the relearning attack starts from it
  const tunedNetworks = new Map<ExciseMethod, Network>();
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
    if (options.relearn && relearnFrom.includes(method)) tunedNetworks.set(method, tuned);
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
    // Each attack starts from what a method delivers (pruned, then fine-tuned on retain data), and from the floor.
    const starts: [RelearnResult['model'], Network][] = [...tunedNetworks];
    if (options.neverTrained) starts.push(['never-trained', options.neverTrained]);
    for (const examples of options.relearn.examples) {
      for (const [model, start] of starts) {
        options.onStage?.(`relearning attack: ${model}, ${Math.min(examples, options.forgetTraining.count)} examples`);
        const run = await relearningAttack(start, capability, {
          forgetTraining: options.forgetTraining,
          retainTraining: options.retainTraining,
          examples,
          ...(options.relearn.steps !== undefined ? { steps: options.relearn.steps } : {}),
          ...(options.relearn.retainPerExample !== undefined ? { retainPerExample: options.relearn.retainPerExample } : {}),
          fineTune: options.fineTune,
          createEvaluator: options.createEvaluator,
          seed,
          data,
        });
        relearning.push({ model, ...run });
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
