import type { SparseGraph } from '@modscope/core';
import { createRandom, InvalidArgumentError } from '@modscope/core';
import { graphFromEdges, plantedPartitionGraph } from '@modscope/core/testing';
import { describe, expect, it } from 'vitest';
import { clusterStats } from './cluster-stats.js';
import { mlpGraph } from './mlp-graph.fixture.js';
import { modularity, normalizedCut, withinClusterFraction } from './normalized-cut.js';
import { partitionQuality, partitionQualityMetric } from './partition-quality.js';

/** The definitions of §3 computed the slow way, edge by edge (each undirected edge once), to check against. */
function reference(nodeCount: number, edges: ReadonlyArray<readonly [number, number, number]>, labels: Int32Array) {
  const k = Math.max(0, ...labels) + 1;
  const size = new Array<number>(k).fill(0);
  const volume = new Array<number>(k).fill(0);
  const internal = new Array<number>(k).fill(0);
  const cut = new Array<number>(k).fill(0);
  let total = 0;
  for (let i = 0; i < nodeCount; i++) if (labels[i]! >= 0) size[labels[i]!]! += 1;
  for (const [a, b, w] of edges) {
    total += w;
    const la = labels[a]!;
    const lb = labels[b]!;
    if (la >= 0) volume[la]! += w;
    if (lb >= 0) volume[lb]! += w;
    if (la >= 0 && la === lb) internal[la]! += 2 * w;
    else {
      if (la >= 0) cut[la]! += w;
      if (lb >= 0) cut[lb]! += w;
    }
  }
  const m2 = 2 * total;
  let ncut = 0;
  let q = 0;
  let inside = 0;
  const clusters = [];
  for (let c = 0; c < k; c++) {
    if (size[c] === 0) continue;
    ncut += volume[c]! > 0 ? cut[c]! / volume[c]! : 0;
    q += internal[c]! / m2 - (volume[c]! / m2) ** 2;
    inside += internal[c]!;
    const denominator = Math.min(volume[c]!, m2 - volume[c]!);
    clusters.push({
      label: c,
      size: size[c]!,
      volume: volume[c]!,
      internal: internal[c]!,
      cut: cut[c]!,
      conductance: denominator > 0 ? cut[c]! / denominator : 0,
    });
  }
  return { ncut, modularity: q, withinClusterFraction: inside / m2, totalVolume: m2, clusters };
}

/** The undirected edges of a CSR graph, each once. */
function edgesOf(graph: SparseGraph): [number, number, number][] {
  const edges: [number, number, number][] = [];
  for (let i = 0; i < graph.nodeCount; i++)
    for (let p = graph.indptr[i]!; p < graph.indptr[i + 1]!; p++)
      if (graph.indices[p]! > i) edges.push([i, graph.indices[p]!, graph.weights[p]!]);
  return edges;
}

function expectClose(actual: ReturnType<typeof partitionQuality>, expected: ReturnType<typeof reference>) {
  for (const key of ['ncut', 'modularity', 'withinClusterFraction', 'totalVolume'] as const)
    expect(actual[key], key).toBeCloseTo(expected[key], 10);
  expect(actual.clusters.map((c) => [c.label, c.size])).toEqual(expected.clusters.map((c) => [c.label, c.size]));
  actual.clusters.forEach((c, i) => {
    const e = expected.clusters[i]!;
    for (const key of ['volume', 'internal', 'cut', 'conductance'] as const)
      expect(c[key], `cluster ${c.label} ${key}`).toBeCloseTo(e[key], 10);
  });
}

/** The existing single-measure functions must give exactly the one-pass values. */
function expectSameAsSingleMeasures(graph: SparseGraph, labels: Int32Array) {
  const q = partitionQuality(graph, labels);
  expect(normalizedCut(graph, labels)).toBe(q.ncut);
  expect(modularity(graph, labels)).toBe(q.modularity);
  expect(withinClusterFraction(graph, labels)).toBe(q.withinClusterFraction);
  expect(clusterStats(graph, labels)).toEqual({ totalVolume: q.totalVolume, clusters: q.clusters });
}

describe('partitionQuality', () => {
  it('gives the method’s hand-checkable n-cuts and agrees with the definitions on both examples', () => {
    for (const which of [1, 2] as const) {
      const { graph, edges, labels, expectedNcut } = mlpGraph(which);
      const q = partitionQuality(graph, labels);
      expect(q.ncut).toBeCloseTo(expectedNcut, 4);
      expectClose(q, reference(graph.nodeCount, edges, labels));
      expectSameAsSingleMeasures(graph, labels);
    }
  });

  it('computes every measure by hand on a small graph', () => {
    // a triangle 0-1-2 (weights 1) joined to an edge 3-4 (weight 2) by 2-3 (weight 1)
    const g = graphFromEdges(5, [
      [0, 1, 1],
      [1, 2, 1],
      [0, 2, 1],
      [3, 4, 2],
      [2, 3, 1],
    ]);
    const q = partitionQuality(g, Int32Array.from([0, 0, 0, 1, 1]));
    expect(q.totalVolume).toBe(12);
    expect(q.ncut).toBeCloseTo(1 / 7 + 1 / 5, 12);
    expect(q.withinClusterFraction).toBeCloseTo(10 / 12, 12);
    expect(q.modularity).toBeCloseTo(6 / 12 - (7 / 12) ** 2 + 4 / 12 - (5 / 12) ** 2, 12);
    expect(q.clusters).toEqual([
      { label: 0, size: 3, volume: 7, internal: 6, cut: 1, conductance: 1 / 5 },
      { label: 1, size: 2, volume: 5, internal: 4, cut: 1, conductance: 1 / 5 },
    ]);
  });

  it('agrees with the definitions on planted-partition graphs, for the planted, a random and a partial labelling', () => {
    const rng = createRandom(7);
    for (const [blocks, size, pIn, pOut, seed] of [
      [4, 25, 0.5, 0.02, 5],
      [6, 30, 0.3, 0.05, 1],
      [3, 40, 0.2, 0.2, 2],
    ] as const) {
      const { graph, labels } = plantedPartitionGraph({ blocks, size, pIn, pOut, seed });
      const edges = edgesOf(graph);
      const random = Int32Array.from(labels, () => rng.int(blocks));
      const partial = Int32Array.from(labels, (l) => (rng.next() < 0.2 ? -1 : l));
      for (const l of [labels, random, partial]) {
        expectClose(partitionQuality(graph, l), reference(graph.nodeCount, edges, l));
        expectSameAsSingleMeasures(graph, l);
      }
    }
  });

  it('skips empty labels, counts removed nodes in the total volume, and gives 0 without edges', () => {
    const g = graphFromEdges(4, [
      [0, 1, 1],
      [1, 2, 1],
      [2, 3, 1],
    ]);
    const q = partitionQuality(g, Int32Array.from([0, 0, 2, -1]));
    expect(q.clusters.map((c) => c.label)).toEqual([0, 2]);
    expect(q.totalVolume).toBe(6);
    expect(q.clusters[1]).toEqual({ label: 2, size: 1, volume: 2, internal: 0, cut: 2, conductance: 1 });
    const empty = partitionQuality(graphFromEdges(3, []), Int32Array.from([0, 1, 1]));
    expect(empty).toMatchObject({ ncut: 0, modularity: 0, withinClusterFraction: 0, totalVolume: 0 });
  });

  it('is available as a Metric plugin', () => {
    const { graph, labels, expectedNcut } = mlpGraph(2);
    expect(partitionQualityMetric.name).toBe('partition-quality');
    expect(partitionQualityMetric.compute(graph, { labels, k: 2 }).ncut).toBeCloseTo(expectedNcut, 4);
  });

  it('refuses a label count that does not match the graph, saying how to fix it', () => {
    const g = graphFromEdges(3, [[0, 1, 1]]);
    expect(() => partitionQuality(g, Int32Array.from([0, 1]))).toThrow(InvalidArgumentError);
    expect(() => partitionQuality(g, Int32Array.from([0, 1]))).toThrow(/2 labels for a graph of 3 nodes.*one label per node/);
  });
});
