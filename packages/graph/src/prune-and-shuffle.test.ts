import { createRandom } from '@modscope/core';
import { tinyMlp, tinyResidualCnn } from '@modscope/core/testing';
import { describe, expect, it } from 'vitest';
import { buildWeightGraph } from './build-weight-graph.js';
import { layerSparsity, magnitudePrune } from './magnitude-prune.js';
import { removeIsolatedNodes } from './remove-isolated-nodes.js';
import { builderShuffler, shuffleWeightGraph, weightGraphShuffler } from './shuffle-graph.js';
import type { WeightGraph } from './weight-graph.js';

describe('magnitudePrune', () => {
  it('zeroes the smallest magnitudes, ties to the lowest index, exactly as a sort by (|w|, index) would', () => {
    const random = createRandom(12);
    for (const [size, levels, sparsity] of [
      [1001, 7, 0.9],
      [4096, 1000, 0.5],
      [333, 2, 0.3],
      [50, 50, 0.98],
    ] as const) {
      // few distinct magnitudes: many ties at the threshold; both signs
      const kernel = Float32Array.from(
        { length: size },
        () => (Math.floor(random.next() * levels) / levels) * (random.next() < 0.5 ? -1 : 1),
      );
      const network = {
        name: 'ties',
        inputShape: [size],
        layers: [
          {
            id: 'd',
            name: 'd',
            kind: 'dense' as const,
            inputs: size,
            units: 1,
            kernel,
            bias: new Float32Array(1),
            activation: 'linear' as const,
          },
        ],
      };
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
    for (let i = 0; i < shuffled.nodeCount; i++)
      for (let p = shuffled.indptr[i]!; p < shuffled.indptr[i + 1]!; p++)
        expect(w(shuffled, shuffled.indices[p]!, i)).toBe(shuffled.weights[p]);
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

  it('the direct paths give exactly the graph of the general one (through CsrBuilder), blocks between non-adjacent layers included', () => {
    const graphs = [
      graph,
      buildWeightGraph(tinyMlp({ sizes: [7, 9, 3], seed: 5 })), // unpruned: every cell filled
      buildWeightGraph(tinyResidualCnn(), { includeDense: true }), // conv1 → fc across the residual add
    ];
    for (const g of graphs) {
      const direct = weightGraphShuffler(g);
      const general = builderShuffler(g);
      expect(direct.direct).toBe(true);
      expect(general.direct).toBe(false);
      for (const model of ['layer', 'layer-nonzero'] as const) {
        for (const seed of [0, 1, 2]) {
          const a = direct.shuffle(model, createRandom(seed));
          const b = general.shuffle(model, createRandom(seed));
          expect([...a.indptr]).toEqual([...b.indptr]);
          expect([...a.indices]).toEqual([...b.indices]);
          expect([...a.weights]).toEqual([...b.weights]);
        }
      }
    }
  });

  it('falls back to the general path for nodes not numbered layer by layer', () => {
    // swap the first and the last node of the graph: the layers interleave in node order
    const n = graph.nodeCount;
    const perm = Array.from({ length: n }, (_, i) => (i === 0 ? n - 1 : i === n - 1 ? 0 : i));
    const rows = Array.from({ length: n }, (_, i) => {
      const old = perm[i]!;
      const entries: [number, number][] = [];
      for (let p = graph.indptr[old]!; p < graph.indptr[old + 1]!; p++) entries.push([perm[graph.indices[p]!]!, graph.weights[p]!]);
      return entries.sort((x, y) => x[0] - y[0]);
    });
    const indptr = new Int32Array(n + 1);
    rows.forEach((r, i) => {
      indptr[i + 1] = indptr[i]! + r.length;
    });
    const swapped: WeightGraph = {
      ...graph,
      indptr,
      indices: Int32Array.from(rows.flat().map((e) => e[0])),
      weights: Float64Array.from(rows.flat().map((e) => e[1])),
      nodeLayer: Int32Array.from(perm.map((old) => graph.nodeLayer[old]!)),
      nodeUnit: Int32Array.from(perm.map((old) => graph.nodeUnit[old]!)),
      originalIndex: Int32Array.from(perm.map((old) => graph.originalIndex[old]!)),
    };
    expect(weightGraphShuffler(swapped).direct).toBe(false);
    for (const model of ['layer', 'layer-nonzero'] as const) {
      const a = weightGraphShuffler(swapped).shuffle(model, createRandom(3));
      const b = builderShuffler(swapped).shuffle(model, createRandom(3));
      expect([...a.indices]).toEqual([...b.indices]);
      expect([...a.weights]).toEqual([...b.weights]);
      expect(blockMultisets(a)).toEqual(blockMultisets(swapped));
    }
  });
});
