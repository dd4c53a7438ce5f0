import { ModscopeError } from '@modscope/core';
import { adjustedRandIndex, partitionerConformanceCases, plantedPartitionGraph } from '@modscope/core/testing';
import { describe, expect, it } from 'vitest';
import { coactivationPartitioner, createCoactivationPartitioner } from './coactivation-partitioner.js';

describe('coactivation partitioner: conformance', () => {
  for (const c of partitionerConformanceCases({ partitioner: coactivationPartitioner })) it(c.name, c.run);
  for (const c of partitionerConformanceCases({ partitioner: createCoactivationPartitioner({ nInit: 5 }) }))
    it(`nInit 5: ${c.name}`, c.run);
});

describe('coactivation partitioner', () => {
  it('is a v1 partitioner named coactivation', () => {
    expect(coactivationPartitioner.specificationVersion).toBe('v1');
    expect(coactivationPartitioner.name).toBe('coactivation');
  });

  it('gives the spectral partition, with what the clustering saw, also synchronously', async () => {
    const planted = plantedPartitionGraph({ blocks: 6, size: 30, pIn: 0.5, pOut: 0.02, seed: 2 });
    const p = await coactivationPartitioner.partition(planted.graph, { k: 6, seed: 4 });
    expect(adjustedRandIndex(p.labels, planted.labels)).toBeGreaterThanOrEqual(0.95);
    expect(p.eigenvalues).toHaveLength(6);
    expect([...coactivationPartitioner.partitionSync(planted.graph, { k: 6, seed: 4 }).labels]).toEqual([...p.labels]);
  });

  it('refuses bad options and arguments with InvalidArgumentError', async () => {
    const planted = plantedPartitionGraph({ blocks: 2, size: 5, pIn: 1, pOut: 0.2, seed: 0 });
    const bad: [() => unknown, RegExp][] = [
      [() => createCoactivationPartitioner({ nInit: 0 }), /nInit must be 'auto' or a whole number ≥ 1, got 0/],
      [() => createCoactivationPartitioner({ maxIter: 1.5 }), /maxIter must be a whole number ≥ 1, got 1\.5/],
      [() => createCoactivationPartitioner({ eigenTol: -1 }), /eigenTol must be a finite number > 0, got -1/],
      [() => coactivationPartitioner.partitionSync(planted.graph, { k: 11 }), /k must be an integer in 1\.\.10 \(the node count\), got 11/],
      [
        () => coactivationPartitioner.partitionSync({ ...planted.graph, nodeCount: 0, indptr: new Int32Array(1) }, { k: 1 }),
        /the graph has no nodes/,
      ],
    ];
    for (const [run, message] of bad) {
      let error: unknown;
      try {
        run();
      } catch (e) {
        error = e;
      }
      expect(ModscopeError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/^@modscope\/partition-coactivation: /);
      expect((error as Error).message).toMatch(message);
    }
  });
});
