import { createRandom, InvalidArgumentError, transformerView, type Network, type UnitPartition } from '@modscope/core';
import type { CurvePoint } from '@modscope/intervention-prune';
import type { CorpusDomain, Tokenizer } from '@modscope/text';
import { selectBackend } from '@modscope/tfjs-runtime';
import { fineTuneLanguageModel, pruneLanguageModel, type TokenSequences } from '@modscope/train';
import { trainNeverTrained, type TextFloorRecipe } from './never-trained.js';
import {
  chooseTextModules,
  countsOf,
  lowestMagnitudeTextUnits,
  masksOf,
  randomTextUnits,
  scoreTextModules,
  selectiveTextUnits,
  silenceOf,
  type TextUnitSelection,
} from './select-units.js';
import { buildTextCapability, type TextCapability, type TextForgetSpec } from './text-capability.js';
import {
  attackSuccess,
  sampleContinuations,
  spread,
  textFigures,
  textRecoveryStats,
  weightDistance,
  type TextFigures,
} from './text-metrics.js';
import { draw, relearningSet } from './relearning-set.js';
import { createTextSession, sequenceLoss } from './text-session.js';

export type TextExciseMethod = 'module' | 'random' | 'magnitude' | 'selective' | 'none';

const METHODS: readonly TextExciseMethod[] = ['module', 'random', 'magnitude', 'selective', 'none'];
const METHOD_NAMES: Record<TextExciseMethod, string> = {
  module: 'module pruning',
  random: 'random units',
  magnitude: 'lowest magnitude (live units)',
  selective: 'selective pruning (Pochinkov & Schoots)',
  none: 'no pruning (fine-tune only)',
};

/** The defaults of `runExciseText`. */
export const TEXT_EXCISE_DEFAULTS = Object.freeze({
  k: 12,
  steps: 100,
  evaluateEvery: 20,
  batchSize: 16,
  learningRate: 0.001,
  /** Most units module pruning may remove: this share of the partition's neurons and heads. */
  budgetShare: 0.25,
  relearn: [10, 100] as readonly number[],
  relearnSteps: 50,
  /** Retain windows in the relearning attack per forget window (repeats included): batches about 10% forget (method §6.7). */
  relearnMix: 9,
  /** Held-out sequences scored per set (forget, retain) for the curves. */
  evaluationWindows: 128,
  /** A relearning attack whose retain loss rose by more than this share of the intact model's is degenerate. */
  degenerateRise: 0.1,
  seed: 0,
});

export interface ExciseTextOptions {
  /** The corpus: as training read it (for a trigger, the poisoned corpus `modscope train --poison` writes). */
  domains: readonly CorpusDomain[];
  tokenizer: Tokenizer;
  forget: TextForgetSpec;
  /** A partition of the network's neurons and heads (`modscope cluster` or the residual-view spectral one). */
  partition: UnitPartition & { source: string };
  /** Most units module pruning may remove (default a quarter of the partition's units). */
  budget?: number;
  steps?: number;
  evaluateEvery?: number;
  batchSize?: number;
  learningRate?: number;
  methods?: readonly TextExciseMethod[];
  /** How the model was trained (its train.json), for the never-trained floor to repeat; null skips the floor. */
  floor?: TextFloorRecipe | null;
  relearn?: readonly number[];
  relearnSteps?: number;
  seed?: number;
  /** Held-out sequences scored per set (forget, retain) for the metrics and curves (default 128). */
  evaluationWindows?: number;
  /** Most triggered prompts the attack success is measured on (default 64). */
  prompts?: number;
  onStage?: (stage: string) => void;
}

const seconds = (since: number) => Math.round(performance.now() - since) / 1000;

/**
 * Module pruning of a language-model capability (method §9 with §6): modules scored by Δloss, pruned until the
 * forget loss reaches the never-trained model's (or the budget), the §6.5 baselines at the same units per
 * layer, retain-only fine-tuning with held masks and recovery curves, and the relearning attack from every
 * method and the floor. Every network is measured on tfjs (the backend selected now).
 */
export async function runExciseText(network: Network, options: ExciseTextOptions) {
  await selectBackend();
  const view = transformerView(network);
  const seed = options.seed ?? TEXT_EXCISE_DEFAULTS.seed;
  const steps = options.steps ?? TEXT_EXCISE_DEFAULTS.steps;
  const evaluateEvery = options.evaluateEvery ?? TEXT_EXCISE_DEFAULTS.evaluateEvery;
  const methods = options.methods ?? METHODS;
  const relearn = options.relearn ?? TEXT_EXCISE_DEFAULTS.relearn;
  const relearnSteps = options.relearnSteps ?? TEXT_EXCISE_DEFAULTS.relearnSteps;
  const tuning = {
    batchSize: options.batchSize ?? TEXT_EXCISE_DEFAULTS.batchSize,
    learningRate: options.learningRate ?? TEXT_EXCISE_DEFAULTS.learningRate,
    seed,
  };
  const timings: Record<string, number> = {};
  const stage = (name: string) => options.onStage?.(name);
  const full = await buildTextCapability(options.domains, options.tokenizer, options.forget, {
    context: view.context,
    ...(options.prompts !== undefined ? { prompts: options.prompts } : {}),
  });
  const n = options.evaluationWindows ?? TEXT_EXCISE_DEFAULTS.evaluationWindows;
  const capability: TextCapability = { ...full, forgetTest: spread(full.forgetTest, n), retainTest: spread(full.retainTest, n) };
  if (capability.retainTraining.count === 0 || capability.forgetTest.length === 0)
    throw new InvalidArgumentError({
      argument: 'text',
      message: `@modscope/language-models: the corpus has no ${capability.retainTraining.count === 0 ? 'retain training' : 'held-out forget'} text for ${capability.description}.`,
      hint: 'Give more text: every domain needs windows in both the train and the test part.',
    });
  const figures = (net: Network) => textFigures(net, capability, options.tokenizer);
  const unitLayers = new Set(view.blocks.flatMap((b) => [b.activation.id, b.attention.id]));
  const partitionUnits = options.partition.layers
    .filter((l) => unitLayers.has(l.layer))
    .reduce((s, l) => s + l.labels.filter((c) => c >= 0).length, 0);
  const budget = options.budget ?? Math.max(1, Math.round(partitionUnits * TEXT_EXCISE_DEFAULTS.budgetShare));

  let started = performance.now();
  const intact = await figures(network);
  let floor: { network: Network; figures: TextFigures; steps: number; comparable: boolean; note: string } | null = null;
  if (options.floor !== null) {
    stage('never-trained model');
    const trained = await trainNeverTrained(network, capability, options.floor, intact.retain, tuning);
    floor = { ...trained, figures: await figures(trained.network) };
    timings.neverTrained = seconds(started);
  }

  started = performance.now();
  stage('scoring modules');
  const session = createTextSession(network);
  let scored: ReturnType<typeof scoreTextModules>;
  let choice: Awaited<ReturnType<typeof chooseTextModules>>;
  const selections = new Map<TextExciseMethod, TextUnitSelection[]>();
  try {
    const evaluation = { forget: capability.forgetTest, retain: capability.retainTest };
    scored = scoreTextModules(session, options.partition, evaluation);
    // gone means as the floor, which never learned the capability: a domain's forget loss as high as the
    // floor's (without a floor, the budget alone); a trigger's attack success as low as the floor's (0
    // without one), measured by generation, because the floor's loss on a target it never saw is no level a
    // pruned model needs to reach for the trigger to stop working
    let reached: (selection: TextUnitSelection[]) => boolean | Promise<boolean>;
    if (capability.spec.kind === 'trigger') {
      const floorRate = floor ? floor.figures.forget : 0;
      reached = async (selection) =>
        (await attackSuccess(pruneLanguageModel(network, masksOf(network, selection)), capability, options.tokenizer)) <= floorRate;
    } else {
      const floorLoss = floor ? sequenceLoss(floor.network, capability.forgetTest) : Number.POSITIVE_INFINITY;
      reached = (selection) => session.loss(capability.forgetTest, silenceOf(selection)).loss >= floorLoss;
    }
    choice = await chooseTextModules(scored.modules, { budget, reached });
    if (choice.chosen.length === 0)
      throw new InvalidArgumentError({
        argument: 'partition',
        message: `@modscope/language-models: no module raises the forget loss of ${capability.description} more than the retain loss within a budget of ${budget} units.`,
        hint: 'Try more clusters (--k), a larger --budget, or another partition.',
      });
    const counts = countsOf(choice.selection);
    selections.set('module', choice.selection);
    selections.set('random', randomTextUnits(network, counts, seed));
    selections.set('magnitude', lowestMagnitudeTextUnits(network, counts));
    if (methods.includes('selective')) selections.set('selective', selectiveTextUnits(session, evaluation, counts));
    selections.set('none', []);
  } finally {
    session.dispose();
  }
  timings.scoring = seconds(started);

  const results = [];
  const tuned = new Map<TextExciseMethod, Network>();
  const samples: { prompt: string; intact: string; pruned: string; fineTuned: string }[] = [];
  for (const method of methods) {
    started = performance.now();
    stage(`fine-tuning: ${method}`);
    const selection = selections.get(method)!;
    const masks = masksOf(network, selection);
    const pruned = pruneLanguageModel(network, masks);
    const run = await fineTuneLanguageModel(pruned, capability.retainTraining, {
      ...tuning,
      steps: Math.max(1, steps),
      masks,
      evaluateEvery,
      onEvaluate: async (state) => figures(state.network()),
    });
    const curve: CurvePoint[] = run.evaluations.map((e) => ({ step: e.step, ...e.value }));
    if (steps === 0) curve.splice(1);
    tuned.set(method, run.network);
    if (method === 'module') {
      const [a, b, c] = await Promise.all([
        sampleContinuations(network, capability, options.tokenizer),
        sampleContinuations(pruned, capability, options.tokenizer),
        sampleContinuations(run.network, capability, options.tokenizer),
      ]);
      samples.push(...capability.samplePrompts.map((prompt, i) => ({ prompt, intact: a[i]!, pruned: b[i]!, fineTuned: c[i]! })));
    }
    results.push({
      method,
      name: METHOD_NAMES[method],
      baseline: method !== 'module',
      units: selection.reduce((s, x) => s + x.units.length, 0),
      selection: selection.map((s) => ({ layer: s.layer, units: [...s.units] })),
      forget: curve[0]!.forget,
      retain: curve[0]!.retain,
      curve,
      stats: textRecoveryStats(curve, intact.forget, capability.forgetHigherIsCapable),
      weightDistance: weightDistance(network, run.network),
    });
    timings[`fine-tuning: ${method}`] = seconds(started);
  }

  const relearning = [];
  const starts: [TextExciseMethod | 'never-trained', Network][] = [...tuned];
  if (floor) starts.push(['never-trained', floor.network]);
  for (const examples of relearn) {
    for (const [model, start] of starts) {
      started = performance.now();
      stage(`relearning attack: ${model}, ${examples} windows`);
      const forget = draw(capability.forgetTraining, examples, seed + 1);
      const { attack, retain } = relearningSet(forget, capability.retainTraining, {
        draws: relearnSteps * tuning.batchSize,
        mix: TEXT_EXCISE_DEFAULTS.relearnMix,
        seed: seed + 2,
      });
      const run = await fineTuneLanguageModel(start, attack, {
        ...tuning,
        steps: relearnSteps,
        evaluateEvery: Math.max(1, Math.floor(relearnSteps / 5)),
        onEvaluate: async (state) => figures(state.network()),
      });
      const curve: CurvePoint[] = run.evaluations.map((e) => ({ step: e.step, ...e.value }));
      const retainRise = curve.at(-1)!.retain - curve[0]!.retain;
      relearning.push({
        model,
        examples: forget.count,
        retainExamples: retain.count,
        steps: relearnSteps,
        curve,
        stats: textRecoveryStats(curve, intact.forget, capability.forgetHigherIsCapable),
        retainRise,
        degenerate: retainRise > TEXT_EXCISE_DEFAULTS.degenerateRise * intact.retain,
      });
      timings[`relearning: ${model}, ${examples}`] = seconds(started);
    }
  }

  return {
    capability,
    intact,
    modules: scored.modules,
    chosen: choice.chosen,
    budget,
    methods: results,
    floor: floor
      ? { forget: floor.figures.forget, retain: floor.figures.retain, steps: floor.steps, comparable: floor.comparable, note: floor.note }
      : null,
    relearning,
    samples,
    steps,
    evaluateEvery,
    seed,
    timings,
  };
}

/** What `runExciseText` returns. */
export type ExciseTextRun = Awaited<ReturnType<typeof runExciseText>>;
