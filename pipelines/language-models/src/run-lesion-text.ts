import type { LoadedModel, Network, UnitPartition } from '@modscope/core';
import { textCoactivationPartition } from './coactivation-text.js';
import { lesionFloors, lesionFloorWarnings, readPartitionFile, type LesionFloors } from '@modscope/lesion-study';
import type { PValueFloorWarning } from '@modscope/metrics';
import type { TextLesionResultFile } from '@modscope/results';
import { TEXT_LESION_RESULT_KIND, TEXT_LESION_RESULT_VERSION } from '@modscope/results/format';
import { selectWindowsPerDomain } from './select-windows.js';
import { loadTextData, type TextDataOptions, type TextSplit } from './text-data.js';
import { textLesionSweep, type Ablation, type TextLoss } from './text-lesion-sweep.js';
import { topContexts, type TopContext } from './top-contexts.js';

export interface TextLesionStudyOptions extends TextDataOptions {
  /**
   * `weights` (the residual-view weight graph, heads included), `coactivation` (the MLP neurons' correlations
   * over tokens) or a `modscope cluster --json` file. Default `weights`.
   */
  partition?: string;
  /** Clusters of a computed partition. Default 12. */
  k?: number;
  /** Random same-size sets of the same block per sub-cluster. Default 19. */
  random?: number;
  seed?: number;
  ablation?: Ablation;
  /** Contexts shown per sub-cluster. Default 10. */
  top?: number;
  /** Use only the first `limit` windows of each domain. Default all. */
  limit?: number;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/** One sub-cluster's lesion, as written to JSON. */
export interface TextSubclusterResult {
  layer: string;
  kind: 'neurons' | 'heads';
  block: number;
  cluster: number;
  size: number;
  layerUnits: number;
  units: number[];
  loss: number;
  accuracy: number;
  domainLoss: number[];
  increase: number;
  domainIncrease: number[];
  importanceP: number;
  selectivity: number;
  selectivityP: number;
  domainP: number[];
  random: { increase: number[]; selectivity: number[] };
  upstream: { contexts: TopContext[]; domainEntropy: number; domainEntropyP: number };
}

/**
 * What `modscope lesion MODEL --text … --json` writes (method §9, Lesions): a `TextLesionResultFile` of
 * `@modscope/results` (statistics that are not defined are NaN here, null in the file).
 */
export interface TextLesionResult {
  kind: typeof TEXT_LESION_RESULT_KIND;
  version: typeof TEXT_LESION_RESULT_VERSION;
  model: string;
  engine: string;
  tokenizer: string;
  split: TextSplit;
  domains: string[];
  windows: number;
  context: number;
  ablation: Ablation;
  partition: { source: string; k: number; layers: { layer: string; labels: number[] }[] };
  random: number;
  seed: number;
  smallestP: LesionFloors;
  baseline: TextLoss;
  subclusters: TextSubclusterResult[];
  fisher: { importance: number | null; selectivity: number | null };
  warnings: PValueFloorWarning[];
  seconds: number;
}

/** The residual-view partition of a language model's neurons and heads (heads included so they are units too). */
export async function weightPartition(network: Network, k: number, seed: number): Promise<UnitPartition & { source: string }> {
  const { analyzeClusterability } = await import('@modscope/clusterability');
  const { spectralPartitioner } = await import('@modscope/partition-spectral');
  const r = await analyzeClusterability(network, {
    k,
    seed,
    partitioner: spectralPartitioner,
    shuffles: 0,
    languageModel: { attention: true },
  });
  return {
    source: 'weights (residual view, heads included)',
    k: r.k,
    layers: r.layers.map((l, i) => ({ layer: l.id, labels: Int32Array.from(r.labels[i]!) })),
  };
}

/**
 * `modscope lesion MODEL --text …`: the lesion study of method §9 on a language model — a partition of its
 * MLP neurons and attention heads, every sub-cluster lesioned against random same-size sets of its block
 * (importance, domain selectivity, per-domain loss increase, Fisher's combination), and for each the text
 * that activates it most with the entropy of that text's domains.
 */
export async function runLesionText(model: LoadedModel, options: TextLesionStudyOptions): Promise<TextLesionResult> {
  const started = performance.now();
  const seed = options.seed ?? 0;
  const data = await loadTextData(model.network, options);
  const windows = options.limit ? selectWindowsPerDomain(data.windows, options.limit) : data.windows;
  const evaluator = await model.createEvaluator();
  try {
    const partition =
      !options.partition || options.partition === 'weights'
        ? await weightPartition(model.network, options.k ?? 12, seed)
        : options.partition === 'coactivation'
          ? await textCoactivationPartition(evaluator, windows, { k: options.k ?? 12, seed })
          : await readPartitionFile(options.partition);
    const sweep = await textLesionSweep(evaluator, windows, partition, {
      random: options.random ?? 19,
      seed,
      ablation: options.ablation ?? 'zero',
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    const sets = sweep.subclusters.map((s) => ({
      layer: s.layer,
      cluster: s.cluster,
      units: s.units,
      layerUnits: s.layerUnits,
      channels: s.kind === 'heads' ? headSize(model, s.layer) : 1,
    }));
    const upstream = await topContexts(evaluator, windows, data.tokenizer, sets, { top: options.top ?? 10, random: sweep.random, seed });
    const k = sweep.subclusters.length;
    return {
      kind: TEXT_LESION_RESULT_KIND,
      version: TEXT_LESION_RESULT_VERSION,
      model: model.network.name,
      engine: evaluator.name,
      tokenizer: data.tokenizer.name,
      split: data.split,
      domains: sweep.domains,
      windows: windows.count,
      context: windows.context,
      ablation: sweep.ablation,
      partition: {
        source: partition.source,
        k: partition.k,
        layers: partition.layers.map((l) => ({ layer: l.layer, labels: Array.from(l.labels) })),
      },
      random: sweep.random,
      seed,
      smallestP: lesionFloors(sweep.random, k),
      baseline: sweep.baseline,
      subclusters: sweep.subclusters.map((s, i) => ({
        layer: s.layer,
        kind: s.kind,
        block: s.block,
        cluster: s.cluster,
        size: s.units.length,
        layerUnits: s.layerUnits,
        units: Array.from(s.units),
        loss: s.loss,
        accuracy: s.accuracy,
        domainLoss: s.domainLoss,
        increase: s.increase,
        domainIncrease: s.domainIncrease,
        importanceP: s.importanceP,
        selectivity: s.selectivity,
        selectivityP: s.selectivityP,
        domainP: s.domainP,
        random: { increase: Array.from(s.random.increase), selectivity: Array.from(s.random.selectivity) },
        upstream: {
          contexts: upstream[i]!.contexts,
          domainEntropy: upstream[i]!.domainEntropy,
          domainEntropyP: upstream[i]!.domainEntropyP,
        },
      })),
      fisher: { importance: sweep.fisher.importance?.p ?? null, selectivity: sweep.fisher.selectivity?.p ?? null },
      warnings: lesionFloorWarnings({
        sets: 'random sets',
        tests: 'importance, selectivity, per-domain and upstream',
        random: sweep.random,
        subclusters: k,
      }),
      seconds: (performance.now() - started) / 1000,
    } satisfies TextLesionResultFile;
  } finally {
    await evaluator.dispose();
  }
}

function headSize(model: LoadedModel, layer: string): number {
  const found = model.network.layers.find((l) => l.id === layer);
  return found?.kind === 'attention' ? found.headSize : 1;
}
