import { createRandom, transformerView, type Network, type UnitPartition } from '@modscope/core';
import type { LanguageModelMask } from '@modscope/train';
import type { TextCapability } from './text-capability.js';
import type { TextSession, UnitSilence } from './text-session.js';

/** Units of one layer: an MLP activation (neurons) or an attention layer (heads). */
export interface TextUnitSelection {
  layer: string;
  units: number[];
}

/** One module (a sub-cluster of a layer) scored for the capability by its lesion (method §9). */
export interface TextModuleScore {
  layer: string;
  kind: 'neurons' | 'heads';
  block: number;
  cluster: number;
  units: number[];
  /** Increase of the forget loss (a domain's text, or a trigger's target) when the module is zeroed. */
  forgetDelta: number;
  /** Increase of the retain loss. */
  retainDelta: number;
  /** forgetDelta − retainDelta (nats). */
  score: number;
}

/** A selection as the units a text session silences. */
export const silenceOf = (selection: readonly TextUnitSelection[]): UnitSilence => {
  const out = new Map<string, number[]>();
  for (const s of selection) out.set(s.layer, [...(out.get(s.layer) ?? []), ...s.units]);
  return out;
};

/**
 * Every sub-cluster of the partition's neuron and head layers, zeroed on its own: Δforget − Δretain. A
 * sub-cluster that fills its whole layer (e.g. all heads of a block) is skipped: the random, magnitude and
 * selective baselines would take the same units.
 */
export function scoreTextModules(
  session: TextSession,
  partition: UnitPartition,
  evaluation: { forget: TextCapability['forgetTest']; retain: TextCapability['retainTest'] },
): { modules: TextModuleScore[]; forgetLoss: number; retainLoss: number } {
  const view = transformerView(session.network);
  const forgetLoss = session.loss(evaluation.forget).loss;
  const retainLoss = session.loss(evaluation.retain).loss;
  const modules: TextModuleScore[] = [];
  for (const { layer, labels } of partition.layers) {
    const block = view.blocks.findIndex((b) => b.activation.id === layer || b.attention.id === layer);
    if (block < 0) continue;
    const kind = view.blocks[block]!.attention.id === layer ? 'heads' : 'neurons';
    const clusters = new Map<number, number[]>();
    labels.forEach((c, u) => {
      if (c >= 0) clusters.set(c, [...(clusters.get(c) ?? []), u]);
    });
    for (const [cluster, units] of [...clusters].sort((a, b) => a[0] - b[0])) {
      // A module that fills its layer leaves the baselines no other units to take: nothing to compare with.
      if (units.length === labels.length) continue;
      const silence = new Map([[layer, units]]);
      const forgetDelta = session.loss(evaluation.forget, silence).loss - forgetLoss;
      const retainDelta = session.loss(evaluation.retain, silence).loss - retainLoss;
      modules.push({ layer, kind, block, cluster, units, forgetDelta, retainDelta, score: forgetDelta - retainDelta });
    }
  }
  return { modules, forgetLoss, retainLoss };
}

/**
 * Adds modules in order of score (only those with a positive score) until `reached` says the capability is
 * gone or the next module would take the selection past `budget` units.
 */
export async function chooseTextModules(
  modules: readonly TextModuleScore[],
  options: { budget: number; reached: (selection: TextUnitSelection[]) => boolean | Promise<boolean> },
): Promise<{ chosen: TextModuleScore[]; selection: TextUnitSelection[] }> {
  const chosen: TextModuleScore[] = [];
  let units = 0;
  for (const m of [...modules].filter((m) => m.score > 0).sort((a, b) => b.score - a.score)) {
    if (units + m.units.length > options.budget) continue;
    chosen.push(m);
    units += m.units.length;
    if (await options.reached(selectionOf(chosen))) break;
  }
  return { chosen, selection: selectionOf(chosen) };
}

/** The units of `modules`, merged by layer. */
function selectionOf(modules: readonly TextModuleScore[]): TextUnitSelection[] {
  const byLayer = new Map<string, number[]>();
  for (const m of modules) byLayer.set(m.layer, [...(byLayer.get(m.layer) ?? []), ...m.units]);
  return [...byLayer].map(([layer, u]) => ({ layer, units: u.sort((a, b) => a - b) }));
}

/** Units per layer of a selection. */
export const countsOf = (selection: readonly TextUnitSelection[]) => new Map(selection.map((s) => [s.layer, s.units.length]));

/** Random units of the same layers, as many per layer (seeded). */
export function randomTextUnits(network: Network, counts: ReadonlyMap<string, number>, seed: number): TextUnitSelection[] {
  const random = createRandom(seed).fork(11);
  return [...counts].map(([layer, count]) => ({
    layer,
    units: [...random.sample(unitCount(network, layer), count)].sort((a, b) => a - b),
  }));
}

function unitCount(network: Network, layer: string): number {
  const block = transformerView(network).blocks.find((b) => b.activation.id === layer || b.attention.id === layer)!;
  return block.attention.id === layer ? block.attention.heads : block.mlpIn.units;
}

/**
 * Incoming-weight magnitude of every unit: a neuron's column of W_in and its bias, a head's slices of
 * W_Q, W_K, W_V and their biases; and whether it is live (non-zero incoming and outgoing weights).
 */
function magnitudes(network: Network, layer: string): { norms: Float64Array; live: boolean[] } {
  const block = transformerView(network).blocks.find((b) => b.activation.id === layer || b.attention.id === layer)!;
  if (block.attention.id === layer) {
    const { attention, attentionOutput } = block;
    const width = attention.heads * attention.headSize;
    const d = attentionOutput.units;
    const norms = new Float64Array(attention.heads);
    const out = new Float64Array(attention.heads);
    for (const name of ['query', 'key', 'value'] as const) {
      const k = attention[name];
      for (let i = 0; i < k.length; i++) norms[Math.floor((i % width) / attention.headSize)]! += k[i]! ** 2;
      const bias = attention[`${name}Bias`];
      if (bias) for (let c = 0; c < width; c++) norms[Math.floor(c / attention.headSize)]! += bias[c]! ** 2;
    }
    for (let r = 0; r < width; r++)
      for (let j = 0; j < d; j++) out[Math.floor(r / attention.headSize)]! += attentionOutput.kernel[r * d + j]! ** 2;
    return { norms, live: Array.from(norms, (n, h) => n > 0 && out[h]! > 0) };
  }
  const { mlpIn, mlpOut } = block;
  const n = mlpIn.units;
  const d = mlpOut.units;
  const norms = new Float64Array(n);
  const out = new Float64Array(n);
  for (let i = 0; i < mlpIn.kernel.length; i++) norms[i % n]! += mlpIn.kernel[i]! ** 2;
  if (mlpIn.bias) for (let j = 0; j < n; j++) norms[j]! += mlpIn.bias[j]! ** 2;
  for (let j = 0; j < n; j++) for (let i = 0; i < d; i++) out[j]! += mlpOut.kernel[j * d + i]! ** 2;
  return { norms, live: Array.from(norms, (v, j) => v > 0 && out[j]! > 0) };
}

/** The lowest-magnitude live units of each layer (method §6.5: a disconnected unit is no baseline). */
export function lowestMagnitudeTextUnits(network: Network, counts: ReadonlyMap<string, number>): TextUnitSelection[] {
  return [...counts].map(([layer, count]) => {
    const { norms, live } = magnitudes(network, layer);
    const order = Array.from(norms.keys())
      .filter((u) => live[u])
      .sort((a, b) => norms[a]! - norms[b]! || a - b);
    return { layer, units: order.slice(0, count).sort((a, b) => a - b) };
  });
}

/**
 * Selective pruning (Pochinkov & Schoots 2024): each unit's mean |activation| on the forget text over its
 * mean on the retain text (+ ε); the top units of each layer.
 */
export function selectiveTextUnits(
  session: TextSession,
  evaluation: { forget: TextCapability['forgetTest']; retain: TextCapability['retainTest'] },
  counts: ReadonlyMap<string, number>,
): TextUnitSelection[] {
  const layers = [...counts.keys()];
  const forget = session.meanAbsoluteActivations(evaluation.forget, layers);
  const retain = session.meanAbsoluteActivations(evaluation.retain, layers);
  return layers.map((layer) => {
    const f = forget.get(layer)!;
    const r = retain.get(layer)!;
    const score = Array.from(f, (v, u) => v / (r[u]! + 1e-6));
    const order = Array.from(score.keys()).sort((a, b) => score[b]! - score[a]! || a - b);
    return { layer, units: order.slice(0, counts.get(layer)!).sort((a, b) => a - b) };
  });
}

/** The held masks of a selection: 0 for every selected unit. */
export function masksOf(network: Network, selection: readonly TextUnitSelection[]): LanguageModelMask[] {
  return selection.map(({ layer, units }) => {
    const mask = new Float32Array(unitCount(network, layer)).fill(1);
    for (const u of units) mask[u] = 0;
    return { layer, units: mask };
  });
}
