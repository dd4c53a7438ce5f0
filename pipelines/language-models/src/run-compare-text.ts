import type { LoadedModel } from '@modscope/core';
import { comparePartitions, type PartitionComparison } from '@modscope/metrics';
import type { TextCompareResultFile } from '@modscope/results';
import { TEXT_COMPARE_RESULT_KIND, TEXT_COMPARE_RESULT_VERSION } from '@modscope/results/format';
import { textCoactivationPartition } from './coactivation-text.js';
import { selectWindowsPerDomain } from './select-windows.js';
import { loadTextData, type TextDataOptions } from './text-data.js';

export interface TextCompareOptions extends TextDataOptions {
  k?: number;
  seed?: number;
  measure?: 'spearman' | 'pearson';
  permutations?: number;
  limit?: number;
}

/** What `modscope compare MODEL --text … --json` writes: a `TextCompareResultFile` of `@modscope/results`. */
export interface TextCompareResult {
  kind: typeof TEXT_COMPARE_RESULT_KIND;
  version: typeof TEXT_COMPARE_RESULT_VERSION;
  model: string;
  domains: string[];
  windows: number;
  k: number;
  partitions: { weights: string; coactivation: string };
  /** Over every MLP neuron of every block. */
  overall: PartitionComparison;
  /** Per block's neurons. */
  layers: (PartitionComparison & { layer: string })[];
}

/**
 * `modscope compare` on a language model: how well the residual-view weight-graph partition of the MLP
 * neurons agrees with their coactivation partition over tokens (ARI and NMI against a permutation null).
 */
export async function runCompareText(model: LoadedModel, options: TextCompareOptions): Promise<TextCompareResult> {
  const k = options.k ?? 12;
  const seed = options.seed ?? 0;
  const data = await loadTextData(model.network, options);
  const windows = options.limit ? selectWindowsPerDomain(data.windows, options.limit) : data.windows;
  const { analyzeClusterability } = await import('@modscope/clusterability');
  const { spectralPartitioner } = await import('@modscope/partition-spectral');
  const weights = await analyzeClusterability(model.network, { k, seed, partitioner: spectralPartitioner, shuffles: 0 });
  const evaluator = await model.createEvaluator();
  try {
    const coactivation = await textCoactivationPartition(evaluator, windows, {
      k,
      seed,
      ...(options.measure ? { measure: options.measure } : {}),
    });
    const neuronLayers = coactivation.layers.map((l) => l.layer);
    const weightLabels = (layer: string) => Int32Array.from(weights.labels[weights.layers.findIndex((l) => l.id === layer)]!);
    const coLabels = (layer: string) => coactivation.layers.find((l) => l.layer === layer)!.labels;
    const concat = (of: (layer: string) => Int32Array) => Int32Array.from(neuronLayers.flatMap((layer) => Array.from(of(layer))));
    const permutationNull = { permutations: options.permutations ?? 999, seed };
    return {
      kind: TEXT_COMPARE_RESULT_KIND,
      version: TEXT_COMPARE_RESULT_VERSION,
      model: model.network.name,
      domains: [...windows.domains],
      windows: windows.count,
      k,
      partitions: { weights: 'weights (residual view)', coactivation: coactivation.source },
      overall: comparePartitions(concat(weightLabels), concat(coLabels), permutationNull),
      layers: neuronLayers.map((layer) => ({ layer, ...comparePartitions(weightLabels(layer), coLabels(layer), permutationNull) })),
    } satisfies TextCompareResultFile;
  } finally {
    await evaluator.dispose();
  }
}
