import {
  classificationReport,
  createRandom,
  InvalidArgumentError,
  outputSize,
  runLesions,
  subclusters,
  type Evaluator,
  type LabelledExamples,
  type Subcluster,
  type SubclusterOptions,
  type UnitPartition,
} from '@modscope/core';
import { empiricalP, fisherCombined, type FisherCombined } from '@modscope/metrics';

const pkg = '@modscope/intervention-lesion';

export interface LesionSweepOptions extends SubclusterOptions {
  /** Random same-size lesions per sub-cluster (default 19). */
  random?: number;
  /** Seed of the random lesions (default 0); the same seed draws the same sets. */
  seed?: number;
  /** Examples per inference call, passed to the evaluator. */
  batchSize?: number;
  /**
   * Called after each sub-cluster with the number of lesions evaluated so far; with `evaluate`, whenever
   * that function reports, in its own units (e.g. pieces of a queue).
   */
  onProgress?: (done: number, total: number) => void;
  /**
   * Evaluates the lesion batches somewhere else (another process, a job queue) instead of with `evaluator`:
   * it gets every batch at once, and returns each batch's accuracies in lesion order. The random sets are
   * drawn here first, and every statistic is computed here from what it returns, so the result is the same as
   * a local run's as long as it computes the accuracies as `evaluateLesionBatch` does. Default: none (local).
   */
  evaluate?: EvaluateLesionBatches;
  /** With `evaluate`: the most lesions in one batch (a sub-cluster's own lesion and its random ones are split into batches of at most this many). Default 20. */
  lesionsPerBatch?: number;
}

export const LESION_DEFAULTS = Object.freeze({ random: 19, seed: 0, lesionsPerBatch: 20 });

/** Lesions of one sub-cluster's layer evaluated together: a part of the sweep that can run anywhere. */
export interface LesionBatch {
  /** The sub-cluster, by its index in the sweep's order. */
  subcluster: number;
  /** The layer whose units are lesioned. */
  layer: string;
  /** Where this batch starts in the sub-cluster's lesions (its own lesion first, then the random ones). */
  first: number;
  /** The unit sets to lesion, each sorted. */
  lesions: Int32Array[];
}

/** Evaluates lesion batches elsewhere: per batch, the accuracy of each of its lesions, in order. */
export type EvaluateLesionBatches = (
  batches: readonly LesionBatch[],
  onProgress: (done: number, total: number) => void,
) => Promise<readonly (readonly LesionAccuracy[])[]>;

/** Accuracy of one evaluation. */
export interface LesionAccuracy {
  accuracy: number;
  /** Accuracy per true class (NaN for a class without examples). */
  perClassAccuracy: Float64Array;
  /** Mean of the per-class accuracies: the importance statistic (method §5). */
  meanClassAccuracy: number;
}

export interface SubclusterLesion extends LesionAccuracy {
  layer: string;
  cluster: number;
  units: Int32Array;
  layerUnits: number;
  /** Left-sided p of `meanClassAccuracy` against the random lesions: small = more important than chance. */
  importanceP: number;
  /** Class selectivity: (max Δ_c − min Δ_c) / |mean Δ| with Δ_c the change in class c's accuracy. */
  coherence: number;
  /** Right-sided p of `coherence` against the random lesions: small = more class-selective than chance. */
  coherenceP: number;
  /** Accuracy lost per class, intact − lesioned. */
  drop: Float64Array;
  /** Left-sided p per class of the lesioned class accuracy against the random lesions'. */
  dropP: Float64Array;
  random: {
    units: Int32Array[];
    accuracy: Float64Array;
    meanClassAccuracy: Float64Array;
    coherence: Float64Array;
  };
}

export interface LesionSweepResult {
  baseline: LesionAccuracy;
  subclusters: SubclusterLesion[];
  /** Sub-cluster p-values combined with Fisher's method. */
  fisher: { importance: FisherCombined | null; coherence: FisherCombined | null };
  /** Mean random-lesion accuracy / mean sub-cluster-lesion accuracy (mean class accuracy): > 1 = modules matter more. */
  effectFactor: number;
  random: number;
  seed: number;
  /** Lesioned evaluations run (sub-clusters × (1 + random)). */
  evaluations: number;
}

/**
 * Evaluates the lesions of one layer (`runLesions`, the evaluator's fast path where it has one) and returns
 * the accuracy of each on the data: what the sweep computes per batch, locally or wherever `evaluate` runs.
 */
export async function evaluateLesionBatch(
  evaluator: Evaluator,
  data: LabelledExamples,
  layer: string,
  lesions: readonly Int32Array[],
  options: { batchSize?: number } = {},
): Promise<LesionAccuracy[]> {
  const outputs = outputSize(evaluator.network);
  const { logits } = await runLesions(evaluator, {
    inputs: data.inputs,
    count: data.count,
    layer,
    lesions: [...lesions],
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
  });
  return logits.map((l) => accuracyOf(l, data, outputs));
}

function accuracyOf(logits: Float32Array, data: LabelledExamples, outputs: number): LesionAccuracy {
  const report = classificationReport(logits, data.labels, data.classes, outputs);
  const perClassAccuracy = Float64Array.from(report.perClassAccuracy);
  let sum = 0;
  let n = 0;
  for (const a of perClassAccuracy) {
    if (Number.isNaN(a)) continue;
    sum += a;
    n++;
  }
  return { accuracy: report.accuracy, perClassAccuracy, meanClassAccuracy: n === 0 ? Number.NaN : sum / n };
}

/** (max Δ − min Δ) / |mean Δ| over the classes that have examples; 0 when the lesion changes nothing. */
export function classSelectivity(lesioned: Float64Array, intact: Float64Array): number {
  let max = -Infinity;
  let min = Infinity;
  let sum = 0;
  let n = 0;
  for (let c = 0; c < intact.length; c++) {
    const d = lesioned[c]! - intact[c]!;
    if (Number.isNaN(d)) continue;
    max = Math.max(max, d);
    min = Math.min(min, d);
    sum += d;
    n++;
  }
  const mean = n === 0 ? 0 : sum / n;
  return Math.abs(mean) < 1e-12 ? 0 : (max - min) / Math.abs(mean);
}

function checkData(evaluator: Evaluator, data: LabelledExamples): number {
  const outputs = outputSize(evaluator.network);
  if (data.labels.length !== data.count) {
    throw new InvalidArgumentError({
      argument: 'data',
      message: `${pkg}: ${data.labels.length} labels for ${data.count} examples.`,
      hint: 'Pass one label per example.',
    });
  }
  if (data.classes > outputs) {
    throw new InvalidArgumentError({
      argument: 'data',
      message: `${pkg}: the data has ${data.classes} classes but model '${evaluator.network.name}' has ${outputs} outputs.`,
      hint: 'Use the dataset the model was trained on.',
    });
  }
  for (let i = 0; i < data.count; i++) {
    const label = data.labels[i]!;
    if (!Number.isInteger(label) || label < 0 || label >= outputs) {
      throw new InvalidArgumentError({
        argument: 'data',
        message: `${pkg}: label ${label} of example ${i} is outside the model's outputs 0..${outputs - 1}.`,
        hint: 'Use the dataset the model was trained on.',
      });
    }
  }
  return outputs;
}

/**
 * Lesions every sub-cluster of a partition and `random` same-size sets of units from the same layer,
 * evaluates each on the data and reports importance and class selectivity against the random lesions
 * (method §5). Uses the evaluator's `runLesions` fast path where it has one.
 */
export async function lesionSweep(
  evaluator: Evaluator,
  data: LabelledExamples,
  partition: UnitPartition,
  options: LesionSweepOptions = {},
): Promise<LesionSweepResult> {
  const random = options.random ?? LESION_DEFAULTS.random;
  const seed = options.seed ?? LESION_DEFAULTS.seed;
  if (!Number.isInteger(random) || random < 1) {
    throw new InvalidArgumentError({
      argument: 'random',
      message: `${pkg}: random must be a whole number ≥ 1, got ${random}.`,
      hint: 'Use 19 or more random lesions per sub-cluster.',
    });
  }
  const perBatch = options.lesionsPerBatch ?? LESION_DEFAULTS.lesionsPerBatch;
  if (!Number.isInteger(perBatch) || perBatch < 1) {
    throw new InvalidArgumentError({
      argument: 'lesionsPerBatch',
      message: `${pkg}: lesionsPerBatch must be a whole number ≥ 1, got ${perBatch}.`,
      hint: 'Use e.g. 20.',
    });
  }
  const outputs = checkData(evaluator, data);
  const found = subclusters(evaluator.network, partition, options);
  const intact = await evaluator.run({
    inputs: data.inputs,
    count: data.count,
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
  });
  const baseline = accuracyOf(intact.logits, data, outputs);
  const root = createRandom(seed);
  const total = found.length * (random + 1);
  // every random set first, each sub-cluster from its own stream: the same sets wherever they are evaluated
  const randomSets: Int32Array[][] = found.map((sub, i) => {
    const draw = root.fork(i);
    return Array.from({ length: random }, () => {
      const picked = draw.sample(sub.pool.length, sub.units.length);
      return Int32Array.from(picked, (j) => sub.pool[j]!).sort();
    });
  });
  const accuracies = options.evaluate
    ? await evaluateElsewhere(options.evaluate, found, randomSets, options)
    : await evaluateHere(evaluator, data, found, randomSets, options, total);
  const results: SubclusterLesion[] = [];
  for (let i = 0; i < found.length; i++) {
    const sub: Subcluster = found[i]!;
    const [own, ...others] = accuracies[i]!;
    const coherence = classSelectivity(own!.perClassAccuracy, baseline.perClassAccuracy);
    const randomCoherence = Float64Array.from(others, (o) => classSelectivity(o.perClassAccuracy, baseline.perClassAccuracy));
    const classes = baseline.perClassAccuracy.length;
    const drop = Float64Array.from({ length: classes }, (_, c) => baseline.perClassAccuracy[c]! - own!.perClassAccuracy[c]!);
    const dropP = Float64Array.from({ length: classes }, (_, c) =>
      Number.isNaN(own!.perClassAccuracy[c]!)
        ? Number.NaN
        : empiricalP(
            own!.perClassAccuracy[c]!,
            others.map((o) => o.perClassAccuracy[c]!),
            'left',
          ),
    );
    results.push({
      layer: sub.layer,
      cluster: sub.cluster,
      units: sub.units,
      layerUnits: sub.layerUnits,
      ...own!,
      importanceP: empiricalP(
        own!.meanClassAccuracy,
        others.map((o) => o.meanClassAccuracy),
        'left',
      ),
      coherence,
      coherenceP: empiricalP(coherence, randomCoherence, 'right'),
      drop,
      dropP,
      random: {
        units: randomSets[i]!,
        accuracy: Float64Array.from(others, (o) => o.accuracy),
        meanClassAccuracy: Float64Array.from(others, (o) => o.meanClassAccuracy),
        coherence: randomCoherence,
      },
    });
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const trueMean = mean(results.map((r) => r.meanClassAccuracy));
  const randomMean = mean(results.map((r) => mean([...r.random.meanClassAccuracy])));
  return {
    baseline,
    subclusters: results,
    fisher: {
      importance: results.length ? fisherCombined(results.map((r) => r.importanceP)) : null,
      coherence: results.length ? fisherCombined(results.map((r) => r.coherenceP)) : null,
    },
    effectFactor: results.length ? randomMean / trueMean : Number.NaN,
    random,
    seed,
    evaluations: total,
  };
}

/** Each sub-cluster's lesions, its own first, evaluated here one sub-cluster at a time. */
async function evaluateHere(
  evaluator: Evaluator,
  data: LabelledExamples,
  found: readonly Subcluster[],
  randomSets: readonly Int32Array[][],
  options: LesionSweepOptions,
  total: number,
): Promise<LesionAccuracy[][]> {
  const accuracies: LesionAccuracy[][] = [];
  for (let i = 0; i < found.length; i++) {
    const sub = found[i]!;
    const sets = randomSets[i]!;
    accuracies.push(
      await evaluateLesionBatch(evaluator, data, sub.layer, [sub.units, ...sets], {
        ...(options.batchSize ? { batchSize: options.batchSize } : {}),
      }),
    );
    options.onProgress?.((i + 1) * (sets.length + 1), total);
  }
  return accuracies;
}

/** Each sub-cluster's lesions, its own first, split into batches for `evaluate` and put back together. */
async function evaluateElsewhere(
  evaluate: EvaluateLesionBatches,
  found: readonly Subcluster[],
  randomSets: readonly Int32Array[][],
  options: LesionSweepOptions,
): Promise<LesionAccuracy[][]> {
  const perBatch = options.lesionsPerBatch ?? LESION_DEFAULTS.lesionsPerBatch;
  const batches: LesionBatch[] = [];
  for (let i = 0; i < found.length; i++) {
    const sub = found[i]!;
    const lesions = [sub.units, ...randomSets[i]!];
    for (let first = 0; first < lesions.length; first += perBatch) {
      batches.push({ subcluster: i, layer: sub.layer, first, lesions: lesions.slice(first, first + perBatch) });
    }
  }
  if (batches.length === 0) return [];
  const evaluated = await evaluate(batches, (done, total) => options.onProgress?.(done, total));
  if (evaluated.length !== batches.length) {
    throw new Error(`${pkg}: the lesion evaluation returned ${evaluated.length} batches for ${batches.length}.`);
  }
  const accuracies: LesionAccuracy[][] = found.map(() => []);
  for (const [b, batch] of batches.entries()) {
    const got = evaluated[b]!;
    if (got.length !== batch.lesions.length) {
      throw new Error(
        `${pkg}: the lesion evaluation returned ${got.length} accuracies for the ${batch.lesions.length} lesions of batch ${b}.`,
      );
    }
    accuracies[batch.subcluster]!.push(...got);
  }
  return accuracies;
}
