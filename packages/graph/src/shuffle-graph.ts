import { InvalidArgumentError, type Random } from '@modscope/core';
import { CsrBuilder, grow } from './csr-builder.js';
import type { WeightGraph } from './weight-graph.js';

/** The null models of the shuffle test (the method, §4). */
export type NullModel = 'layer' | 'layer-nonzero';

export const NULL_MODELS: readonly NullModel[] = ['layer', 'layer-nonzero'];

/** One block of a weight graph: the edges between two node layers (one layer's weight matrix). */
interface Block {
  rowLayer: number;
  colLayer: number;
  /** Edge endpoints as positions within their layers, and weights. */
  rows: Int32Array;
  cols: Int32Array;
  weights: Float64Array;
  count: number;
}

export function isNullModel(name: string): name is NullModel {
  return (NULL_MODELS as readonly string[]).includes(name);
}

/**
 * A shuffled copy of a weight graph under a null model, applied to each layer's weight matrix separately
 * (every pair of node layers joined by edges is one matrix, over the nodes present in the graph):
 * - `layer`: all entries of the matrix are permuted, zeros included (keeps each layer's weight multiset);
 * - `layer-nonzero`: the non-zero values are permuted among the non-zero positions (keeps the topology).
 * The nodes and their mapping are those of `graph`; shuffling can leave nodes with degree 0, so remove
 * them (`removeIsolatedNodes`) before clustering, as the method says.
 */
export function shuffleWeightGraph(graph: WeightGraph, model: NullModel, random: Random): WeightGraph {
  if (!isNullModel(model)) {
    throw new InvalidArgumentError({ argument: 'null', message: `@modscope/graph: unknown null model '${model}'.`, hint: `Use one of: ${NULL_MODELS.join(', ')}.` });
  }
  const n = graph.nodeCount;
  const layerCount = graph.layers.length;
  // position of each node among the nodes of its layer present in the graph
  const position = new Int32Array(n);
  const present = new Int32Array(layerCount);
  const members: number[][] = Array.from({ length: layerCount }, () => []);
  for (let i = 0; i < n; i++) {
    const l = graph.nodeLayer[i]!;
    position[i] = present[l]!++;
    members[l]!.push(i);
  }
  const blocks = new Map<number, Block>();
  for (let i = 0; i < n; i++) {
    for (let p = graph.indptr[i]!; p < graph.indptr[i + 1]!; p++) {
      const j = graph.indices[p]!;
      if (j <= i) continue;
      let a = i;
      let b = j;
      if (graph.nodeLayer[a]! > graph.nodeLayer[b]!) [a, b] = [b, a];
      const la = graph.nodeLayer[a]!;
      const lb = graph.nodeLayer[b]!;
      if (la === lb) {
        throw new InvalidArgumentError({
          argument: 'graph',
          message: `@modscope/graph: edge ${i}–${j} joins two nodes of layer '${graph.layers[la]!.name}', which no layer's weight matrix does.`,
          hint: 'Shuffle only graphs made by buildWeightGraph.',
        });
      }
      const key = la * layerCount + lb;
      let block = blocks.get(key);
      if (!block) {
        block = { rowLayer: la, colLayer: lb, rows: new Int32Array(16), cols: new Int32Array(16), weights: new Float64Array(16), count: 0 };
        blocks.set(key, block);
      }
      if (block.count === block.rows.length) {
        block.rows = grow(block.rows);
        block.cols = grow(block.cols);
        block.weights = grow(block.weights);
      }
      block.rows[block.count] = position[a]!;
      block.cols[block.count] = position[b]!;
      block.weights[block.count++] = graph.weights[p]!;
    }
  }
  const builder = new CsrBuilder(n, Math.max(16, graph.indices.length / 2));
  for (const key of [...blocks.keys()].sort((x, y) => x - y)) {
    const block = blocks.get(key)!;
    const rowNodes = members[block.rowLayer]!;
    const colNodes = members[block.colLayer]!;
    const width = colNodes.length;
    if (model === 'layer-nonzero') {
      const values = block.weights.slice(0, block.count);
      random.shuffle(values);
      for (let e = 0; e < block.count; e++) builder.add(rowNodes[block.rows[e]!]!, colNodes[block.cols[e]!]!, values[e]!);
    } else {
      // permuting every entry, zeros included, sends the non-zero values to distinct cells drawn
      // uniformly in random order: draw just those (one random number per non-zero, not per cell)
      const cells = random.sample(rowNodes.length * width, block.count);
      for (let e = 0; e < block.count; e++) {
        const c = cells[e]!;
        builder.add(rowNodes[Math.floor(c / width)]!, colNodes[c % width]!, block.weights[e]!);
      }
    }
  }
  return { ...graph, ...builder.build() };
}
