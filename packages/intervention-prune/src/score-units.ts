import {
  captureUnitActivations,
  createRandom,
  getLayer,
  InvalidArgumentError,
  lesionMask,
  lesionPoint,
  prepareInputs,
  runLesions,
  subclusters,
  unitLayers,
  type Evaluator,
  type Network,
  type SubclusterOptions,
  type UnitPartition,
  type UnitSelection,
} from '@modscope/core';
import type { Capability } from './capability.js';
import { liveUnits } from './prune-units.js';

/** Forget, control (a trigger's forget inputs without it) and retain inputs in one array, in that order, laid out for the evaluator's network. */
export interface CapabilityInputs {
  inputs: Float32Array;
  forgetCount: number;
  controlCount: number;
  retainCount: number;
}

export function capabilityInputs(evaluator: Evaluator, capability: Capability): CapabilityInputs {
  const forget = prepareInputs(capability.forget, evaluator.network);
  const control = capability.control ? prepareInputs(capability.control, evaluator.network) : new Float32Array(0);
  const retain = prepareInputs(capability.retain, evaluator.network);
  const inputs = new Float32Array(forget.length + control.length + retain.length);
  inputs.set(forget);
  inputs.set(control, forget.length);
  inputs.set(retain, forget.length + control.length);
  return {
    inputs,
    forgetCount: capability.forget.count,
    controlCount: capability.control?.count ?? 0,
    retainCount: capability.retain.count,
  };
}

/** Examples in `capabilityInputs`: forget, control and retain. */
export function capabilityCount(data: CapabilityInputs): number {
  return data.forgetCount + data.controlCount + data.retainCount;
}

/** Forget and retain metrics from logits over `capabilityInputs` (the control examples count towards the forget metric). */
export function capabilityMetrics(
  capability: Capability,
  data: CapabilityInputs,
  logits: Float32Array,
  outputs: number,
): { forget: number; retain: number } {
  const split = (data.forgetCount + data.controlCount) * outputs;
  return {
    forget: capability.forgetMetric(logits.subarray(0, split), outputs),
    retain: capability.retainMetric(logits.subarray(split), outputs),
  };
}

export interface ModuleScore {
  layer: string;
  cluster: number;
  units: Int32Array;
  forget: number;
  retain: number;
  forgetDrop: number;
  retainDrop: number;
  /** forgetDrop − retainDrop (method §6): high = the module carries the capability and little else. */
  score: number;
}

/** Scores every sub-cluster of a partition for a capability by lesioning it on the forget and retain sets. */
export async function scoreModules(
  evaluator: Evaluator,
  capability: Capability,
  partition: UnitPartition,
  options: SubclusterOptions & { data?: CapabilityInputs } = {},
): Promise<{ intact: { forget: number; retain: number }; modules: ModuleScore[] }> {
  const data = options.data ?? capabilityInputs(evaluator, capability);
  const count = capabilityCount(data);
  const whole = await evaluator.run({ inputs: data.inputs, count });
  const intact = capabilityMetrics(capability, data, whole.logits, whole.outputs);
  const found = subclusters(evaluator.network, partition, options);
  const modules: ModuleScore[] = [];
  for (const layer of [...new Set(found.map((s) => s.layer))]) {
    const here = found.filter((s) => s.layer === layer);
    const { logits, outputs } = await runLesions(evaluator, { inputs: data.inputs, count, layer, lesions: here.map((s) => s.units) });
    here.forEach((s, i) => {
      const m = capabilityMetrics(capability, data, logits[i]!, outputs);
      const forgetDrop = intact.forget - m.forget;
      const retainDrop = intact.retain - m.retain;
      modules.push({
        layer,
        cluster: s.cluster,
        units: s.units,
        forget: m.forget,
        retain: m.retain,
        forgetDrop,
        retainDrop,
        score: forgetDrop - retainDrop,
      });
    });
  }
  modules.sort((a, b) => b.score - a.score);
  return { intact, modules };
}

/**
 * The selective-pruning score of every hidden unit (Pochinkov & Schoots): mean |activation| on the forget
 * set / (mean |activation| on the retain set + ε), post-activation, on at most `limit` examples of each.
 */
export async function selectivePruningScores(
  evaluator: Evaluator,
  capability: Capability,
  options: { limit?: number; epsilon?: number; batchSize?: number } = {},
): Promise<{ layer: string; scores: Float64Array }[]> {
  const limit = options.limit ?? 2000;
  const epsilon = options.epsilon ?? 1e-6;
  const layers = unitLayers(evaluator.network)
    .filter((u) => u.hidden)
    .map((u) => u.layer);
  const meanAbs = async (dataset: typeof capability.forget) => {
    const n = Math.min(limit, dataset.count);
    const inputs = prepareInputs(dataset, evaluator.network).subarray(0, (n * dataset.inputs.length) / Math.max(dataset.count, 1));
    const { activations } = await captureUnitActivations(evaluator, {
      inputs,
      count: n,
      layers,
      point: 'post',
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    });
    return activations.map((a) => {
      const sums = new Float64Array(a.units);
      for (let e = 0; e < n; e++) for (let u = 0; u < a.units; u++) sums[u]! += Math.abs(a.data[e * a.units + u]!);
      return sums.map((v) => v / Math.max(n, 1));
    });
  };
  const forget = await meanAbs(capability.forget);
  const retain = await meanAbs(capability.retain);
  return layers.map((layer, l) => ({ layer, scores: forget[l]!.map((f, u) => f / (retain[l]![u]! + epsilon)) }));
}

/** Units per layer of a selection. */
export function countsPerLayer(selection: readonly UnitSelection[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of selection) counts.set(s.layer, (counts.get(s.layer) ?? 0) + s.units.length);
  return counts;
}

/** The `count` highest-scoring units of each layer. */
export function topUnits(scores: readonly { layer: string; scores: ArrayLike<number> }[], counts: Map<string, number>): UnitSelection[] {
  return [...counts].map(([layer, count]) => {
    const s = scores.find((x) => x.layer === layer);
    if (!s)
      throw new InvalidArgumentError({ argument: 'scores', message: `No scores for layer '${layer}'.`, hint: 'Score every hidden layer.' });
    const order = Array.from({ length: s.scores.length }, (_, u) => u).sort((a, b) => s.scores[b]! - s.scores[a]! || a - b);
    return { layer, units: Int32Array.from(order.slice(0, count)).sort() };
  });
}

/** `count` random units of each layer, seeded. */
export function randomUnits(network: Network, counts: Map<string, number>, seed: number): UnitSelection[] {
  const random = createRandom(seed);
  return [...counts].map(([layer, count], i) => {
    const units = getLayer(network, layer).units;
    return { layer, units: Int32Array.from(random.fork(i).sample(units, count)).sort() };
  });
}

/**
 * The `count` live units of each layer (non-zero incoming and outgoing weights, method §6.5) with the
 * smallest L2 norm of incoming weights and bias; fewer where fewer are live. A unit that earlier pruning
 * disconnected is no baseline: removing it changes nothing.
 */
export function lowestMagnitudeUnits(network: Network, counts: Map<string, number>): UnitSelection[] {
  return [...counts].map(([layer, count]) => {
    const l = getLayer(network, layer);
    if (l.kind !== 'dense' && l.kind !== 'conv2d')
      throw new InvalidArgumentError({
        argument: 'layer',
        message: `Layer '${layer}' has no weights.`,
        hint: 'Select dense or conv2d layers.',
      });
    const norms = new Float64Array(l.units);
    for (let i = 0; i < l.kernel.length; i++) norms[i % l.units]! += l.kernel[i]! ** 2;
    if (l.bias) for (let u = 0; u < l.units; u++) norms[u]! += l.bias[u]! ** 2;
    const live = liveUnits(network, layer);
    const order = Array.from(norms.keys())
      .filter((u) => live[u])
      .sort((a, b) => norms[a]! - norms[b]! || a - b);
    return { layer, units: Int32Array.from(order.slice(0, count)).sort() };
  });
}

/** Masks at `lesionPoint` that silence a selection: for evaluating a pruning without editing weights. */
export function selectionMasks(evaluator: Evaluator, selection: readonly UnitSelection[]) {
  return selection.map((s) => {
    const unit = unitLayers(evaluator.network).find((u) => u.layer === s.layer)!;
    return { layer: lesionPoint(unit), mask: lesionMask(unit.units, s.units) };
  });
}

/**
 * Picks modules in order of score until the forget metric falls to `forgetTarget` or the next module would
 * exceed `budget` units; modules with score ≤ 0 are never picked.
 */
export async function chooseModules(
  evaluator: Evaluator,
  capability: Capability,
  modules: readonly ModuleScore[],
  options: { budget?: number; forgetTarget?: number; data?: CapabilityInputs } = {},
): Promise<{ selection: UnitSelection[]; chosen: ModuleScore[]; forget: number; retain: number }> {
  const data = options.data ?? capabilityInputs(evaluator, capability);
  const count = capabilityCount(data);
  const total = unitLayers(evaluator.network)
    .filter((u) => u.hidden)
    .reduce((a, u) => a + u.units, 0);
  if (options.budget !== undefined && (!Number.isInteger(options.budget) || options.budget < 1 || options.budget > total)) {
    throw new InvalidArgumentError({
      argument: '--budget',
      message: `@modscope/intervention-prune: a budget of ${options.budget} units does not fit: the network has ${total} hidden units.`,
      hint: `Use a budget from 1 to ${total}.`,
    });
  }
  const chosen: ModuleScore[] = [];
  let used = 0;
  let metrics = { forget: Number.NaN, retain: Number.NaN };
  for (const m of modules) {
    if (m.score <= 0) break;
    if (options.budget !== undefined && used + m.units.length > options.budget) continue;
    chosen.push(m);
    used += m.units.length;
    const selection = mergeSelection(chosen);
    const { logits, outputs } = await evaluator.run({ inputs: data.inputs, count, masks: selectionMasks(evaluator, selection) });
    metrics = capabilityMetrics(capability, data, logits, outputs);
    if (options.forgetTarget !== undefined && metrics.forget <= options.forgetTarget) break;
  }
  return { selection: mergeSelection(chosen), chosen, ...metrics };
}

/** One selection per layer from a list of modules. */
export function mergeSelection(modules: readonly { layer: string; units: Int32Array }[]): UnitSelection[] {
  const byLayer = new Map<string, Set<number>>();
  for (const m of modules) {
    const set = byLayer.get(m.layer) ?? new Set<number>();
    for (const u of m.units) set.add(u);
    byLayer.set(m.layer, set);
  }
  return [...byLayer].map(([layer, units]) => ({ layer, units: Int32Array.from(units).sort() }));
}
