import { createRandom } from '@modscope/core';
import { tinyMlp } from '@modscope/core/testing';
import { describe, expect, it } from 'vitest';
import { buildWeightGraph } from './build-weight-graph.js';
import { layerSparsity, magnitudePrune } from './magnitude-prune.js';
import { removeIsolatedNodes } from './remove-isolated-nodes.js';
import { shuffleWeightGraph } from './shuffle-graph.js';
import type { WeightGraph } from './weight-graph.js';

describe('magnitudePrune', () => {
  it('zeroes the smallest magnitudes, ties to the lowest index, exactly as a sort by (|w|, index) would', () => {
    const random = createRandom(12);
    for (const [size, levels, sparsity] of [[1001, 7, 0.9], [4096, 1000, 0.5], [333, 2, 0.3], [50, 50, 0.98]] as const) {
      // few distinct magnitudes: many ties at the threshold; both signs
      const kernel = Float32Array.from({ length: size }, () => (Math.floor(random.next() * levels) / levels) * (random.next() < 0.5 ? -1 : 1));
      const network = { name: 'ties', inputShape: [size], layers: [{ id: 'd', name: 'd', kind: 'dense' as const, inputs: size, units: 1, kernel, bias: new Float32Array(1), activation: 'linear' as const }] };
      const pruned = magnitudePrune(network as never, { sparsity });
      const drop = Math.round(sparsity * size);
      const order = Array.from({ length: size }, (_, i) => i).sort((a, b) => Math.abs(kernel[a]!) - Math.abs(kernel[b]!) || a - b);
      const expected = kernel.slice();
      for (let i = 0; i < drop; i++) expected[order[i]!] = 0;
      expect([...(pruned.layers[0] as { kernel: Float32Array }).kernel]).toEqual([...expected]);
    }
  });

  const network = tinyMlp({ sizes: [10, 20, 15, 4], seed: 3 });

  it('zeros exactly the smallest fraction of each layer and leaves the input alone', () => {
    const pruned = magnitudePrune(network, { sparsity: 0.75 });
    for (const [id, s] of layerSparsity(pruned)) {
      const before = network.layers.find((l) => l.id === id)!;
      const after = pruned.layers.find((l) => l.id === id)!;
      if (before.kind !== 'dense' || after.kind !== 'dense') throw new Error('dense expected');
      expect(s).toBeCloseTo(Math.round(0.75 * before.kernel.length) / before.kernel.length, 12);
      // every kept weight is at least as large as every removed one
      let maxRemoved = 0;
      let minKept = Infinity;
      for (let i = 0; i < before.kernel.length; i++) {
        const m = Math.abs(before.kernel[i]!);
        if (after.kernel[i] === 0) maxRemoved = Math.max(maxRemoved, m);
        else {
          minKept = Math.min(minKept, m);
          expect(after.kernel[i]).toBe(before.kernel[i]);
        }
      }
      expect(maxRemoved).toBeLessThanOrEqual(minKept);
    }
    expect([...layerSparsity(network).values()].every((s) => s === 0)).toBe(true);
  });

  it('skips named layers and refuses a sparsity outside [0, 1)', () => {
    const pruned = magnitudePrune(network, { sparsity: 0.5, skip: ['dense1'] });
    expect(layerSparsity(pruned).get('dense1')).toBe(0);
    expect(layerSparsity(pruned).get('dense2')).toBe(0.5);
    expect(() => magnitudePrune(network, { sparsity: 1 })).toThrow(/outside \[0, 1\)/);
  });
});

/** Per block (pair of node layers): the sorted multiset of weights, zeros counted over all cells. */
function blockMultisets(graph: WeightGraph): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (let i = 0; i < graph.nodeCount; i++) {
    for (let p = graph.indptr[i]!; p < graph.indptr[i + 1]!; p++) {
      const j = graph.indices[p]!;
      if (j <= i) continue;
      const key = [graph.nodeLayer[i], graph.nodeLayer[j]].sort().join('-');
      if (!out.has(key)) out.set(key, []);
      out.get(key)!.push(graph.weights[p]!);
    }
  }
  for (const v of out.values()) v.sort((a, b) => a - b);
  return out;
}

describe('shuffleWeightGraph', () => {
  const graph = removeIsolatedNodes(buildWeightGraph(magnitudePrune(tinyMlp({ sizes: [12, 16, 16, 5], seed: 4 }), { sparsity: 0.6 })));

  it('layer-nonzero keeps the topology and each layer’s weights, and moves them', () => {
    const shuffled = shuffleWeightGraph(graph, 'layer-nonzero', createRandom(1));
    expect([...shuffled.indptr]).toEqual([...graph.indptr]);
    expect([...shuffled.indices]).toEqual([...graph.indices]);
    expect(blockMultisets(shuffled)).toEqual(blockMultisets(graph));
    expect([...shuffled.weights]).not.toEqual([...graph.weights]);
    // still symmetric
    const w = (g: WeightGraph, i: number, j: number) => {
      for (let p = g.indptr[i]!; p < g.indptr[i + 1]!; p++) if (g.indices[p] === j) return g.weights[p]!;
      return 0;
    };
    for (let i = 0; i < shuffled.nodeCount; i++) for (let p = shuffled.indptr[i]!; p < shuffled.indptr[i + 1]!; p++) expect(w(shuffled, shuffled.indices[p]!, i)).toBe(shuffled.weights[p]);
  });

  it('layer keeps each layer’s weight multiset but not the topology', () => {
    const shuffled = shuffleWeightGraph(graph, 'layer', createRandom(2));
    expect(blockMultisets(shuffled)).toEqual(blockMultisets(graph));
    expect([...shuffled.indices]).not.toEqual([...graph.indices]);
    expect(shuffled.nodeCount).toBe(graph.nodeCount);
    expect([...shuffled.nodeLayer]).toEqual([...graph.nodeLayer]);
  });

  it('is reproducible for a seed and refuses unknown nulls', () => {
    const a = shuffleWeightGraph(graph, 'layer', createRandom(7));
    const b = shuffleWeightGraph(graph, 'layer', createRandom(7));
    expect([...a.weights]).toEqual([...b.weights]);
    expect([...a.indices]).toEqual([...b.indices]);
    expect(() => shuffleWeightGraph(graph, 'global' as never, createRandom(0))).toThrow(/unknown null model 'global'/);
  });
});
