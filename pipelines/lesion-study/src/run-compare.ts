import { unitLayers, type Dataset, type LoadedModel } from '@modscope/core';
import { comparePartitions, fewestNullValues, SIGNIFICANCE_LEVEL, smallestEmpiricalP, type PValueFloorWarning } from '@modscope/metrics';
import type { CompareResultFile } from '@modscope/results';
import { COMPARE_RESULT_KIND, COMPARE_RESULT_VERSION } from '@modscope/results/format';
import { inputsFor } from './inputs-for.js';
import { partitionFor } from './partition-source.js';
import { withDefaults } from './with-defaults.js';

/** Options of `runCompare`; those of `modscope compare` with the same names. */
export interface CompareStudyOptions {
  /** (number, default `12`) — clusters of both partitions. */
  k?: number;
  /** (number, default none) — weight graph: prune each layer to this sparsity first, e.g. `0.9`. */
  prune?: number;
  /** (`'spearman' | 'pearson'`, default `'spearman'`) — coactivation correlation measure. */
  measure?: 'spearman' | 'pearson';
  /** (number, default `999`) — permutations of the null (one partition's labels shuffled). */
  permutations?: number;
  /** (number, default `0`) — seed of the clusterings and the permutations. */
  seed?: number;
  /** (number[], default none) — normalize inputs: subtract this mean (one value or one per channel); give with `std`. */
  mean?: number[];
  /** (number[], default none) — normalize inputs: divide by this std; give with `mean`. */
  std?: number[];
}

/** The options `runCompare` uses where none are given. */
export const COMPARE_STUDY_DEFAULTS: Readonly<Required<Pick<CompareStudyOptions, 'k' | 'measure' | 'permutations' | 'seed'>>> =
  Object.freeze({
    k: 12,
    measure: 'spearman',
    permutations: 999,
    seed: 0,
  });

/**
 * The weight-graph vs coactivation comparison of `modscope compare` (method §5): both partitions of the
 * hidden units, their ARI and NMI over all hidden units and layer by layer against a permutation null;
 * returned as the JSON `modscope compare --json` writes (a `CompareResultFile` of `@modscope/results`),
 * with a warning where the permutations are too few for any p to reach 0.05.
 */
export async function runCompare(model: LoadedModel, dataset: Dataset, options: CompareStudyOptions = {}): Promise<CompareResultFile> {
  const settings = withDefaults(COMPARE_STUDY_DEFAULTS, options);
  const inputs = inputsFor(model, dataset, settings);
  const evaluator = await model.createEvaluator();
  try {
    const base = {
      k: settings.k,
      seed: settings.seed,
      ...(settings.prune !== undefined ? { prune: settings.prune } : {}),
      measure: settings.measure,
    };
    const weights = await partitionFor(model, evaluator, inputs, dataset.count, { ...base, partition: 'weights' });
    const coactivation = await partitionFor(model, evaluator, inputs, dataset.count, { ...base, partition: 'coactivation' });
    // Hidden units only: the coactivation partition has no input or output units.
    const hidden = unitLayers(model.network)
      .filter((u) => u.hidden)
      .map((u) => u.layer);
    const labelsOf = (p: typeof weights, layer: string) => p.layers.find((l) => l.layer === layer)?.labels ?? new Int32Array(0);
    const concat = (p: typeof weights) => Int32Array.from(hidden.flatMap((layer) => Array.from(labelsOf(p, layer))));
    const permutationNull = { permutations: settings.permutations, seed: settings.seed };
    const overall = comparePartitions(concat(weights), concat(coactivation), permutationNull);
    const perLayer = hidden.map((layer) => ({
      layer,
      ...comparePartitions(labelsOf(weights, layer), labelsOf(coactivation, layer), permutationNull),
    }));
    return {
      kind: COMPARE_RESULT_KIND,
      version: COMPARE_RESULT_VERSION,
      model: model.network.name,
      dataset: dataset.name,
      examples: dataset.count,
      k: settings.k,
      partitions: { weights: weights.source, coactivation: coactivation.source },
      overall,
      layers: perLayer,
      warnings: permutationFloorWarnings(settings.permutations),
    };
  } finally {
    await evaluator.dispose();
  }
}

/** Each p is (r + 1) / (permutations + 1): fewer than 19 permutations cannot reach 0.05. */
function permutationFloorWarnings(permutations: number): PValueFloorWarning[] {
  const smallestP = smallestEmpiricalP(permutations);
  if (smallestP <= SIGNIFICANCE_LEVEL) return [];
  return [
    {
      test: 'permutation test (ARI and NMI)',
      samples: permutations,
      smallestP,
      message: `with ${permutations} permutation${permutations === 1 ? '' : 's'} no ARI or NMI p can be below 1/${permutations + 1} = ${smallestP.toFixed(3)}, so none can reach p ≤ ${SIGNIFICANCE_LEVEL}; use ${fewestNullValues()} permutations or more (the default 999 allows 0.001).`,
    },
  ];
}
