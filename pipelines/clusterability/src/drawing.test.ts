import { tinyLanguageModel, tinyMlp } from '@modscope/core/testing';
import { buildWeightGraph, removeIsolatedNodes } from '@modscope/graph';
import { spectralPartitioner } from '@modscope/partition-spectral';
import { describe, expect, it } from 'vitest';
import { analyzeClusterability } from './analyze.js';

/** The drawing's edges by brute force: every edge, strongest first per pair (ties in graph order), shares water-filled. */
function naiveDrawing(network: Parameters<typeof buildWeightGraph>[0], max: number) {
  const graph = removeIsolatedNodes(buildWeightGraph(network));
  const pairs = new Map<string, { i: number; j: number; w: number; order: number }[]>();
  let order = 0;
  for (let i = 0; i < graph.nodeCount; i++)
    for (let p = graph.indptr[i]!; p < graph.indptr[i + 1]!; p++) {
      const j = graph.indices[p]!;
      const li = graph.nodeLayer[i]!;
      const lj = graph.nodeLayer[j]!;
      if (li > lj || (li === lj && i >= j)) continue;
      const key = `${li},${lj}`;
      pairs.set(key, [...(pairs.get(key) ?? []), { i, j, w: graph.weights[p]!, order: order++ }]);
    }
  const list = [...pairs.values()];
  const order2 = list.map((_, k) => k).sort((a, b) => list[a]!.length - list[b]!.length);
  const quota = new Array<number>(list.length).fill(0);
  let left = max;
  order2.forEach((k, rank) => {
    quota[k] = Math.min(list[k]!.length, Math.floor(left / (order2.length - rank)));
    left -= quota[k]!;
  });
  const edges = list.flatMap((pair, k) =>
    [...pair]
      .sort((a, b) => b.w - a.w || a.order - b.order)
      .slice(0, quota[k])
      .map((e) => [graph.nodeLayer[e.i]!, graph.nodeUnit[e.i]!, graph.nodeLayer[e.j]!, graph.nodeUnit[e.j]!, Number(e.w.toPrecision(4))]),
  );
  return edges.sort((a, b) => a[0]! - b[0]! || a[2]! - b[2]! || b[4]! - a[4]!);
}

describe('the drawing of the weight graph', () => {
  it('keeps the strongest edges of each pair of layers, as sorting every edge would', async () => {
    const network = tinyMlp({ sizes: [12, 16, 16, 8], seed: 3 });
    for (const max of [5, 40, 10_000]) {
      const result = await analyzeClusterability(network, { k: 3, shuffles: 0, partitioner: spectralPartitioner, drawingEdges: max });
      expect(result.drawing!.edges).toEqual(naiveDrawing(network, max));
    }
  });

  it('draws a language model’s residual view', async () => {
    const network = tinyLanguageModel({ blocks: 2, width: 8, neurons: 16 });
    const result = await analyzeClusterability(network, { k: 3, shuffles: 0, partitioner: spectralPartitioner, drawingEdges: 50 });
    expect(result.drawing!.totalEdges).toBe(2 * 8 * 16);
    expect(result.drawing!.edges).toHaveLength(50);
    // every edge joins the residual stream (layer 0) to a block's neurons
    expect(result.drawing!.edges.every((e) => e[0] === 0 && e[2] > 0)).toBe(true);
  });
});
