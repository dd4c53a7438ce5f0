import { ModscopeError } from '@modscope/core';
import { adjustedRandIndex, graphFromEdges, partitionerConformanceCases, plantedPartitionGraph } from '@modscope/core/testing';
import { describe, expect, it } from 'vitest';
import { createLouvainPartitioner, louvainPartitioner } from './louvain-partitioner.js';

const partitioner = louvainPartitioner;

describe('louvain partitioner: conformance', () => {
  for (const c of partitionerConformanceCases({ partitioner, honoursK: false })) it(c.name, c.run);
});

describe('louvain partitioner', () => {
  const planted = plantedPartitionGraph({ blocks: 8, size: 40, pIn: 0.4, pOut: 0.01, seed: 7 });

  it('recovers 8 planted blocks (ARI ≥ 0.95)', async () => {
    const p = await partitioner.partition(planted.graph, { k: 8, seed: 0 });
    expect(adjustedRandIndex(p.labels, planted.labels)).toBeGreaterThanOrEqual(0.95);
    expect(p.k).toBe(8);
  });

  it('gives identical labels for the same seed', async () => {
    const a = await partitioner.partition(planted.graph, { k: 1, seed: 11 });
    const b = await partitioner.partition(planted.graph, { k: 1, seed: 11 });
    expect([...a.labels]).toEqual([...b.labels]);
    expect(a.k).toBe(b.k);
  });

  it('may differ for another seed, but labels stay in 0..k−1 numbered by first node', async () => {
    const noisy = plantedPartitionGraph({ blocks: 5, size: 30, pIn: 0.15, pOut: 0.05, seed: 3 });
    for (const seed of [1, 2, 3]) {
      const p = await partitioner.partition(noisy.graph, { k: 5, seed });
      expect(p.labels).toHaveLength(noisy.graph.nodeCount);
      expect(p.labels[0]).toBe(0);
      let next = 0;
      for (const l of p.labels) {
        expect(l).toBeGreaterThanOrEqual(0);
        expect(l).toBeLessThan(p.k);
        expect(l).toBeLessThanOrEqual(next);
        if (l === next) next++;
      }
      expect(next).toBe(p.k);
    }
  });

  it('leaves every node of an edgeless graph in its own community', async () => {
    const p = await partitioner.partition(graphFromEdges(3, []), { k: 1 });
    expect([...p.labels]).toEqual([0, 1, 2]);
    expect(p.k).toBe(3);
  });

  it('refuses an empty graph and k outside 1..nodeCount with InvalidArgumentError', async () => {
    const bad: [ReturnType<typeof graphFromEdges>, number, RegExp][] = [
      [graphFromEdges(0, []), 1, /no nodes/],
      [planted.graph, 0, /k must be an integer in 1\.\.320.*got 0/],
      [planted.graph, 321, /got 321/],
      [planted.graph, 2.5, /got 2\.5/],
      [planted.graph, Number.NaN, /got NaN/],
    ];
    for (const [graph, k, message] of bad) {
      const error = await partitioner.partition(graph, { k, seed: 0 }).catch((e: unknown) => e);
      expect(ModscopeError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ name: 'InvalidArgumentError', code: 'invalid-argument' });
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toMatch(/^@modscope\/partition-louvain: /);
    }
  });

  it('refuses a resolution that is not a positive number', () => {
    expect(() => createLouvainPartitioner({ resolution: 0 })).toThrow(/resolution must be a finite number > 0, got 0/);
  });

  it('finds more communities at a higher resolution', async () => {
    const low = await createLouvainPartitioner({ resolution: 0.2 }).partition(planted.graph, { k: 1, seed: 0 });
    const high = await createLouvainPartitioner({ resolution: 5 }).partition(planted.graph, { k: 1, seed: 0 });
    expect(high.k).toBeGreaterThan(low.k);
  });
});
