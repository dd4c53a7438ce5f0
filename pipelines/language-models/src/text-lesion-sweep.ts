import {
  createRandom,
  getLayer,
  InvalidArgumentError,
  transformerView,
  type Evaluator,
  type UnitMask,
  type UnitPartition,
  type WeightEdit,
} from '@modscope/core';
import { empiricalP, fisherCombined, type FisherCombined } from '@modscope/metrics';
import type { TextScore, TokenWindows } from '@modscope/text';
import { scoreWindows } from './evaluate-text.js';

const pkg = '@modscope/language-models';

/** How a lesioned unit is silenced (method §9): its output set to 0, or to its mean over the evaluation text. */
export type Ablation = 'zero' | 'mean';

export interface TextLesionOptions {
  /** Random same-size sets of units of the same block per sub-cluster (default 19). */
  random?: number;
  seed?: number;
  ablation?: Ablation;
  /** Sub-clusters smaller than this are skipped (default 1). */
  minSize?: number;
  /** Windows per inference call. */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Loss figures of one evaluation: overall and per domain, in nats per token. */
export interface TextLoss {
  loss: number;
  accuracy: number;
  domainLoss: number[];
}

export interface TextSubclusterLesion extends TextLoss {
  /** The lesioned layer: a block's MLP activation (`block{b}.mlp.act`) or attention (`block{b}.attention`). */
  layer: string;
  kind: 'neurons' | 'heads';
  block: number;
  cluster: number;
  units: Int32Array;
  layerUnits: number;
  /** Loss added by the lesion, overall and per domain (lesioned − intact). */
  increase: number;
  domainIncrease: number[];
  /** Right-sided p of `increase` against the random sets: small = more important than chance. */
  importanceP: number;
  /** Domain selectivity: (max Δ_d − min Δ_d) / |mean Δ| over domains (the §5 coherence with domains for classes). */
  selectivity: number;
  /** Right-sided p of `selectivity` against the random sets. */
  selectivityP: number;
  /** Right-sided p per domain of its loss increase against the random sets'. */
  domainP: number[];
  random: { increase: Float64Array; selectivity: Float64Array; domainIncrease: Float64Array[] };
}

export interface TextLesionSweep {
  ablation: Ablation;
  domains: string[];
  baseline: TextLoss;
  subclusters: TextSubclusterLesion[];
  fisher: { importance: FisherCombined | null; selectivity: FisherCombined | null };
  random: number;
  seed: number;
  evaluations: number;
}

function lossOf(score: TextScore): TextLoss {
  return { loss: score.overall.loss, accuracy: score.overall.accuracy, domainLoss: score.domains.map((d) => d.loss) };
}

/** (max Δ − min Δ) / |mean Δ| over domains; 0 when the lesion changes nothing. */
function selectivityOf(increase: readonly number[]): number {
  const mean = increase.reduce((a, b) => a + b, 0) / increase.length;
  return Math.abs(mean) < 1e-12 ? 0 : (Math.max(...increase) - Math.min(...increase)) / Math.abs(mean);
}

/** A lesionable layer of a language model and what silences its units. */
interface LesionTarget {
  layer: string;
  kind: 'neurons' | 'heads';
  block: number;
  units: number;
  /** The dense layer that reads this layer's units: where a mean ablation adds its constant. */
  reader: string;
  /** Channels per unit: 1 for neurons, the head size for heads. */
  channels: number;
}

function lesionTargets(evaluator: Evaluator): Map<string, LesionTarget> {
  const view = transformerView(evaluator.network);
  const targets = new Map<string, LesionTarget>();
  for (const b of view.blocks) {
    targets.set(b.activation.id, {
      layer: b.activation.id,
      kind: 'neurons',
      block: b.index,
      units: b.activation.units,
      reader: b.mlpOut.id,
      channels: 1,
    });
    targets.set(b.attention.id, {
      layer: b.attention.id,
      kind: 'heads',
      block: b.index,
      units: b.attention.heads,
      reader: b.attentionOutput.id,
      channels: b.attention.headSize,
    });
  }
  return targets;
}

/** Each lesionable layer's mean output per channel over every position of the windows (for mean ablation). */
async function channelMeans(
  evaluator: Evaluator,
  windows: TokenWindows,
  layers: string[],
  batchSize: number,
): Promise<Map<string, Float64Array>> {
  const sums = new Map<string, Float64Array>();
  let positions = 0;
  for (let first = 0; first < windows.count; first += batchSize) {
    const n = Math.min(batchSize, windows.count - first);
    const inputs = Float32Array.from(windows.tokens.subarray(first * windows.context, (first + n) * windows.context));
    const { activations } = await evaluator.run({ inputs, count: n, batchSize: n, capture: layers });
    for (const id of layers) {
      const { data, shape } = activations.get(id)!;
      const width = shape[shape.length - 1]!;
      const sum = sums.get(id) ?? new Float64Array(width);
      for (let i = 0; i < data.length; i++) sum[i % width]! += data[i]!;
      sums.set(id, sum);
    }
    positions += n * windows.context;
  }
  for (const sum of sums.values()) for (let c = 0; c < sum.length; c++) sum[c]! /= positions;
  return sums;
}

/**
 * The lesion sweep of method §9: every sub-cluster (cluster ∩ layer) of a language model's MLP neurons and
 * attention heads is silenced — zero ablation, or mean ablation (its mean output over `windows`) — and its
 * loss increase, overall and per domain, compared with `random` same-size sets of units of the same block:
 * importance (right-sided p of the increase), domain selectivity (the §5 coherence statistic with domains
 * for classes) and the increase per domain, with Fisher's combination over sub-clusters.
 */
export async function textLesionSweep(
  evaluator: Evaluator,
  windows: TokenWindows,
  partition: UnitPartition,
  options: TextLesionOptions = {},
): Promise<TextLesionSweep> {
  const random = options.random ?? 19;
  const seed = options.seed ?? 0;
  const ablation = options.ablation ?? 'zero';
  const batchSize = Math.max(1, options.batchSize ?? 32);
  if (!Number.isInteger(random) || random < 1)
    throw new InvalidArgumentError({
      argument: 'random',
      message: `${pkg}: random must be a whole number ≥ 1, got ${random}.`,
      hint: 'Use 19 or more.',
    });
  const targets = lesionTargets(evaluator);
  const subclusters: { target: LesionTarget; cluster: number; units: Int32Array }[] = [];
  for (const { layer, labels } of partition.layers) {
    const target = targets.get(layer);
    if (!target) continue; // the residual stream and anything else that is not a unit layer
    if (labels.length !== target.units)
      throw new InvalidArgumentError({
        argument: 'partition',
        message: `${pkg}: the partition gives ${labels.length} labels for layer '${layer}', which has ${target.units} units.`,
        hint: 'Use a partition of this model (modscope cluster on the same file).',
      });
    for (let c = 0; c < partition.k; c++) {
      const units = Int32Array.from(Array.from(labels).flatMap((l, u) => (l === c ? [u] : [])));
      if (units.length >= Math.max(1, options.minSize ?? 1) && units.length < target.units) subclusters.push({ target, cluster: c, units });
    }
  }
  const means =
    ablation === 'mean'
      ? await channelMeans(evaluator, windows, [...new Set(subclusters.map((s) => s.target.layer))], batchSize)
      : undefined;
  /** The masks (and, for mean ablation, the bias edits) that silence `units` of `target`. */
  const silence = (target: LesionTarget, units: Int32Array): { masks: UnitMask[]; edits: WeightEdit[] } => {
    const mask = new Float32Array(target.units).fill(1);
    for (const u of units) mask[u] = 0;
    const masks = [{ layer: target.layer, mask }];
    if (!means) return { masks, edits: [] };
    const reader = getLayer(evaluator.network, target.reader);
    if (reader.kind !== 'dense') return { masks, edits: [] };
    const [, out] = reader.kernelShape;
    const bias = reader.bias ? Float32Array.from(reader.bias) : new Float32Array(out);
    const mean = means.get(target.layer)!;
    for (const u of units)
      for (let c = u * target.channels; c < (u + 1) * target.channels; c++)
        for (let j = 0; j < out; j++) bias[j]! += mean[c]! * reader.kernel[c * out + j]!;
    return { masks, edits: [{ layer: target.reader, bias }] };
  };
  const evaluate = async (target: LesionTarget, units: Int32Array) =>
    lossOf(await scoreWindows(evaluator, windows, { batchSize, ...silence(target, units) }));
  const baseline = lossOf(await scoreWindows(evaluator, windows, { batchSize }));
  const root = createRandom(seed);
  const total = subclusters.length * (random + 1);
  const results: TextSubclusterLesion[] = [];
  for (let i = 0; i < subclusters.length; i++) {
    const { target, cluster, units } = subclusters[i]!;
    const draw = root.fork(i);
    const own = await evaluate(target, units);
    const others: TextLoss[] = [];
    for (let r = 0; r < random; r++) others.push(await evaluate(target, Int32Array.from(draw.sample(target.units, units.length)).sort()));
    const increaseOf = (l: TextLoss) => l.loss - baseline.loss;
    const domainIncreaseOf = (l: TextLoss) => l.domainLoss.map((v, d) => v - baseline.domainLoss[d]!);
    const randomIncrease = Float64Array.from(others, increaseOf);
    const randomDomain = others.map((o) => Float64Array.from(domainIncreaseOf(o)));
    const randomSelectivity = Float64Array.from(randomDomain, (d) => selectivityOf([...d]));
    const domainIncrease = domainIncreaseOf(own);
    const selectivity = selectivityOf(domainIncrease);
    results.push({
      layer: target.layer,
      kind: target.kind,
      block: target.block,
      cluster,
      units,
      layerUnits: target.units,
      ...own,
      increase: increaseOf(own),
      domainIncrease,
      importanceP: empiricalP(increaseOf(own), randomIncrease, 'right'),
      selectivity,
      selectivityP: empiricalP(selectivity, randomSelectivity, 'right'),
      domainP: domainIncrease.map((v, d) =>
        empiricalP(
          v,
          randomDomain.map((r) => r[d]!),
          'right',
        ),
      ),
      random: { increase: randomIncrease, selectivity: randomSelectivity, domainIncrease: randomDomain },
    });
    options.onProgress?.((i + 1) * (random + 1), total);
  }
  return {
    ablation,
    domains: [...windows.domains],
    baseline,
    subclusters: results,
    fisher: {
      importance: results.length ? fisherCombined(results.map((r) => r.importanceP)) : null,
      selectivity: results.length ? fisherCombined(results.map((r) => r.selectivityP)) : null,
    },
    random,
    seed,
    evaluations: total + 1,
  };
}
