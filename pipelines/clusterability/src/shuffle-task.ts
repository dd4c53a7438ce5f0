import { createRandom, type Partitioner } from '@modscope/core';
import { removeIsolatedNodes, weightGraphShuffler, type NullModel, type WeightGraph, type WeightGraphShuffler } from '@modscope/graph';
import { normalizedCut } from '@modscope/metrics';

export interface ShuffleSettings {
  k: number;
  seed: number;
}

/** Stream number of one shuffle: depends only on the null and the shuffle's index, never on scheduling. */
export function shuffleStream(nullIndex: number, index: number): number {
  return 1 + nullIndex * 1_000_003 + index;
}

/**
 * One shuffle of the shuffle test: shuffle the graph under the null, remove degree-0 nodes, cluster with
 * the same k, and return the n-cut. The randomness comes from (seed, null, index) alone. For many shuffles
 * of one graph, pass `weightGraphShuffler(graph)` (it finds the graph's layer blocks once).
 */
export async function runShuffle(
  graph: WeightGraph | WeightGraphShuffler,
  model: NullModel,
  nullIndex: number,
  index: number,
  settings: ShuffleSettings,
  partitioner: Partitioner,
): Promise<number> {
  const random = createRandom(settings.seed).fork(shuffleStream(nullIndex, index));
  const shuffler = 'shuffle' in graph ? graph : weightGraphShuffler(graph);
  const shuffled = removeIsolatedNodes(shuffler.shuffle(model, random));
  const partition = await partitioner.partition(shuffled, { k: settings.k, seed: random.nextUint32() });
  return normalizedCut(shuffled, partition.labels);
}
