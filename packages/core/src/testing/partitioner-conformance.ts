import type { Partition, Partitioner, SparseGraph } from '../interfaces/partitioner.js';
import { check, checkRejects, type ConformanceCase } from './conformance-case.js';
import { adjustedRandIndex, plantedPartitionGraph } from './planted-partition.js';

export interface PartitionerConformanceOptions {
  partitioner: Partitioner;
  /** Whether the partitioner honours `k` exactly (Louvain, say, chooses its own count). Default true. */
  honoursK?: boolean;
}

/** A planted-partition graph of the suite, with a name that says what it is in failure messages. */
interface SuiteGraph {
  name: string;
  graph: SparseGraph;
  labels: Int32Array;
  blocks: number;
}

/**
 * The suite's graphs, from 24 to 400 nodes: sparse ones with few edges across blocks, and a dense one
 * where every pair of nodes is joined and only heavier weights mark the blocks, as in a weight graph.
 */
function suiteGraphs(): SuiteGraph[] {
  const make = (blocks: number, size: number, pIn: number, pOut: number, seed: number, cross = 1): SuiteGraph => {
    const { graph, labels } = plantedPartitionGraph({ blocks, size, pIn, pOut, cross, seed });
    const kind = pOut === 1 ? `dense, across-block weights × ${cross}` : `pIn ${pIn}, pOut ${pOut}`;
    return { name: `${blocks} planted blocks of ${size} nodes (${kind})`, graph, labels, blocks };
  };
  return [make(3, 8, 0.8, 0.05, 11), make(4, 25, 0.5, 0.02, 5), make(8, 50, 0.3, 0.01, 7), make(4, 20, 1, 1, 13, 0.3)];
}

/** Distinct labels in use. */
function clustersUsed(labels: Int32Array): number {
  return new Set(labels).size;
}

/** Labels are one per node, integers within 0..k−1; returns a description of the first problem, or null. */
function labelProblem(p: Partition, nodeCount: number): string | null {
  if (p.labels.length !== nodeCount) return `${p.labels.length} labels for ${nodeCount} nodes`;
  if (!(Number.isInteger(p.k) && p.k >= 1)) return `k = ${p.k} returned; it must be a whole number ≥ 1`;
  for (const l of p.labels) if (!(Number.isInteger(l) && l >= 0 && l < p.k)) return `label ${l} outside 0..${p.k - 1}`;
  return null;
}

/**
 * Checks a `Partitioner` on planted-partition graphs of 24 to 400 nodes, sparse and dense: labels cover
 * every node within 0..k−1 for several k, and (when it honours k) exactly the k clusters asked for come
 * back, each used; the same seed gives the same labels; the planted blocks are recovered (adjusted Rand
 * index ≥ 0.95), with a message of its own when fewer clusters than asked come back; and k above the node
 * count is refused.
 */
export function partitionerConformanceCases(options: PartitionerConformanceOptions): ConformanceCase[] {
  const { partitioner } = options;
  const honoursK = options.honoursK ?? true;
  let graphs: SuiteGraph[] | undefined;
  const all = () => (graphs ??= suiteGraphs());
  return [
    {
      name: `${partitioner.name}: labels cover every node within 0..k−1, for several k on graphs of 24 to 400 nodes`,
      run: async () => {
        for (const g of all()) {
          for (const k of [...new Set([2, g.blocks, 2 * g.blocks])]) {
            const p = await partitioner.partition(g.graph, { k, seed: 1 });
            const where = `k = ${k} on ${g.name}`;
            const problem = labelProblem(p, g.graph.nodeCount);
            check(problem === null, `${where}: ${problem}`);
            const used = clustersUsed(p.labels);
            if (honoursK) {
              check(p.k === k, `${where}: asked for k = ${k}, got k = ${p.k}`);
              check(
                used === k,
                `${where}: asked for ${k} clusters, but the labels use only ${used}: the partitioner returned fewer clusters than asked`,
              );
            } else {
              check(used === p.k, `${where}: k = ${p.k} returned, but the labels use ${used} clusters`);
            }
          }
        }
      },
    },
    {
      name: `${partitioner.name}: the same seed gives the same labels`,
      run: async () => {
        for (const g of all().slice(1, 3)) {
          const a = await partitioner.partition(g.graph, { k: g.blocks, seed: 3 });
          const b = await partitioner.partition(g.graph, { k: g.blocks, seed: 3 });
          check(
            a.labels.every((l, i) => l === b.labels[i]),
            `two runs with seed 3 differ on ${g.name}`,
          );
        }
      },
    },
    {
      name: `${partitioner.name}: recovers planted blocks (ARI ≥ 0.95) on graphs of 24 to 400 nodes, sparse and dense`,
      run: async () => {
        for (const g of all()) {
          const p = await partitioner.partition(g.graph, { k: g.blocks, seed: 0 });
          const used = clustersUsed(p.labels);
          check(
            used >= g.blocks,
            `${g.name}: asked for k = ${g.blocks} and got ${used} cluster${used === 1 ? '' : 's'}: the partitioner returned fewer clusters than asked`,
          );
          const ari = adjustedRandIndex(p.labels, g.labels);
          check(ari >= 0.95, `${g.name}: adjusted Rand index ${ari.toFixed(3)} < 0.95`);
        }
      },
    },
    {
      name: `${partitioner.name}: refuses k larger than the node count`,
      run: async () => {
        for (const g of all().slice(0, 2))
          await checkRejects(
            () => partitioner.partition(g.graph, { k: g.graph.nodeCount + 1, seed: 0 }),
            'invalid-argument',
            `partition with k > nodes (${g.graph.nodeCount + 1} clusters on ${g.name})`,
          );
      },
    },
  ];
}
