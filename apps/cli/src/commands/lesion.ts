import { writeFile } from 'node:fs/promises';
import type { Dataset, LoadedModel } from '@modscope/core';
import { loadDataset } from '@modscope/datasets';
import { inputsFor, partitionFor, type PartitionSourceOptions } from '@modscope/lesion-study';
import { loadModel } from '../loaders.js';
import { jsonText, print, printJson, progress, table, percent } from '../output.js';
import { writeReportOption } from '../report-option.js';

export const LESION_RESULT_KIND = 'modscope/lesion';
export const LESION_RESULT_VERSION = 1;

export interface LesionOptions extends PartitionSourceOptions {
  data: string;
  split?: 'train' | 'test';
  limit?: number;
  random: number;
  top: number;
  mean?: number[];
  std?: number[];
  batchSize?: number;
  json?: string;
  /** Directory for feature-visualization PNGs; runs the feature-visualization test when given. */
  featureViz?: string;
  featureSteps?: number;
  /** Also write the HTML report of the result to this file. */
  report?: string;
}

const fixed = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

export async function lesionCommand(path: string, options: LesionOptions): Promise<void> {
  const model = await loadModel(path);
  const dataset = await loadDataset(options.data, { split: options.split ?? 'test', ...(options.limit ? { limit: options.limit } : {}) });
  const quiet = options.json === '-';
  const result = await runLesion(model, dataset, { ...options, quiet });
  if (quiet) {
    printJson(result);
    if (options.report) await writeReportOption(result, options.report, { quiet: true });
    return;
  }
  if (options.json) await writeFile(options.json, jsonText(result));
  print(formatLesions(result));
  if (options.json) print(`\nwrote ${options.json}`);
  if (options.report) await writeReportOption(result, options.report, options.json ? { source: options.json } : {});
}

export type LesionRunOptions = Omit<LesionOptions, 'data' | 'split' | 'limit' | 'json' | 'report'> & {
  /** No progress bars. */
  quiet?: boolean;
};

/** What `modscope lesion --json` writes. */
export type LesionResultJson = Awaited<ReturnType<typeof runLesion>>;

/** The lesion sweep, upstream coherence and (optionally) feature visualization of `modscope lesion`, as the JSON it writes. */
export async function runLesion(model: LoadedModel, dataset: Dataset, options: LesionRunOptions) {
  const { lesionSweep, upstreamCoherence } = await import('@modscope/intervention-lesion');
  const inputs = inputsFor(model, dataset, options);
  const evaluator = await model.createEvaluator();
  const quiet = options.quiet ?? false;
  const started = performance.now();
  try {
    const partition = await partitionFor(model, evaluator, inputs, dataset.count, options);
    const partitioned = performance.now();
    const bar = progress('lesions', { quiet });
    const data = { inputs, count: dataset.count, labels: dataset.labels, classes: dataset.classes };
    let sweep;
    try {
      sweep = await lesionSweep(evaluator, data, partition, {
        random: options.random,
        seed: options.seed,
        ...(options.batchSize ? { batchSize: options.batchSize } : {}),
        onProgress: (done, total) => bar.update(done, total),
      });
    } finally {
      bar.stop();
    }
    const swept = performance.now();
    const upstream = await upstreamCoherence(evaluator, data, sweep.subclusters, { top: options.top });
    const upstreamDone = performance.now();
    const features = options.featureViz ? await featureVisualizations(model, dataset, inputs, sweep.subclusters, options, quiet) : null;
    const names = (c: number) => dataset.classNames?.[c] ?? String(c);
    const result = {
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
      ...(features ? { featureViz: { directory: options.featureViz, backend: features.backend, steps: features.steps } } : {}),
      effectFactor: sweep.effectFactor,
      evaluations: sweep.evaluations,
      timings: {
        partition: partitioned - started,
        lesions: swept - partitioned,
        upstream: upstreamDone - swept,
        ...(features ? { featureViz: performance.now() - upstreamDone } : {}),
      },
    };
    return result;
  } finally {
    await evaluator.dispose();
  }
}

/**
 * The costlier upstream-coherence variant (method §5): an input optimized for each sub-cluster and for its
 * random same-size sets, the entropy of the network's softmax there, and the sub-cluster's image as a PNG.
 */
async function featureVisualizations(
  model: LoadedModel,
  dataset: Dataset,
  inputs: Float32Array,
  subclusters: readonly { layer: string; cluster: number; units: Int32Array }[],
  options: LesionRunOptions,
  quiet: boolean,
) {
  const { mkdir } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { featureVisualizationTest, writePng, DEFAULTS } = await import('@modscope/feature-viz');
  const directory = options.featureViz!;
  await mkdir(directory, { recursive: true });
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of inputs) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  const steps = options.featureSteps ?? DEFAULTS.steps;
  const bar = progress('feature viz', { quiet });
  let test;
  try {
    test = await featureVisualizationTest(model.network, subclusters, {
      random: options.random,
      seed: options.seed,
      steps,
      inputRange: [lo, hi],
      onProgress: (done, total) => bar.update(done, total),
    });
  } finally {
    bar.stop();
  }
  const shape = dataset.inputShape;
  const [height, width, channels] = shape.length === 3 ? (shape as [number, number, number]) : [1, shape[0]!, 1];
  const results = await Promise.all(
    test.subclusters.map(async (s, i) => {
      const file = join(
        directory,
        `${s.layer.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '')}-cluster${subclusters[i]!.cluster}.png`,
      );
      await writePng(file, s.image, {
        width,
        height,
        channels: channels === 3 ? 3 : 1,
        layout: model.network.layout,
        scale: Math.max(1, Math.floor(112 / Math.max(width, height))),
      });
      return { image: file, entropy: s.entropy, activation: s.activation, p: s.p, randomEntropy: s.randomEntropies };
    }),
  );
  return { subclusters: results, fisher: test.fisher, backend: test.backend, steps };
}

type LesionJson = {
  model: string;
  dataset: string;
  examples: number;
  classNames: string[];
  partition: { source: string; k: number };
  random: number;
  baseline: { accuracy: number };
  subclusters: {
    layer: string;
    cluster: number;
    size: number;
    layerUnits: number;
    accuracy: number;
    random: { accuracy: number[] };
    importanceP: number;
    coherenceP: number;
    drop: number[];
    upstream: { p: number };
  }[];
  fisher: { importance: { p: number } | null; coherence: { p: number } | null; upstream: { p: number } | null };
  effectFactor: number;
  evaluations: number;
  timings: { lesions: number };
};

/** The ranked table of sub-clusters and the per-network summary. */
export function formatLesions(r: LesionJson): string {
  const ranked = [...r.subclusters].sort((a, b) => a.accuracy - b.accuracy);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const affected = (drop: number[]) =>
    drop
      .map((d, c) => [d, c] as const)
      .filter(([d]) => d > 0.005)
      .sort((a, b) => b[0] - a[0])
      .slice(0, 3)
      .map(([d, c]) => `${r.classNames[c]} −${(100 * d).toFixed(0)}`)
      .join(', ');
  const lines = [
    `${r.model} on ${r.dataset}: ${r.examples.toLocaleString('en-US')} examples, intact accuracy ${percent(r.baseline.accuracy)}`,
    `partition: ${r.partition.source}, k = ${r.partition.k}; ${r.subclusters.length} sub-clusters, each against ${r.random} random same-size lesions (${r.evaluations} lesioned evaluations in ${(r.timings.lesions / 1000).toFixed(1)} s)`,
    '',
    table(
      ['layer', 'cluster', 'size', 'accuracy', 'random', 'importance p', 'selectivity p', 'upstream p', 'most affected (points lost)'],
      ranked.map((s) => [
        s.layer,
        s.cluster,
        `${s.size}/${s.layerUnits}`,
        percent(s.accuracy),
        percent(mean(s.random.accuracy)),
        fixed(s.importanceP),
        fixed(s.coherenceP),
        fixed(s.upstream.p),
        affected(s.drop),
      ]),
    ),
    '',
    `Fisher-combined p: importance ${fixed(r.fisher.importance?.p ?? Number.NaN, 4)}, class selectivity ${fixed(r.fisher.coherence?.p ?? Number.NaN, 4)}, upstream coherence ${fixed(r.fisher.upstream?.p ?? Number.NaN, 4)}`,
    `effect factor ${fixed(r.effectFactor)} (random-lesion accuracy / sub-cluster-lesion accuracy; above 1: modules matter more than random units)`,
  ];
  return lines.join('\n');
}
