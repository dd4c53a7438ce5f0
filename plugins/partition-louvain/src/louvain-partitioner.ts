import {
  createRandom,
  InvalidArgumentError,
  type Partition,
  type PartitionOptions,
  type Partitioner,
  type SparseGraph,
} from '@modscope/core';
import { UndirectedGraph } from 'graphology';
import louvainExport from 'graphology-communities-louvain';

// graphology-communities-louvain is CommonJS (`module.exports = louvain`) with types written as
// `export default louvain`: under NodeNext TypeScript sees the default import as a namespace holding
// `default`, while Node hands over the function itself. Take whichever is there.
const louvain = ((louvainExport as { default?: unknown }).default ?? louvainExport) as typeof louvainExport.default;

export interface LouvainPartitionerOptions {
  /** Modularity resolution: above 1 gives more, smaller communities; below 1 fewer, larger ones. Default 1. */
  resolution?: number;
}

/** The options this partitioner uses when the caller gives none. */
export const LOUVAIN_DEFAULTS: Readonly<Required<LouvainPartitionerOptions>> = Object.freeze({ resolution: 1 });

/**
 * A `Partitioner` running Louvain modularity optimisation (graphology-communities-louvain) on the edge
 * weights. Louvain chooses its own number of clusters: `k` is only validated (an integer in 1..nodeCount),
 * and the returned `k` is the number of communities found. Same seed, same labels.
 */
export function createLouvainPartitioner(options: LouvainPartitionerOptions = {}): Partitioner {
  const resolution = options.resolution ?? LOUVAIN_DEFAULTS.resolution;
  if (!(Number.isFinite(resolution) && resolution > 0))
    throw new InvalidArgumentError({
      argument: 'resolution',
      message: `@modscope/partition-louvain: resolution must be a finite number > 0, got ${resolution}.`,
      hint: 'Leave it out for the standard modularity (1), or pass e.g. 0.5 for fewer, larger communities.',
    });
  return {
    specificationVersion: 'v1',
    name: 'louvain',
    async partition(graph: SparseGraph, { k, seed }: PartitionOptions): Promise<Partition> {
      checkArguments(graph, k);
      const random = createRandom(seed ?? 0);
      // `next` is a method of the generator object, so it is wrapped rather than passed unbound.
      const communities = louvain(toUndirectedGraph(graph), { getEdgeWeight: 'weight', resolution, rng: () => random.next() });
      return renumber(graph.nodeCount, communities);
    },
  };
}

/** The Louvain partitioner with the standard modularity (resolution 1). */
export const louvainPartitioner: Partitioner = createLouvainPartitioner();

function checkArguments(graph: SparseGraph, k: number): void {
  if (graph.nodeCount === 0)
    throw new InvalidArgumentError({
      argument: 'graph',
      message: '@modscope/partition-louvain: the graph has no nodes.',
      hint: 'Partition a graph with at least one node (a weight graph whose isolated nodes were all removed is empty).',
    });
  if (!Number.isInteger(k) || k < 1 || k > graph.nodeCount)
    throw new InvalidArgumentError({
      argument: 'k',
      message: `@modscope/partition-louvain: k must be an integer in 1..${graph.nodeCount} (the node count), got ${k}.`,
      hint: 'Louvain chooses its own number of clusters and only checks k; pass any k in that range, e.g. 1.',
    });
}

/** The symmetric CSR as a graphology graph: nodes '0'..'n−1', each undirected edge once with `weight`. */
function toUndirectedGraph(graph: SparseGraph): UndirectedGraph {
  const g = new UndirectedGraph();
  for (let i = 0; i < graph.nodeCount; i++) g.addNode(String(i));
  for (let i = 0; i < graph.nodeCount; i++)
    for (let p = graph.indptr[i]!; p < graph.indptr[i + 1]!; p++) {
      const j = graph.indices[p]!;
      if (j > i) g.addEdge(String(i), String(j), { weight: graph.weights[p]! });
    }
  return g;
}

/** Community ids renumbered 0..k−1 in order of each community's first node. */
function renumber(nodeCount: number, communities: Record<string, number>): Partition {
  const labels = new Int32Array(nodeCount);
  const ids = new Map<number, number>();
  for (let i = 0; i < nodeCount; i++) {
    const c = communities[String(i)]!;
    let label = ids.get(c);
    if (label === undefined) {
      label = ids.size;
      ids.set(c, label);
    }
    labels[i] = label;
  }
  return { labels, k: ids.size };
}
