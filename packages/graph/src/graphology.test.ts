import type { DenseLayer } from '@modscope/core';
import { graphFromEdges, tinyMlp } from '@modscope/core/testing';
import { describe, expect, it } from 'vitest';
import { buildWeightGraph } from './build-weight-graph.js';
import { toGraphology } from './graphology.js';
import { removeIsolatedNodes } from './remove-isolated-nodes.js';
import { edgeCount } from './weight-graph.js';

describe('toGraphology', () => {
  const network = tinyMlp(); // 6-8-7-3
  const weightGraph = buildWeightGraph(network);

  it('has every node and each undirected edge of a weight graph once', () => {
    const g = toGraphology(weightGraph);
    expect(g.type).toBe('undirected');
    expect(g.order).toBe(6 + 8 + 7 + 3);
    expect(g.order).toBe(weightGraph.nodeCount);
    expect(g.size).toBe(weightGraph.indices.length / 2);
    expect(g.size).toBe(edgeCount(weightGraph));
    expect(g.nodes()).toEqual(Array.from({ length: weightGraph.nodeCount }, (_, i) => String(i)));
  });

  it('carries |w| as the edge weight, the same from either end', () => {
    const g = toGraphology(weightGraph);
    const dense1 = network.layers[1] as DenseLayer; // kernel [in, out], row-major
    const [, out] = dense1.kernelShape;
    for (const [input, unit] of [
      [0, 0],
      [2, 5],
      [5, 7],
    ] as const) {
      const w = Math.abs(dense1.kernel[input * out + unit]!);
      expect(g.getEdgeAttribute(String(input), String(6 + unit), 'weight')).toBeCloseTo(w, 6);
      expect(g.getEdgeAttribute(String(6 + unit), String(input), 'weight')).toBeCloseTo(w, 6);
    }
    let csrTotal = 0;
    for (const w of weightGraph.weights) csrTotal += w;
    let total = 0;
    g.forEachEdge((_edge, attributes) => (total += attributes.weight));
    expect(total).toBeCloseTo(csrTotal / 2, 6);
  });

  it('labels nodes with their layer, unit and original index', () => {
    const g = toGraphology(weightGraph);
    expect(g.getNodeAttributes('0')).toEqual({ index: 0, layer: 'input', layerId: 'input', unit: 0, originalIndex: 0 });
    expect(g.getNodeAttributes('7')).toEqual({ index: 7, layer: 'dense1', layerId: 'dense1', unit: 1, originalIndex: 7 });
    expect(g.getNodeAttributes('23')).toEqual({ index: 23, layer: 'dense3', layerId: 'dense3', unit: 2, originalIndex: 23 });
  });

  it('keeps original indices after isolated nodes were removed', () => {
    const network = tinyMlp({ sizes: [3, 2, 2] });
    const dense1 = network.layers[1] as DenseLayer;
    dense1.kernel.fill(0, 0, 2); // input unit 0 loses every edge
    const pruned = removeIsolatedNodes(buildWeightGraph(network));
    const g = toGraphology(pruned);
    expect(g.order).toBe(6);
    expect(g.getNodeAttributes('0')).toEqual({ index: 0, layer: 'input', layerId: 'input', unit: 1, originalIndex: 1 });
  });

  it('takes a plain SparseGraph, with optional cluster labels', () => {
    const sparse = graphFromEdges(4, [
      [0, 1, 2],
      [1, 2, 0.5],
      [2, 3, 1],
    ]);
    const g = toGraphology(sparse, { labels: new Int32Array([0, 0, 1, 1]) });
    expect(g.order).toBe(4);
    expect(g.size).toBe(3);
    expect(g.getEdgeAttribute('2', '1', 'weight')).toBe(0.5);
    expect(g.getNodeAttributes('3')).toEqual({ index: 3, cluster: 1 });
    expect(toGraphology(sparse).getNodeAttributes('3')).toEqual({ index: 3 });
  });

  it('refuses labels of the wrong length', () => {
    expect(() => toGraphology(weightGraph, { labels: new Int32Array(3) })).toThrow(/3 labels for a graph of 24 nodes/);
  });
});
