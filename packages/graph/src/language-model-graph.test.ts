import { createRandom, transformerView } from '@modscope/core';
import { tinyLanguageModel } from '@modscope/core/testing';
import { describe, expect, it } from 'vitest';
import { buildLanguageModelGraph } from './language-model-graph.js';

/** The weight of edge a–b, 0 when absent. */
function weight(graph: { indptr: Int32Array; indices: Int32Array; weights: Float64Array }, a: number, b: number): number {
  for (let p = graph.indptr[a]!; p < graph.indptr[a + 1]!; p++) if (graph.indices[p] === b) return graph.weights[p]!;
  return 0;
}

function totalWeight(graph: { weights: Float64Array }): number {
  return graph.weights.reduce((s, w) => s + w, 0);
}

describe('buildLanguageModelGraph (the residual view of method §9)', () => {
  const network = tinyLanguageModel({ blocks: 2, width: 8, heads: 2, neurons: 12, seed: 7 });
  const view = transformerView(network);

  it('joins residual dimension i and neuron j of block b by |γ_i W_in[i, j]| + |W_out[j, i]|', () => {
    const { graph } = buildLanguageModelGraph(network);
    expect(graph.layers.map((l) => [l.id, l.units, l.offset])).toEqual([
      ['residual', 8, 0],
      ['block0.mlp.act', 12, 8],
      ['block1.mlp.act', 12, 20],
    ]);
    for (const [b, offset] of [
      [0, 8],
      [1, 20],
    ] as const) {
      const { mlpIn, mlpOut, norm2 } = view.blocks[b]!;
      for (const [i, j] of [
        [0, 0],
        [3, 7],
        [7, 11],
      ] as const) {
        const expected = Math.abs(norm2.gamma[i]! * mlpIn.kernel[i * 12 + j]!) + Math.abs(mlpOut.kernel[j * 8 + i]!);
        expect(weight(graph, i, offset + j)).toBeCloseTo(expected, 6);
        expect(weight(graph, offset + j, i)).toBe(weight(graph, i, offset + j));
      }
    }
    // No edges inside the residual stream or between blocks: the graph is a star around the residual bus.
    expect(weight(graph, 0, 1)).toBe(0);
    expect(weight(graph, 8, 20)).toBe(0);
    expect(graph.indices.length).toBe(2 * 8 * 24);
  });

  it('with attention, joins each head to dimension i by its mean |w| over Q, K, V (LN1 folded) and W_O', () => {
    const { graph } = buildLanguageModelGraph(network, { attention: true });
    expect(graph.layers.map((l) => l.id)).toEqual(['residual', 'block0.attention', 'block0.mlp.act', 'block1.attention', 'block1.mlp.act']);
    const { attention, attentionOutput, norm1 } = view.blocks[1]!;
    const i = 5;
    const h = 1;
    let expected = 0;
    for (const kernel of [attention.query, attention.key, attention.value]) {
      let s = 0;
      for (let c = 0; c < 4; c++) s += Math.abs(norm1.gamma[i]! * kernel[i * 8 + h * 4 + c]!);
      expected += s / 4;
    }
    let o = 0;
    for (let c = 0; c < 4; c++) o += Math.abs(attentionOutput.kernel[(h * 4 + c) * 8 + i]!);
    expected += o / 4;
    const headNode = graph.layers[3]!.offset + h;
    expect(weight(graph, i, headNode)).toBeCloseTo(expected, 6);
  });

  it('shuffles each weight matrix on its own: totals kept, edges changed, reproducible per seed', () => {
    const { graph, shuffler } = buildLanguageModelGraph(network, { attention: true });
    for (const model of ['layer', 'layer-nonzero'] as const) {
      const a = shuffler.shuffle(model, createRandom(3));
      const b = shuffler.shuffle(model, createRandom(3));
      expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
      expect(totalWeight(a)).toBeCloseTo(totalWeight(graph), 6);
      expect(a.nodeCount).toBe(graph.nodeCount);
      expect(Array.from(a.weights)).not.toEqual(Array.from(graph.weights));
    }
  });

  it('draws the same permutation under both nulls where a matrix has no zeros', () => {
    const { shuffler } = buildLanguageModelGraph(network);
    const a = shuffler.shuffle('layer', createRandom(5));
    const b = shuffler.shuffle('layer-nonzero', createRandom(5));
    expect(Array.from(b.weights)).toEqual(Array.from(a.weights));
    expect(Array.from(b.indices)).toEqual(Array.from(a.indices));
  });

  it('keeps a pruned matrix’s zeros in place under layer-nonzero and moves them under layer', () => {
    const pruned = tinyLanguageModel({ blocks: 1, width: 8, heads: 2, neurons: 12, seed: 8 });
    const { mlpIn, mlpOut } = transformerView(pruned).blocks[0]!;
    // Neuron 0 reads and writes nothing: no edges, in the real graph and under layer-nonzero.
    for (let i = 0; i < 8; i++) {
      mlpIn.kernel[i * 12]! = 0;
      mlpOut.kernel[i]! = 0;
    }
    const { graph, shuffler } = buildLanguageModelGraph(pruned);
    const neuron0 = graph.layers[1]!.offset;
    expect(graph.indptr[neuron0 + 1]! - graph.indptr[neuron0]!).toBe(0);
    const kept = shuffler.shuffle('layer-nonzero', createRandom(1));
    expect(kept.indptr[neuron0 + 1]! - kept.indptr[neuron0]!).toBe(0);
    const moved = shuffler.shuffle('layer', createRandom(1));
    expect(moved.indptr[neuron0 + 1]! - moved.indptr[neuron0]!).toBeGreaterThan(0);
  });
});
