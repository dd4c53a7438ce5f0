import { adjustedRandIndex, plantedPartitionGraph } from '@modscope/core/testing';
import { describe, expect, it } from 'vitest';
import { spectralClustering } from './spectral-clustering.js';

describe('spectralClustering', () => {
  const planted = plantedPartitionGraph({ blocks: 4, size: 30, pIn: 0.5, pOut: 0.02, seed: 1 });

  it('recovers planted blocks, numbering clusters by first appearance', () => {
    const c = spectralClustering(planted.graph, 4, { seed: 5 });
    expect(adjustedRandIndex(c.labels, planted.labels)).toBeGreaterThanOrEqual(0.95);
    const seen: number[] = [];
    for (const l of c.labels) if (!seen.includes(l)) seen.push(l);
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(c.k).toBe(4);
    expect(c.eigenvalues).toHaveLength(4);
    expect(c.components).toBe(1);
  });

  it('gives the same labels for a seed, whatever the threads', () => {
    const a = spectralClustering(planted.graph, 4, { seed: 7, threads: 1 });
    const b = spectralClustering(planted.graph, 4, { seed: 7, threads: 2 });
    expect([...a.labels]).toEqual([...b.labels]);
    expect(a.inertia).toBe(b.inertia);
  });

  it('stops when the signal is aborted', () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    expect(() => spectralClustering(planted.graph, 4, { signal: controller.signal })).toThrow(/stop/);
  });
});
