import type { Conv2dLayer, DenseLayer, Network } from '@modscope/core';
import { methodExample, tinyCnn, tinyMlp, tinyResidualCnn } from '@modscope/core/testing';
import { normalizedCut } from '@modscope/metrics';
import { describe, expect, it } from 'vitest';
import { buildWeightGraph } from './build-weight-graph.js';
import { expandLabels, removeIsolatedNodes } from './remove-isolated-nodes.js';
import { degrees, edgeCount } from './weight-graph.js';

/** Weight between two nodes, or 0. */
function edge(g: ReturnType<typeof buildWeightGraph>, a: number, b: number): number {
  for (let p = g.indptr[a]!; p < g.indptr[a + 1]!; p++) if (g.indices[p] === b) return g.weights[p]!;
  return 0;
}

describe('buildWeightGraph on MLPs', () => {
  it('has one node per unit of every layer and reproduces the method’s n-cut values', () => {
    for (const which of [1, 2] as const) {
      const { network, labels, expectedNcut } = methodExample(which);
      const g = buildWeightGraph(network);
      expect(g.nodeCount).toBe(labels.length);
      expect(normalizedCut(g, labels)).toBeCloseTo(expectedNcut, 4);
    }
  });

  it('uses |w| between consecutive layers, symmetric, ignoring biases and zero weights', () => {
    const { network } = methodExample(1); // W1 = [[12, −1.3], [0, 7.4]], W2 = [[−8.9, 0.15], [0.23, −5.7]]
    const g = buildWeightGraph(network);
    expect(edge(g, 0, 2)).toBeCloseTo(12, 5);
    expect(edge(g, 2, 0)).toBeCloseTo(12, 5);
    expect(edge(g, 0, 3)).toBeCloseTo(1.3, 5);
    expect(edge(g, 1, 2)).toBe(0);
    expect(edge(g, 3, 5)).toBeCloseTo(5.7, 5);
    expect(edgeCount(g)).toBe(7);
    expect(g.layers.map((l) => [l.id, l.units, l.offset])).toEqual([
      ['input', 2, 0],
      ['dense1', 2, 2],
      ['dense2', 2, 4],
    ]);
  });

  it('a 784-256×4-10 MLP has 1,818 nodes', () => {
    const g = buildWeightGraph(tinyMlp({ sizes: [784, 256, 256, 256, 256, 10] }));
    expect(g.nodeCount).toBe(1818);
    expect(edgeCount(g)).toBe(784 * 256 + 3 * 256 * 256 + 2560);
  });

  it('removes degree-0 nodes and maps labels back with −1 for them', () => {
    const network = tinyMlp({ sizes: [3, 2, 2] });
    const first = network.layers[1] as DenseLayer;
    first.kernel.fill(0, 0, 2); // input unit 0 loses both edges
    const g = removeIsolatedNodes(buildWeightGraph(network));
    expect(g.nodeCount).toBe(6);
    expect([...g.originalIndex]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(g.nodeLayer[0]).toBe(0);
    expect(g.nodeUnit[0]).toBe(1);
    expect(degrees(g).every((d) => d > 0)).toBe(true);
    expect([...expandLabels(g, Int32Array.from([0, 1, 0, 1, 0, 1]))]).toEqual([-1, 0, 1, 0, 1, 0, 1]);
  });
});

describe('buildWeightGraph on CNNs', () => {
  it('makes one node per conv channel, with kernel-slice L1 (default) or L2 norms and batch norm folded in', () => {
    const network = tinyCnn(); // conv1 1→4, bn1, relu, pool, conv2 4→6, relu, flatten, fc
    const g = buildWeightGraph(network);
    expect(g.layers.map((l) => l.id)).toEqual(['conv1', 'conv2']);
    expect(g.nodeCount).toBe(10);
    const conv2 = network.layers.find((l) => l.id === 'conv2') as Conv2dLayer;
    const slice = (i: number, j: number) => Array.from({ length: 9 }, (_, p) => conv2.kernel[(p * 4 + i) * 6 + j]!);
    const l1 = slice(1, 2).reduce((s, v) => s + Math.abs(v), 0);
    expect(edge(g, 1, 4 + 2)).toBeCloseTo(l1, 5); // conv1 channel 1 → conv2 channel 2 (bn1 scales conv1's incoming edges only)
    const l2 = Math.sqrt(slice(1, 2).reduce((s, v) => s + v * v, 0));
    expect(edge(buildWeightGraph(network, { norm: 'l2' }), 1, 6)).toBeCloseTo(l2, 5);
  });

  it('folds batch norm into the incoming edges of the layer it follows', () => {
    // dense1 → batch norm → dense2: bn scales the edges into dense1's units
    const withBnDense: Network = tinyMlp({ sizes: [2, 2, 2] });
    const d1 = withBnDense.layers[1] as DenseLayer;
    d1.kernel = Float32Array.from([1, 1, 1, 1]);
    withBnDense.layers.splice(2, 0, {
      kind: 'batchnorm',
      id: 'bn',
      name: 'bn',
      inputs: ['dense1'],
      units: 2,
      outputShape: [2],
      gamma: Float32Array.from([-2, 3]),
      beta: new Float32Array(2),
      mean: new Float32Array(2),
      variance: Float32Array.from([3, 8]),
      epsilon: 1,
    });
    withBnDense.layers[3]!.inputs = ['bn'];
    const g = buildWeightGraph(withBnDense);
    expect(edge(g, 0, 2)).toBeCloseTo(2 / 2, 6); // |γ0| / sqrt(3 + 1)
    expect(edge(g, 0, 3)).toBeCloseTo(3 / 3, 6); // |γ1| / sqrt(8 + 1)
  });

  it('includes the dense head on request: a channel feeds dense units through all its positions', () => {
    for (const layout of ['nchw', 'nhwc'] as const) {
      const network = tinyCnn({ layout });
      const g = buildWeightGraph(network, { includeDense: true });
      expect(g.layers.map((l) => l.id)).toEqual(['conv1', 'conv2', 'fc']);
      const fc = network.layers.find((l) => l.id === 'fc') as DenseLayer; // 24 = 6 channels × 2×2 → 3
      const channelOf = (i: number) => (layout === 'nchw' ? Math.floor(i / 4) : i % 6);
      let expected = 0;
      for (let i = 0; i < 24; i++) if (channelOf(i) === 5) expected += Math.abs(fc.kernel[i * 3 + 1]!);
      expect(edge(g, 4 + 5, 10 + 1)).toBeCloseTo(expected, 5);
    }
  });

  it('passes residual adds through: a channel connects to every later layer reached by identity paths', () => {
    const g = buildWeightGraph(tinyResidualCnn(), { includeDense: true }); // conv1 → relu1 → conv2 → bn2; add(relu1, bn2) → … → fc
    expect(g.layers.map((l) => l.id)).toEqual(['conv1', 'conv2', 'fc']);
    // fc reads the add, so both conv1 (skip path) and conv2 channels have edges into fc
    const conv1ToFc = [0, 1, 2, 3].some((c) => edge(g, c, 8) > 0);
    const conv2ToFc = [4, 5, 6, 7].some((c) => edge(g, c, 8) > 0);
    expect(conv1ToFc && conv2ToFc).toBe(true);
  });
});

describe('buildWeightGraph on bad input', () => {
  it('refuses a network without weighted layers and non-finite weights', () => {
    const empty: Network = {
      specificationVersion: 'v1',
      name: 'empty',
      layout: 'flat',
      output: 'input',
      layers: [{ kind: 'input', id: 'input', name: 'input', inputs: [], units: 3, outputShape: [3] }],
    };
    expect(() => buildWeightGraph(empty)).toThrow(/has no dense or convolutional layers/);
    const broken = tinyMlp();
    (broken.layers[1] as DenseLayer).kernel[4] = Number.NaN;
    expect(() => buildWeightGraph(broken)).toThrow(/layer 'dense1' has a non-finite weight \(NaN\) at index 4/);
  });
});
