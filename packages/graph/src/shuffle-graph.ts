import { InvalidArgumentError, type Random } from '@modscope/core';
import { CsrBuilder, grow } from './csr-builder.js';
import type { WeightGraph } from './weight-graph.js';

/** The null models of the shuffle test (the method, §4). */
export type NullModel = 'layer' | 'layer-nonzero';

export const NULL_MODELS: readonly NullModel[] = ['layer', 'layer-nonzero'];

/** One block of a weight graph: the edges between two node layers (one layer's weight matrix). */
interface Block {
  /** The lower and the higher layer (by index). */
  rowLayer: number;
  colLayer: number;
  /** Edge endpoints as positions within their layers, and weights, in the graph's row order. */
  rows: Int32Array;
  cols: Int32Array;
  weights: Float64Array;
  /** The edges' two CSR entries (the one in the lower-numbered node's row, and its mirror). */
  at: Int32Array;
  mirror: Int32Array;
  count: number;
}

export function isNullModel(name: string): name is NullModel {
  return (NULL_MODELS as readonly string[]).includes(name);
}

/**
 * A weight graph prepared for repeated shuffling (as the shuffle test does): its layer blocks are found
 * once. `shuffle(model, random)` gives what `shuffleWeightGraph(graph, model, random)` gives.
 */
export interface WeightGraphShuffler {
  readonly graph: WeightGraph;
  /**
   * Whether shuffles build the CSR arrays directly (nodes numbered layer by layer, rows sorted and
   * symmetric, as `buildWeightGraph` makes them) rather than through `CsrBuilder`; the result is the same.
   */
  readonly direct: boolean;
  shuffle(model: NullModel, random: Random): WeightGraph;
}

/**
 * A shuffled copy of a weight graph under a null model, applied to each layer's weight matrix separately
 * (every pair of node layers joined by edges is one matrix, over the nodes present in the graph):
 * - `layer`: all entries of the matrix are permuted, zeros included (keeps each layer's weight multiset);
 * - `layer-nonzero`: the non-zero values are permuted among the non-zero positions (keeps the topology).
 * The nodes and their mapping are those of `graph`; shuffling can leave nodes with degree 0, so remove
 * them (`removeIsolatedNodes`) before clustering, as the method says. To shuffle one graph many times,
 * `weightGraphShuffler` finds its blocks once.
 */
export function shuffleWeightGraph(graph: WeightGraph, model: NullModel, random: Random): WeightGraph {
  checkModel(model);
  return weightGraphShuffler(graph).shuffle(model, random);
}

function checkModel(model: NullModel): void {
  if (!isNullModel(model)) {
    throw new InvalidArgumentError({
      argument: 'null',
      message: `@modscope/graph: unknown null model '${model}'.`,
      hint: `Use one of: ${NULL_MODELS.join(', ')}.`,
    });
  }
}

/** `graph` prepared for `shuffle(model, random)`, which equals `shuffleWeightGraph(graph, model, random)`. */
export function weightGraphShuffler(graph: WeightGraph): WeightGraphShuffler {
  return prepareShuffler(graph, true);
}

function prepareShuffler(graph: WeightGraph, allowDirect: boolean): WeightGraphShuffler {
  const { nodeCount: n, indptr, indices, weights, nodeLayer } = graph;
  const layerCount = graph.layers.length;
  // position of each node among the nodes of its layer present in the graph
  const position = new Int32Array(n);
  const present = new Int32Array(layerCount);
  const members: number[][] = Array.from({ length: layerCount }, () => []);
  // the direct paths below need nodes numbered layer by layer, rows sorted and mirrored, no zero weights
  let direct = allowDirect;
  for (let i = 0; i < n; i++) {
    const l = nodeLayer[i]!;
    if (i > 0 && l < nodeLayer[i - 1]!) direct = false;
    position[i] = present[l]!++;
    members[l]!.push(i);
  }
  const cursor = indptr.slice(0, n);
  const byKey: (Block | undefined)[] = new Array(layerCount * layerCount);
  for (let i = 0; i < n; i++) {
    const end = indptr[i + 1]!;
    for (let p = indptr[i]!; p < end; p++) {
      const j = indices[p]!;
      if (j <= i) continue;
      let a = i;
      let b = j;
      if (nodeLayer[a]! > nodeLayer[b]!) {
        a = j;
        b = i;
      }
      const la = nodeLayer[a]!;
      const lb = nodeLayer[b]!;
      if (la === lb) {
        throw new InvalidArgumentError({
          argument: 'graph',
          message: `@modscope/graph: edge ${i}–${j} joins two nodes of layer '${graph.layers[la]!.name}', which no layer's weight matrix does.`,
          hint: 'Shuffle only graphs made by buildWeightGraph.',
        });
      }
      const key = la * layerCount + lb;
      let block = byKey[key];
      if (!block) {
        block = {
          rowLayer: la,
          colLayer: lb,
          rows: new Int32Array(16),
          cols: new Int32Array(16),
          weights: new Float64Array(16),
          at: new Int32Array(16),
          mirror: new Int32Array(16),
          count: 0,
        };
        byKey[key] = block;
      }
      if (block.count === block.rows.length) {
        block.rows = grow(block.rows);
        block.cols = grow(block.cols);
        block.weights = grow(block.weights);
        block.at = grow(block.at);
        block.mirror = grow(block.mirror);
      }
      // row j's entries below column j are the mirrors of the entries (i, j), met in increasing i
      const q = cursor[j]!++;
      if (indices[q] !== i || weights[q] !== weights[p] || weights[p] === 0) direct = false;
      block.rows[block.count] = position[a]!;
      block.cols[block.count] = position[b]!;
      block.at[block.count] = p;
      block.mirror[block.count] = q;
      block.weights[block.count++] = weights[p]!;
    }
  }
  // blocks in key order: the order of the random draws, and (nodes numbered layer by layer) of each row's columns
  const blocks = byKey.filter((b): b is Block => b !== undefined);
  // every entry is one of an edge's two (no self-loops, nothing unmatched)
  if (2 * blocks.reduce((sum, b) => sum + b.count, 0) !== indices.length) direct = false;

  const viaBuilder = (model: NullModel, random: Random): WeightGraph => {
    const builder = new CsrBuilder(n, Math.max(16, indices.length / 2));
    for (const block of blocks) {
      const rowNodes = members[block.rowLayer]!;
      const colNodes = members[block.colLayer]!;
      const width = colNodes.length;
      if (model === 'layer-nonzero') {
        const values = block.weights.slice(0, block.count);
        random.shuffle(values);
        for (let e = 0; e < block.count; e++) builder.add(rowNodes[block.rows[e]!]!, colNodes[block.cols[e]!]!, values[e]!);
      } else {
        const cells = random.sample(rowNodes.length * width, block.count);
        for (let e = 0; e < block.count; e++) {
          const c = cells[e]!;
          builder.add(rowNodes[Math.floor(c / width)]!, colNodes[c % width]!, block.weights[e]!);
        }
      }
    }
    return { ...graph, ...builder.build() };
  };

  // layer-nonzero: the same pattern, each block's values permuted over its entries and their mirrors
  const permuteValues = (random: Random): WeightGraph => {
    const out = new Float64Array(weights.length);
    for (const block of blocks) {
      const values = block.weights.slice(0, block.count);
      random.shuffle(values);
      const { at, mirror } = block;
      for (let e = 0; e < block.count; e++) {
        out[at[e]!] = values[e]!;
        out[mirror[e]!] = values[e]!;
      }
    }
    return { ...graph, indptr: indptr.slice(), indices: indices.slice(), weights: out };
  };

  // layer: each block's values sent to distinct cells drawn uniformly in random order (permuting every
  // entry, zeros included, does that; one random number per non-zero, not per cell), then the CSR filled
  // block by block in row-major order of the cells, which leaves every row sorted
  const placeValues = (random: Random): WeightGraph => {
    const cellsOf: Int32Array[] = [];
    const orderOf: Int32Array[] = [];
    const counts = new Int32Array(n + 1);
    for (const block of blocks) {
      const rowNodes = members[block.rowLayer]!;
      const colNodes = members[block.colLayer]!;
      const height = rowNodes.length;
      const width = colNodes.length;
      const m = block.count;
      const cells = random.sample(height * width, m);
      // the edges in row-major order of their cells: counting sort by column, then stably by row
      const byCol = new Int32Array(width + 1);
      const byRow = new Int32Array(height + 1);
      for (let e = 0; e < m; e++) {
        const c = cells[e]!;
        const r = Math.floor(c / width);
        const col = c - r * width;
        byCol[col + 1]!++;
        byRow[r + 1]!++;
        counts[rowNodes[r]! + 1]!++;
        counts[colNodes[col]! + 1]!++;
      }
      for (let t = 0; t < width; t++) byCol[t + 1]! += byCol[t]!;
      for (let r = 0; r < height; r++) byRow[r + 1]! += byRow[r]!;
      const byColumn = new Int32Array(m);
      for (let e = 0; e < m; e++) byColumn[byCol[cells[e]! % width]!++] = e;
      const order = new Int32Array(m);
      for (let t = 0; t < m; t++) {
        const e = byColumn[t]!;
        order[byRow[Math.floor(cells[e]! / width)]!++] = e;
      }
      cellsOf.push(cells);
      orderOf.push(order);
    }
    for (let i = 0; i < n; i++) counts[i + 1]! += counts[i]!;
    const fill = counts.slice(0, n);
    const outIndices = new Int32Array(counts[n]!);
    const outWeights = new Float64Array(counts[n]!);
    blocks.forEach((block, b) => {
      const rowNodes = members[block.rowLayer]!;
      const colNodes = members[block.colLayer]!;
      const width = colNodes.length;
      const cells = cellsOf[b]!;
      const order = orderOf[b]!;
      const values = block.weights;
      for (let s = 0; s < block.count; s++) {
        const e = order[s]!;
        const c = cells[e]!;
        const rr = Math.floor(c / width);
        const r = rowNodes[rr]!;
        const col = colNodes[c - rr * width]!;
        const w = values[e]!;
        let q = fill[r]!++;
        outIndices[q] = col;
        outWeights[q] = w;
        q = fill[col]!++;
        outIndices[q] = r;
        outWeights[q] = w;
      }
    });
    return { ...graph, indptr: counts, indices: outIndices, weights: outWeights };
  };

  return {
    graph,
    direct,
    shuffle(model, random) {
      checkModel(model);
      if (!direct) return viaBuilder(model, random);
      return model === 'layer-nonzero' ? permuteValues(random) : placeValues(random);
    },
  };
}

/** The same shuffler, always on the general path (through `CsrBuilder`): for tests of the direct ones. */
export function builderShuffler(graph: WeightGraph): WeightGraphShuffler {
  return prepareShuffler(graph, false);
}
