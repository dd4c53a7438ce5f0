import type { Partitioner } from '../interfaces/partitioner.js';
import { check, checkRejects, type ConformanceCase } from './conformance-case.js';
import { adjustedRandIndex, plantedPartitionGraph } from './planted-partition.js';

export interface PartitionerConformanceOptions {
  partitioner: Partitioner;
  /** Whether the partitioner honours `k` exactly (Louvain, say, chooses its own count). Default true. */
  honoursK?: boolean;
}

/**
 * Checks a `Partitioner`: labels cover every node within 0..k−1, the same seed gives the same labels,
 * planted blocks are recovered (adjusted Rand index ≥ 0.95), and k above the node count is refused.
 */
export function partitionerConformanceCases(options: PartitionerConformanceOptions): ConformanceCase[] {
  const { partitioner } = options;
  const honoursK = options.honoursK ?? true;
  const planted = plantedPartitionGraph({ blocks: 4, size: 25, pIn: 0.5, pOut: 0.02, seed: 5 });
  return [
    {
      name: `${partitioner.name}: labels cover every node within 0..k−1`,
      run: async () => {
        const p = await partitioner.partition(planted.graph, { k: 4, seed: 1 });
        check(p.labels.length === planted.graph.nodeCount, `${p.labels.length} labels for ${planted.graph.nodeCount} nodes`);
        for (const l of p.labels) check(Number.isInteger(l) && l >= 0 && l < p.k, `label ${l} outside 0..${p.k - 1}`);
        if (honoursK) check(p.k === 4, `asked for k = 4, got ${p.k}`);
      },
    },
    {
      name: `${partitioner.name}: the same seed gives the same labels`,
      run: async () => {
        const a = await partitioner.partition(planted.graph, { k: 4, seed: 3 });
        const b = await partitioner.partition(planted.graph, { k: 4, seed: 3 });
        check(
          a.labels.every((l, i) => l === b.labels[i]),
          'two runs with seed 3 differ',
        );
      },
    },
    {
      name: `${partitioner.name}: recovers planted blocks (ARI ≥ 0.95)`,
      run: async () => {
        const p = await partitioner.partition(planted.graph, { k: 4, seed: 0 });
        const ari = adjustedRandIndex(p.labels, planted.labels);
        check(ari >= 0.95, `adjusted Rand index ${ari.toFixed(3)} < 0.95`);
      },
    },
    {
      name: `${partitioner.name}: refuses k larger than the node count`,
      run: () =>
        checkRejects(
          () => partitioner.partition(planted.graph, { k: planted.graph.nodeCount + 1, seed: 0 }),
          'invalid-argument',
          'partition with k > nodes',
        ),
    },
  ];
}
