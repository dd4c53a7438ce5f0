import { writeFile } from 'node:fs/promises';
import { unitLayers, type Dataset, type LoadedModel } from '@modscope/core';
import { loadDataset } from '@modscope/datasets';
import { comparePartitions } from '@modscope/metrics';
import { loadModel } from '../loaders.js';
import { jsonText, print, printJson, table } from '../output.js';
import { writeReportOption } from '../report-option.js';
import { inputsFor, partitionFor } from '@modscope/lesion-study';

export interface CompareOptions {
  data: string;
  split?: 'train' | 'test';
  limit?: number;
  k: number;
  prune?: number;
  measure: 'spearman' | 'pearson';
  permutations: number;
  seed: number;
  mean?: number[];
  std?: number[];
  json?: string;
  /** Also write the HTML report of the result to this file. */
  report?: string;
}

const fixed = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

/** What `modscope compare --json` writes. */
export type CompareJson = Awaited<ReturnType<typeof runCompare>>;

export type CompareRunOptions = Omit<CompareOptions, 'data' | 'split' | 'limit' | 'json' | 'report'>;

/** The weight-graph vs coactivation comparison of `modscope compare`, as the JSON it writes. */
export async function runCompare(model: LoadedModel, dataset: Dataset, options: CompareRunOptions) {
  const inputs = inputsFor(model, dataset, options);
  const evaluator = await model.createEvaluator();
  try {
    const base = {
      k: options.k,
      seed: options.seed,
      ...(options.prune !== undefined ? { prune: options.prune } : {}),
      measure: options.measure,
    };
    const weights = await partitionFor(model, evaluator, inputs, dataset.count, { ...base, partition: 'weights' });
    const coactivation = await partitionFor(model, evaluator, inputs, dataset.count, { ...base, partition: 'coactivation' });
    // Hidden units only: the coactivation partition has no input or output units.
    const hidden = unitLayers(model.network)
      .filter((u) => u.hidden)
      .map((u) => u.layer);
    const labelsOf = (p: typeof weights, layer: string) => p.layers.find((l) => l.layer === layer)?.labels ?? new Int32Array(0);
    const concat = (p: typeof weights) => Int32Array.from(hidden.flatMap((layer) => Array.from(labelsOf(p, layer))));
    const overall = comparePartitions(concat(weights), concat(coactivation), { permutations: options.permutations, seed: options.seed });
    const perLayer = hidden.map((layer) => ({
      layer,
      ...comparePartitions(labelsOf(weights, layer), labelsOf(coactivation, layer), {
        permutations: options.permutations,
        seed: options.seed,
      }),
    }));
    return {
      kind: 'modscope/compare' as const,
      version: 1 as const,
      model: model.network.name,
      dataset: dataset.name,
      examples: dataset.count,
      k: options.k,
      partitions: { weights: weights.source, coactivation: coactivation.source },
      overall,
      layers: perLayer,
    };
  } finally {
    await evaluator.dispose();
  }
}

export async function compareCommand(path: string, options: CompareOptions): Promise<void> {
  const model = await loadModel(path);
  const dataset = await loadDataset(options.data, { split: options.split ?? 'test', ...(options.limit ? { limit: options.limit } : {}) });
  const result = await runCompare(model, dataset, options);
  const { overall, layers: perLayer } = result;
  if (options.json === '-') {
    printJson(result);
    if (options.report) await writeReportOption(result, options.report, { quiet: true });
    return;
  }
  if (options.json) await writeFile(options.json, jsonText(result));
  print(`${result.model}: weight-graph vs coactivation partitions of the hidden units, k = ${options.k}`);
  print(`coactivation from ${result.partitions.coactivation}; null: ${options.permutations} permutations of one partition's labels`);
  print();
  const row = (name: string, c: typeof overall) => [
    name,
    c.n,
    fixed(c.ari),
    fixed(c.permutation.ariMean),
    fixed(c.permutation.ariP),
    fixed(c.nmi),
    fixed(c.permutation.nmiMean),
    fixed(c.permutation.nmiP),
  ];
  print(
    table(
      ['units', 'n', 'ARI', 'null ARI', 'p', 'NMI', 'null NMI', 'p'],
      [row('all hidden', overall), ...perLayer.map((l) => row(l.layer, l))],
    ),
  );
  print();
  print(
    overall.permutation.ariP <= 0.05
      ? 'The two partitions agree more than chance (ARI 1 = identical, 0 = chance).'
      : 'The two partitions do not agree more than chance (ARI 1 = identical, 0 = chance).',
  );
  if (options.json) print(`\nwrote ${options.json}`);
  if (options.report) await writeReportOption(result, options.report, options.json ? { source: options.json } : {});
}
