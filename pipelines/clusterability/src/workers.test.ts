import { buildWeightGraph, removeIsolatedNodes } from '@modscope/graph';
import { modularMlp } from '@modscope/core/testing';
import { describe, expect, it } from 'vitest';
// the worker script exists only in the build, so this file tests the built package
import { analyzeClusterability, shuffleTest } from '../dist/index.js';

const spectral = { module: '@modscope/partition-spectral', factory: 'createSpectralPartitioner' };

describe('shuffle test in worker threads', () => {
  const graph = removeIsolatedNodes(buildWeightGraph(modularMlp({ modules: 2, cross: 0.2, seed: 9 }).network));

  it('gives identical values with 0, 1 and 2 workers', async () => {
    const run = (workers: number) => shuffleTest(graph, { real: 1, k: 4, seed: 3, shuffles: 5, workers, partitioner: spectral });
    const here = await run(0);
    const one = await run(1);
    const two = await run(2);
    for (const model of ['layer', 'layer-nonzero']) {
      expect(one[model]!.values).toEqual(here[model]!.values);
      expect(two[model]!.values).toEqual(here[model]!.values);
    }
  });

  it('reports progress and runs a plugin partitioner by spec', async () => {
    const seen: number[] = [];
    const result = await shuffleTest(graph, {
      real: 1,
      k: 2,
      shuffles: 3,
      nulls: ['layer'],
      workers: 2,
      partitioner: { module: '@modscope/partition-louvain', factory: 'createLouvainPartitioner' },
      onProgress: (done) => seen.push(done),
    });
    expect(seen).toEqual([1, 2, 3]);
    expect(result.layer!.n).toBe(3);
  });

  it('a failing shuffle rejects with the worker’s message', async () => {
    await expect(shuffleTest(graph, { real: 1, k: graph.nodeCount + 5, shuffles: 2, workers: 2, partitioner: spectral })).rejects.toThrow(
      /a shuffle failed: .*clusters asked for/,
    );
  });

  it('a partitioner module the workers cannot load rejects with a clear error (the workers start before the graph is sent)', async () => {
    await expect(
      shuffleTest(graph, {
        real: 1,
        k: 2,
        shuffles: 2,
        workers: 2,
        partitioner: { module: '@modscope/no-such-partitioner', factory: 'make' },
      }),
    ).rejects.toThrow(/could not be loaded/);
  });

  it('analyzeClusterability starts its workers early and gets the values of the in-thread run', async () => {
    const network = modularMlp({ modules: 2, cross: 0.2, seed: 9 }).network;
    const here = await analyzeClusterability(network, { k: 4, seed: 5, shuffles: 4, workers: 0, partitioner: spectral });
    const pooled = await analyzeClusterability(network, { k: 4, seed: 5, shuffles: 4, workers: 2, partitioner: spectral });
    expect(pooled.ncut).toBe(here.ncut);
    for (const model of ['layer', 'layer-nonzero']) expect(pooled.nulls[model]!.values).toEqual(here.nulls[model]!.values);
    // bad input found after the workers started still gives its error (and the workers are stopped)
    await expect(analyzeClusterability(network, { k: 10_000, shuffles: 4, workers: 2, partitioner: spectral })).rejects.toThrow(
      /clusters asked for/,
    );
  });
});
