import { graphFromEdges, plantedPartitionGraph } from '@modscope/core/testing';
import { describe, expect, it } from 'vitest';
import { clusterStats } from './cluster-stats.js';
import { mlpGraph } from './mlp-graph.fixture.js';
import { modularity, normalizedCut, normalizedCutMetric, withinClusterFraction } from './normalized-cut.js';

describe('normalizedCut', () => {
  it('matches the method’s two hand-checkable cases', () => {
    for (const which of [1, 2] as const) {
      const { graph, labels, expectedNcut } = mlpGraph(which);
      expect(normalizedCut(graph, labels)).toBeCloseTo(expectedNcut, 4);
    }
  });

  it('is 0 for a partition into connected components and about k − 1 for a structureless graph', () => {
    const two = graphFromEdges(4, [
      [0, 1, 1],
      [2, 3, 2],
    ]);
    expect(normalizedCut(two, Int32Array.from([0, 0, 1, 1]))).toBe(0);
    const { graph } = plantedPartitionGraph({ blocks: 1, size: 240, pIn: 0.2, pOut: 0, seed: 1 });
    const random = Int32Array.from({ length: 240 }, (_, i) => i % 12);
    expect(normalizedCut(graph, random)).toBeGreaterThan(10.5);
    expect(normalizedCut(graph, random)).toBeLessThanOrEqual(12);
  });

  it('is available as a Metric plugin', () => {
    const { graph, labels, expectedNcut } = mlpGraph(1);
    expect(normalizedCutMetric.compute(graph, { labels, k: 2 })).toBeCloseTo(expectedNcut, 4);
  });
});

describe('modularity, within-cluster fraction and cluster stats', () => {
  it('computes them by hand on a small graph', () => {
    // a triangle 0-1-2 (weights 1) joined to an edge 3-4 (weight 2) by 2-3 (weight 1)
    const g = graphFromEdges(5, [
      [0, 1, 1],
      [1, 2, 1],
      [0, 2, 1],
      [3, 4, 2],
      [2, 3, 1],
    ]);
    const labels = Int32Array.from([0, 0, 0, 1, 1]);
    const stats = clusterStats(g, labels);
    expect(stats.totalVolume).toBe(12);
    expect(stats.clusters).toEqual([
      { label: 0, size: 3, volume: 7, internal: 6, cut: 1, conductance: 1 / 5 },
      { label: 1, size: 2, volume: 5, internal: 4, cut: 1, conductance: 1 / 5 },
    ]);
    expect(withinClusterFraction(g, labels)).toBeCloseTo(10 / 12, 12);
    expect(modularity(g, labels)).toBeCloseTo(6 / 12 - (7 / 12) ** 2 + 4 / 12 - (5 / 12) ** 2, 12);
    expect(normalizedCut(g, labels)).toBeCloseTo(1 / 7 + 1 / 5, 12);
  });

  it('ignores removed nodes (label −1) and refuses a label count that does not match', () => {
    const g = graphFromEdges(3, [
      [0, 1, 1],
      [1, 2, 1],
    ]);
    const stats = clusterStats(g, Int32Array.from([0, 0, -1]));
    expect(stats.clusters).toHaveLength(1);
    expect(stats.clusters[0]!.cut).toBe(1);
    expect(() => clusterStats(g, Int32Array.from([0, 0]))).toThrow(/2 labels for a graph of 3 nodes/);
  });
});
