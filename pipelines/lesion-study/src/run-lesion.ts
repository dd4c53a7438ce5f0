import { type Dataset, InvalidArgumentError, type LabelledExamples, type LoadedModel } from '@modscope/core';
import type { LesionResultFile } from '@modscope/results';
import { LESION_RESULT_KIND, LESION_RESULT_VERSION } from '@modscope/results/format';
import { featureVisualizations } from './feature-visualizations.js';
import { inputsFor } from './inputs-for.js';
import { evaluateLesionsOnQueue, type LesionQueueOptions, queuedModelBytes } from './lesion-queue.js';
import { partitionFor, type PartitionSourceOptions } from './partition-source.js';
import { lesionFloors, lesionFloorWarnings, RANDOM_LESION_DEFAULTS, randomLesions } from './random-lesions.js';
import { withDefaults } from './with-defaults.js';

/** The stages `runLesion` reports progress for. */
export type LesionStudyStage = 'lesions' | 'featureViz';

/** Options of `runLesion`; those of `modscope lesion` with the same names. */
export interface LesionStudyOptions extends Partial<PartitionSourceOptions> {
  /**
   * (number, default `99` for a network without conv layers, `19` for one with: `RANDOM_LESION_DEFAULTS`) —
   * random same-size lesions per sub-cluster; a p can go no lower than 1 / (random + 1). With `featureViz`,
   * also the random unit sets of that test (default `19`).
   */
  random?: number;
  /** (number, default `10`) — upstream coherence: examples that activate a sub-cluster most. */
  top?: number;
  /** (number[], default none) — normalize inputs: subtract this mean (one value or one per channel); give with `std`. */
  mean?: number[];
  /** (number[], default none) — normalize inputs: divide by this std; give with `mean`. */
  std?: number[];
  /** (number, default the evaluator's) — examples per inference call. */
  batchSize?: number;
  /** (string, default none) — run the feature-visualization test too, and write each sub-cluster's image here as PNG. */
  featureViz?: string;
  /** (number, default 256) — gradient-ascent steps per feature-visualization image. */
  featureSteps?: number;
  /**
   * (`{ url, name?, modelBytes? }`, default none: lesions evaluated here) — evaluate the lesions on this Redis
   * queue (`redis://HOST:PORT`), taken by workers running `lesionHandlers` (`modscope worker`), in pieces of at
   * most 20 lesions of a sub-cluster. The model's bytes (`modelBytes`, default the ONNX file it was loaded
   * from) and the normalized examples go to the queue's side storage under their content hashes. The
   * partition, the baseline, the statistics and upstream coherence are computed here; the result is
   * identical to a local run's apart from `timings`. Not with `featureViz`.
   */
  queue?: LesionQueueOptions;
  /**
   * (`(stage, done, total) => void`, default none) — lesions evaluated (with `queue`: pieces done), then
   * sub-clusters visualized.
   */
  onProgress?: (stage: LesionStudyStage, done: number, total: number) => void;
}

/** The options `runLesion` uses where none are given. */
export const LESION_STUDY_DEFAULTS: Readonly<Required<Pick<LesionStudyOptions, 'partition' | 'k' | 'seed' | 'top'>>> = Object.freeze({
  partition: 'weights',
  k: 12,
  seed: 0,
  top: 10,
});

/**
 * The lesion study of `modscope lesion` (method §5): a partition of the model's units, the lesion sweep of
 * every sub-cluster against random same-size lesions, upstream coherence and, with `featureViz`, the
 * feature-visualization test; returned as the JSON `modscope lesion --json` writes (a `LesionResultFile`
 * of `@modscope/results`; statistics that are not defined are NaN here, null in the file). The file records
 * the smallest p-values the random sets allow, and warns where they keep every p above 0.05.
 */
export async function runLesion(model: LoadedModel, dataset: Dataset, options: LesionStudyOptions = {}): Promise<LesionResultFile> {
  const settings = withDefaults(LESION_STUDY_DEFAULTS, options);
  const { random, from: randomFrom } = randomLesions(model.network, options.random);
  const featureRandom = options.random ?? RANDOM_LESION_DEFAULTS.featureViz;
  const { lesionSweep, upstreamCoherence } = await import('@modscope/intervention-lesion');
  if (options.queue && settings.featureViz) {
    throw new InvalidArgumentError({
      argument: 'queue',
      message: '--queue sends the lesion sweep to workers; feature visualization runs only here.',
      hint: 'Run --feature-viz without --queue.',
    });
  }
  const inputs = inputsFor(model, dataset, settings);
  const modelBytes = options.queue ? await queuedModelBytes(model, options.queue) : undefined;
  const evaluator = await model.createEvaluator();
  const started = performance.now();
  try {
    const partition = await partitionFor(model, evaluator, inputs, dataset.count, settings);
    const partitioned = performance.now();
    const data: LabelledExamples = { inputs, count: dataset.count, labels: dataset.labels, classes: dataset.classes };
    const sweep = await lesionSweep(evaluator, data, partition, {
      random,
      seed: settings.seed,
      ...(settings.batchSize ? { batchSize: settings.batchSize } : {}),
      onProgress: (done, total) => options.onProgress?.('lesions', done, total),
      ...(options.queue && modelBytes
        ? {
            evaluate: evaluateLesionsOnQueue(modelBytes, model.network.name, data, options.queue, {
              seed: settings.seed,
              ...(settings.batchSize ? { batchSize: settings.batchSize } : {}),
            }),
          }
        : {}),
    });
    const swept = performance.now();
    const upstream = await upstreamCoherence(evaluator, data, sweep.subclusters, { top: settings.top });
    const upstreamDone = performance.now();
    const features = settings.featureViz
      ? await featureVisualizations(model.network, { inputs, inputShape: dataset.inputShape }, sweep.subclusters, {
          directory: settings.featureViz,
          random: featureRandom,
          seed: settings.seed,
          ...(settings.featureSteps !== undefined ? { steps: settings.featureSteps } : {}),
          onProgress: (done, total) => options.onProgress?.('featureViz', done, total),
        })
      : null;
    const names = (c: number) => dataset.classNames?.[c] ?? String(c);
    const k = sweep.subclusters.length;
    const tests = 'importance, selectivity, per-class drop and upstream';
    const warnings = [
      ...lesionFloorWarnings({ sets: 'random lesions', tests, random: sweep.random, subclusters: k }),
      ...(features
        ? lesionFloorWarnings({ sets: 'random unit sets', tests: 'feature-visualization', random: featureRandom, subclusters: k })
        : []),
    ];
    return {
      kind: LESION_RESULT_KIND,
      version: LESION_RESULT_VERSION,
      model: model.network.name,
      dataset: dataset.name,
      split: dataset.split,
      examples: dataset.count,
      classNames: Array.from({ length: dataset.classes }, (_, c) => names(c)),
      engine: evaluator.name,
      partition: {
        source: partition.source,
        k: partition.k,
        layers: partition.layers.map((l) => ({ layer: l.layer, labels: Array.from(l.labels) })),
      },
      random: sweep.random,
      randomFrom,
      smallestP: lesionFloors(sweep.random, k),
      seed: sweep.seed,
      baseline: {
        accuracy: sweep.baseline.accuracy,
        perClassAccuracy: Array.from(sweep.baseline.perClassAccuracy),
        meanClassAccuracy: sweep.baseline.meanClassAccuracy,
      },
      subclusters: sweep.subclusters.map((s, i) => ({
        layer: s.layer,
        cluster: s.cluster,
        size: s.units.length,
        layerUnits: s.layerUnits,
        units: Array.from(s.units),
        accuracy: s.accuracy,
        perClassAccuracy: Array.from(s.perClassAccuracy),
        meanClassAccuracy: s.meanClassAccuracy,
        importanceP: s.importanceP,
        coherence: s.coherence,
        coherenceP: s.coherenceP,
        drop: Array.from(s.drop),
        dropP: Array.from(s.dropP),
        random: {
          accuracy: Array.from(s.random.accuracy),
          meanClassAccuracy: Array.from(s.random.meanClassAccuracy),
          coherence: Array.from(s.random.coherence),
        },
        upstream: {
          entropy: upstream.sets[i]!.entropy,
          p: upstream.sets[i]!.p,
          topExamples: Array.from(upstream.sets[i]!.topExamples),
          randomEntropy: Array.from(upstream.sets[i]!.randomEntropy),
        },
        ...(features ? { featureViz: features.subclusters[i]! } : {}),
      })),
      fisher: {
        importance: sweep.fisher.importance,
        coherence: sweep.fisher.coherence,
        upstream: upstream.fisher,
        ...(features ? { featureViz: features.fisher } : {}),
      },
      ...(features
        ? {
            featureViz: {
              directory: features.directory,
              backend: features.backend,
              steps: features.steps,
              random: featureRandom,
              smallestP: lesionFloors(featureRandom, k),
            },
          }
        : {}),
      effectFactor: sweep.effectFactor,
      evaluations: sweep.evaluations,
      warnings,
      timings: {
        partition: partitioned - started,
        lesions: swept - partitioned,
        upstream: upstreamDone - swept,
        ...(features ? { featureViz: performance.now() - upstreamDone } : {}),
      },
    };
  } finally {
    await evaluator.dispose();
  }
}
