import { ModscopeError, type Network } from '@modscope/core';
import { adjustedRandIndex, modularMlp, tinyMlp } from '@modscope/core/testing';
import { buildWeightGraph, removeIsolatedNodes } from '@modscope/graph';
import { modularityMetric, normalizedCut, partitionQualityMetric, type PartitionQuality } from '@modscope/metrics';
import { louvainPartitioner } from '@modscope/partition-louvain';
import { spectralPartitioner } from '@modscope/partition-spectral';
import { describe, expect, it } from 'vitest';
import { analyzeClusterability, verdict } from './analyze.js';
import { shuffleTest } from './shuffle-test.js';

/** The method's partitioner as a spec, loaded where the shuffles run (here: this thread, workers: 0). */
const spectral = { module: '@modscope/partition-spectral', factory: 'createSpectralPartitioner' };

describe('analyzeClusterability', () => {
  it('finds planted modules and calls the network more clusterable than both nulls', async () => {
    const { network, modules } = modularMlp({ modules: 3, cross: 0.05, seed: 1 });
    const result = await analyzeClusterability(network, { k: 3, shuffles: 19, workers: 0, seed: 2, partitioner: spectral });
    const truth = Int32Array.from(modules.flatMap((m) => [...m]));
    const found = Int32Array.from(result.labels.flat());
    expect(adjustedRandIndex(found, truth)).toBeGreaterThan(0.95);
    for (const model of ['layer', 'layer-nonzero']) {
      const s = result.nulls[model]!;
      expect(s.n).toBe(19);
      expect(s.values).toHaveLength(19);
      expect(s.p).toBe(1 / 20); // below every shuffle
      expect(s.z).toBeLessThan(-3);
      expect(s.verdict).toMatch(/^more clusterable/);
      expect(s.smallestP).toBe(1 / 20);
      expect(s.verdict).toContain('p = 0.050, the smallest possible with 19 shuffles');
    }
    expect(result.warnings).toEqual([]); // 19 shuffles can reach p = 0.05
  });

  it('warns when the shuffles are too few for any p to reach 0.05, and not without a shuffle test', async () => {
    const { network } = modularMlp({ modules: 3, cross: 0.05, seed: 1 });
    const options = { k: 3, workers: 0, seed: 2, partitioner: spectralPartitioner, nulls: ['layer'] as const };
    const few = await analyzeClusterability(network, { ...options, shuffles: 10 });
    expect(few.nulls.layer!.p).toBe(1 / 11);
    expect(few.nulls.layer!.smallestP).toBe(1 / 11);
    expect(few.nulls.layer!.verdict).toMatch(/^not distinguishable .*\(p = 0\.091, the smallest possible with 10 shuffles, z = /);
    expect(few.warnings).toEqual([
      {
        test: 'shuffle test',
        samples: 10,
        smallestP: 1 / 11,
        message:
          'with 10 shuffles per null model no p can be below 1/11 = 0.091, so the shuffle test cannot reach p ≤ 0.05 either way; use 19 shuffles or more (the default 50 allows 0.020).',
      },
    ]);
    expect((await analyzeClusterability(network, { ...options, shuffles: 18 })).warnings.map((w) => w.samples)).toEqual([18]);
    expect((await analyzeClusterability(network, { ...options, shuffles: 0 })).warnings).toEqual([]);
  });

  it('reports what it clustered: sizes, labels per layer and unit, n-cut of those labels', async () => {
    const network = tinyMlp({ sizes: [10, 12, 8, 3], seed: 4 });
    // zero one input's weights: that input has degree 0, is removed and gets −1
    const dense1 = network.layers.find((l) => l.kind === 'dense')!;
    if (dense1.kind === 'dense') dense1.kernel.fill(0, 0, 12);
    const result = await analyzeClusterability(network, { k: 3, shuffles: 0, partitioner: spectralPartitioner });
    expect(result.removedNodes).toBe(1);
    expect(result.nodes).toBe(10 + 12 + 8 + 3 - 1);
    expect(result.labels.map((l) => l.length)).toEqual([10, 12, 8, 3]);
    expect(result.labels[0]![0]).toBe(-1);
    expect(result.nulls).toEqual({});
    const graph = removeIsolatedNodes(buildWeightGraph(network));
    const labels = new Int32Array(graph.nodeCount);
    for (let i = 0; i < graph.nodeCount; i++) labels[i] = result.labels[graph.nodeLayer[i]!]![graph.nodeUnit[i]!]!;
    expect(result.ncut).toBeCloseTo(normalizedCut(graph, labels), 12);
    expect(result.clusters.reduce((s, c) => s + c.size, 0)).toBe(result.nodes);
    expect(result.eigenvalues?.[0]).toBe(0);
  });

  it('prunes per layer before building the graph when asked', async () => {
    const network = tinyMlp({ sizes: [20, 30, 30, 5], seed: 5 });
    const full = await analyzeClusterability(network, { k: 4, shuffles: 0, partitioner: spectralPartitioner });
    const pruned = await analyzeClusterability(network, { k: 4, shuffles: 0, prune: 0.9, partitioner: spectralPartitioner });
    expect(pruned.prune).toBe(0.9);
    expect(pruned.edges).toBeLessThan(full.edges * 0.15);
  });

  it('refuses k above the node count, no weighted layers and partitioners that are neither objects nor specs, saying what to do', async () => {
    const network = tinyMlp({ sizes: [3, 2] });
    await expect(analyzeClusterability(network, { k: 9, shuffles: 0, partitioner: spectral })).rejects.toThrow(
      /k = 9 clusters asked for, but the weight graph has only 5 nodes.*k ≤ 5/,
    );
    const noWeights: Network = { ...network, layers: network.layers.filter((l) => l.kind === 'input'), output: 'input' };
    await expect(analyzeClusterability(noWeights, { shuffles: 0, partitioner: spectral })).rejects.toThrow(
      /no dense or convolutional layers/,
    );
    // names are the app's business (the CLI's table): here a name is refused, saying what to pass
    await expect(analyzeClusterability(network, { k: 2, shuffles: 0, partitioner: 'nope' as never })).rejects.toThrow(
      /partitioner must be a Partitioner or a \{ module, factory, options \} spec, got 'nope'.*createSpectralPartitioner/,
    );
    await expect(analyzeClusterability(network, { k: 2, shuffles: 0 } as never)).rejects.toThrow(/got nothing/);
    await expect(
      analyzeClusterability(network, { k: 2, shuffles: 0, partitioner: { module: '@modscope/no-such-plugin', factory: 'x' } }),
    ).rejects.toSatisfy((e: unknown) => ModscopeError.isInstance(e) && /npm install @modscope\/no-such-plugin/.test((e as Error).message));
  });

  it('reports the metrics it is given, by name, on the real partition', async () => {
    const { network } = modularMlp({ modules: 3, cross: 0.05, seed: 1 });
    const result = await analyzeClusterability(network, {
      k: 3,
      shuffles: 0,
      partitioner: spectralPartitioner,
      metrics: [modularityMetric, partitionQualityMetric],
    });
    expect(Object.keys(result.metrics!)).toEqual(['modularity', 'partition-quality']);
    expect(result.metrics!.modularity).toBe(result.modularity);
    expect((result.metrics!['partition-quality'] as PartitionQuality).ncut).toBe(result.ncut);
    expect((await analyzeClusterability(network, { k: 3, shuffles: 0, partitioner: spectralPartitioner })).metrics).toBeUndefined();
    await expect(
      analyzeClusterability(network, {
        k: 3,
        shuffles: 0,
        partitioner: spectralPartitioner,
        metrics: [modularityMetric, modularityMetric],
      }),
    ).rejects.toThrow(/two metrics are named 'modularity'/);
  });

  it('runs the Louvain plugin through the same interface', async () => {
    const { network } = modularMlp({ modules: 2, cross: 0, seed: 6 });
    const result = await analyzeClusterability(network, { partitioner: louvainPartitioner, shuffles: 5, workers: 0, nulls: ['layer'] });
    expect(result.partitioner).toBe('louvain');
    expect(result.ncut).toBeLessThan(result.nulls.layer!.mean);
  });
});

describe('shuffleTest', () => {
  const graph = removeIsolatedNodes(buildWeightGraph(tinyMlp({ sizes: [12, 16, 16, 4], seed: 8 })));

  it('is reproducible for a seed and changes with it', async () => {
    const run = (seed: number) => shuffleTest(graph, { real: 1, k: 3, seed, shuffles: 4, workers: 0, partitioner: spectral });
    const a = await run(1);
    const b = await run(1);
    const c = await run(2);
    expect(a.layer!.values).toEqual(b.layer!.values);
    expect(a['layer-nonzero']!.values).toEqual(b['layer-nonzero']!.values);
    expect(a.layer!.values).not.toEqual(c.layer!.values);
  });

  it('accepts a Partitioner object (runs in this thread) and refuses bad counts and nulls', async () => {
    const result = await shuffleTest(graph, { real: 1, k: 2, shuffles: 2, nulls: ['layer'], partitioner: spectralPartitioner });
    expect(Object.keys(result)).toEqual(['layer']);
    await expect(shuffleTest(graph, { real: 1, k: 2, shuffles: 0, partitioner: spectral })).rejects.toThrow(/positive integer/);
    await expect(shuffleTest(graph, { real: 1, k: 2, nulls: ['global' as never], partitioner: spectral })).rejects.toThrow(
      /unknown null model 'global'/,
    );
  });
});

describe('verdict', () => {
  it('says more, less, or not distinguishable', () => {
    const values = [10, 10.1, 9.9, 10.2, 9.8, 10, 10.1, 9.9, 10, 10, 10.05, 9.95, 10, 10.1, 9.9, 10, 10, 10, 10.1, 9.9];
    const s = (real: number) => ({
      n: 20,
      mean: 10,
      std: 0.1,
      z: (real - 10) / 0.1,
      p: (values.filter((v) => v < real).length + 1) / 21,
      values,
    });
    expect(verdict('layer', 9, s(9))).toMatch(/^more clusterable than its 'layer' shuffles \(p = 0\.048/);
    expect(verdict('layer', 11, s(11))).toMatch(/^less clusterable/);
    expect(verdict('layer', 10, s(10))).toMatch(/^not distinguishable/);
    // 20 shuffles: p = 1/21 is the floor, and the sentence says so; a p above the floor does not
    expect(verdict('layer', 9, s(9))).toContain('(p = 0.048, the smallest possible with 20 shuffles, z = -10.00)');
    expect(verdict('layer', 11, s(11))).toContain('(right-sided p = 0.048, the smallest possible with 20 shuffles, z = 10.00)');
    expect(verdict('layer', 10, s(10))).not.toContain('smallest possible');
  });
});
