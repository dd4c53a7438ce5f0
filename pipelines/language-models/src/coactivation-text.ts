import { transformerView, type Evaluator, type UnitActivations, type UnitPartition } from '@modscope/core';
import { coactivationGraph, coactivationPartitioner } from '@modscope/partition-coactivation';
import type { TokenWindows } from '@modscope/text';

export interface TextCoactivationOptions {
  k?: number;
  seed?: number;
  measure?: 'spearman' | 'pearson';
  /** Token positions correlated over, spread evenly over the windows (default 5,000, as the method's examples). */
  positions?: number;
  batchSize?: number;
}

/**
 * A coactivation partition of a language model's MLP neurons over tokens (method §5 and §9): every token
 * position of the windows is an example; the neurons' squared correlations across positions (Spearman by
 * default) form the graph, clustered spectrally into k modules. Neurons that never vary are left out (−1).
 */
export async function textCoactivationPartition(
  evaluator: Evaluator,
  windows: TokenWindows,
  options: TextCoactivationOptions = {},
): Promise<UnitPartition & { source: string; positions: number }> {
  const k = options.k ?? 12;
  const view = transformerView(evaluator.network);
  const layers = view.blocks.map((b) => b.activation.id);
  const T = windows.context;
  const total = windows.count * T;
  const wanted = Math.min(options.positions ?? 5000, total);
  // Every `step`-th position of the text, the first `wanted` of them.
  const step = Math.max(1, Math.floor(total / wanted));
  const data = layers.map((id) => new Float32Array(wanted * evaluator.network.layers.find((l) => l.id === id)!.units));
  const batch = Math.max(1, options.batchSize ?? 32);
  let kept = 0;
  for (let first = 0; first < windows.count && kept < wanted; first += batch) {
    const n = Math.min(batch, windows.count - first);
    const inputs = Float32Array.from(windows.tokens.subarray(first * T, (first + n) * T));
    const { activations } = await evaluator.run({ inputs, count: n, batchSize: n, capture: layers });
    for (let q = 0; q < n * T; q++) {
      const global = first * T + q;
      if (global % step !== 0 || kept >= wanted) continue;
      layers.forEach((id, li) => {
        const { data: values, shape } = activations.get(id)!;
        const units = shape[shape.length - 1]!;
        data[li]!.set(values.subarray(q * units, (q + 1) * units), kept * units);
      });
      kept++;
    }
  }
  const unitActivations: UnitActivations[] = layers.map((id, li) => {
    const units = data[li]!.length / wanted;
    return { layer: id, units, count: kept, point: 'post', data: data[li]!.subarray(0, kept * units) };
  });
  const measure = options.measure ?? 'spearman';
  const { graph, nodes } = coactivationGraph(unitActivations, { measure });
  const partition = await coactivationPartitioner.partition(graph, { k, seed: options.seed ?? 0 });
  const labels = unitActivations.map((a) => new Int32Array(a.units).fill(-1));
  nodes.forEach((node, i) => {
    labels[layers.indexOf(node.layer)]![node.unit] = partition.labels[i]!;
  });
  return {
    source: `coactivation over tokens (${measure}, ${kept} positions)`,
    k: partition.k,
    layers: layers.map((layer, li) => ({ layer, labels: labels[li]! })),
    positions: kept,
  };
}
