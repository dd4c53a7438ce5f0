import { writeFile } from 'node:fs/promises';
import { unitLayers } from '@modscope/core';
import { loadDataset } from '@modscope/datasets';
import { comparePartitions } from '@modscope/metrics';
import { loadModel } from '../loaders.js';
import { print, printJson, table } from '../output.js';
import { inputsFor, partitionFor } from './lesion.js';

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
}

const fixed = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

export async function compareCommand(path: string, options: CompareOptions): Promise<void> {
  const model = await loadModel(path);
  const dataset = await loadDataset(options.data, { split: options.split ?? 'test', ...(options.limit ? { limit: options.limit } : {}) });
  const inputs = inputsFor(model, dataset, options);
  const evaluator = await model.createEvaluator();
  try {
    const base = { k: options.k, seed: options.seed, ...(options.prune !== undefined ? { prune: options.prune } : {}), measure: options.measure };
    const weights = await partitionFor(model, evaluator, inputs, dataset.count, { ...base, partition: 'weights' });
    const coactivation = await partitionFor(model, evaluator, inputs, dataset.count, { ...base, partition: 'coactivation' });
    // Hidden units only: the coactivation partition has no input or output units.
    const hidden = unitLayers(model.network).filter((u) => u.hidden).map((u) => u.layer);
    const labelsOf = (p: typeof weights, layer: string) => p.layers.find((l) => l.layer === layer)?.labels ?? new Int32Array(0);
    const concat = (p: typeof weights) => Int32Array.from(hidden.flatMap((layer) => Array.from(labelsOf(p, layer))));
    const overall = comparePartitions(concat(weights), concat(coactivation), { permutations: options.permutations, seed: options.seed });
    const perLayer = hidden.map((layer) => ({ layer, ...comparePartitions(labelsOf(weights, layer), labelsOf(coactivation, layer), { permutations: options.permutations, seed: options.seed }) }));
    const result = {
      kind: 'modscope/compare',
      version: 1,
      model: model.network.name,
      dataset: dataset.name,
      examples: dataset.count,
      k: options.k,
      partitions: { weights: weights.source, coactivation: coactivation.source },
      overall,
      layers: perLayer,
    };
    if (options.json === '-') {
      printJson(result);
      return;
    }
    if (options.json) await writeFile(options.json, `${JSON.stringify(result, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
    print(`${result.model}: weight-graph vs coactivation partitions of the hidden units, k = ${options.k}`);
    print(`coactivation from ${coactivation.source}; null: ${options.permutations} permutations of one partition's labels`);
    print();
    const row = (name: string, c: typeof overall) => [name, c.n, fixed(c.ari), fixed(c.permutation.ariMean), fixed(c.permutation.ariP), fixed(c.nmi), fixed(c.permutation.nmiMean), fixed(c.permutation.nmiP)];
    print(table(['units', 'n', 'ARI', 'null ARI', 'p', 'NMI', 'null NMI', 'p'], [row('all hidden', overall), ...perLayer.map((l) => row(l.layer, l))]));
    print();
    print(
      overall.permutation.ariP <= 0.05
        ? 'The two partitions agree more than chance (ARI 1 = identical, 0 = chance).'
        : 'The two partitions do not agree more than chance (ARI 1 = identical, 0 = chance).',
    );
    if (options.json) print(`\nwrote ${options.json}`);
  } finally {
    await evaluator.dispose();
  }
}
