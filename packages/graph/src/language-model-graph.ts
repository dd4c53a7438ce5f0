import { transformerView, type Network, type Random } from '@modscope/core';
import type { NullModel, WeightGraphShuffler } from './shuffle-graph.js';
import type { NodeLayer, WeightGraph } from './weight-graph.js';

export interface LanguageModelGraphOptions {
  /** Also make each attention head a node, joined to the residual dimensions it reads and writes. Default false. */
  attention?: boolean;
}

/**
 * One weight matrix of the model as it enters the graph: |values| with a LayerNorm gain folded in, rows of
 * node layer `rowLayer` and columns of `colLayer`, `rowGroup` (`colGroup`) consecutive rows (columns) per
 * node. A node pair's share is the mean |w| over the entries that join them.
 */
interface Term {
  rowLayer: number;
  colLayer: number;
  rows: number;
  cols: number;
  rowGroup: number;
  colGroup: number;
  /** The network's own kernel, `[rows, cols]` (not copied). */
  kernel: Float32Array;
  /** A LayerNorm gain per row, folded in as |gain[r] · w[r, c]|. */
  gain?: Float32Array;
}

/** A language model's residual-view weight graph and a shuffler that applies the nulls to each weight matrix. */
export interface LanguageModelGraph {
  graph: WeightGraph;
  shuffler: WeightGraphShuffler;
}

/** |gain[i] · w[i, j]| of an `[rows, cols]` kernel; `gain` absent: |w|. */
function folded(kernel: Float32Array, rows: number, cols: number, gain?: Float32Array): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const g = gain ? Math.abs(gain[i]!) : 1;
    for (let j = 0; j < cols; j++) out[i * cols + j] = Math.abs(g * kernel[i * cols + j]!);
  }
  return out;
}

/**
 * The weight graph of a GPT-style language model in the `residual` view of method §9: the residual stream
 * is one shared bus of d nodes, and every MLP neuron of every block is a node joined to residual dimension i
 * by |γ_i · W_in[i, j]| + |W_out[j, i]| (γ: that block's LN2 gain). With `attention`, every head (b, h) is a
 * node too, joined to dimension i by the mean |w| over its slice of row i of W_Q, W_K and W_V (LN1 gain
 * folded), plus the mean |w| of its slice of column i of W_O. Embeddings and the unembedding are left out.
 * Node layers: `residual`, then per block its heads (with `attention`) and its neurons. The shuffler applies
 * a null to each weight matrix (W_in, W_out, W_Q, W_K, W_V, W_O) before their edges are combined.
 */
export function buildLanguageModelGraph(network: Network, options: LanguageModelGraphOptions = {}): LanguageModelGraph {
  const view = transformerView(network);
  const d = view.width;
  const layers: NodeLayer[] = [{ id: 'residual', name: 'residual stream', units: d, offset: 0 }];
  const terms: Term[] = [];
  let total = d;
  const addLayer = (id: string, name: string, units: number) => {
    layers.push({ id, name, units, offset: total });
    total += units;
    return layers.length - 1;
  };
  for (const block of view.blocks) {
    if (options.attention) {
      const { attention, attentionOutput, norm1 } = block;
      const width = attention.heads * attention.headSize;
      const heads = addLayer(attention.id, `block ${block.index} heads`, attention.heads);
      for (const kernel of [attention.query, attention.key, attention.value]) {
        terms.push({
          rowLayer: 0,
          colLayer: heads,
          rows: d,
          cols: width,
          rowGroup: 1,
          colGroup: attention.headSize,
          kernel,
          gain: norm1.gamma,
        });
      }
      terms.push({
        rowLayer: heads,
        colLayer: 0,
        rows: width,
        cols: d,
        rowGroup: attention.headSize,
        colGroup: 1,
        kernel: attentionOutput.kernel,
      });
    }
    const neurons = block.mlpIn.units;
    const mlp = addLayer(block.activation.id, `block ${block.index} neurons`, neurons);
    terms.push({
      rowLayer: 0,
      colLayer: mlp,
      rows: d,
      cols: neurons,
      rowGroup: 1,
      colGroup: 1,
      kernel: block.mlpIn.kernel,
      gain: block.norm2.gamma,
    });
    terms.push({
      rowLayer: mlp,
      colLayer: 0,
      rows: neurons,
      cols: d,
      rowGroup: 1,
      colGroup: 1,
      kernel: block.mlpOut.kernel,
    });
  }
  const nodeLayer = new Int32Array(total);
  const nodeUnit = new Int32Array(total);
  layers.forEach((l, li) => {
    for (let u = 0; u < l.units; u++) {
      nodeLayer[l.offset + u] = li;
      nodeUnit[l.offset + u] = u;
    }
  });
  const frame = { layers, nodeLayer, nodeUnit, originalNodeCount: total, originalIndex: Int32Array.from({ length: total }, (_, i) => i) };
  const graph: WeightGraph = { ...assemble(layers, terms, d, (t) => folded(t.kernel, t.rows, t.cols, t.gain)), ...frame };

  const shuffler: WeightGraphShuffler = {
    graph,
    direct: true,
    shuffle(model: NullModel, random: Random): WeightGraph {
      // One matrix at a time, in a fixed order, each from its own fork of the shuffle's stream.
      const streams = terms.map((_, i) => random.fork(i));
      return {
        ...assemble(layers, terms, d, (t, i) => shuffleValues(folded(t.kernel, t.rows, t.cols, t.gain), model, streams[i]!)),
        ...frame,
      };
    },
  };
  return { graph, shuffler };
}

/** Rows (or nodes) per tile of the cache-friendly transposes in `assemble`. */
const TILE = 16;

/** `values` (a fresh copy) under a null: every entry permuted (`layer`), or the non-zero ones among their positions (`layer-nonzero`). */
function shuffleValues(out: Float32Array, model: NullModel, random: Random): Float32Array {
  if (model === 'layer') return shuffleFloats(out, random);
  let count = 0;
  for (let i = 0; i < out.length; i++) if (out[i] !== 0) count++;
  if (count === out.length) return shuffleFloats(out, random);
  const at = new Int32Array(count);
  const nonzero = new Float32Array(count);
  for (let i = 0, c = 0; i < out.length; i++)
    if (out[i] !== 0) {
      at[c] = i;
      nonzero[c++] = out[i]!;
    }
  shuffleFloats(nonzero, random);
  for (let c = 0; c < count; c++) out[at[c]!] = nonzero[c]!;
  return out;
}

/** Fisher–Yates on a Float32Array in place: the same draws, in the same order, as core's `Random.shuffle`. */
function shuffleFloats(a: Float32Array, random: Random): Float32Array {
  for (let i = a.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}

/**
 * The symmetric CSR of a star-shaped graph: residual node i (0 ≤ i < d) joined to the nodes of every other
 * layer by the summed means of `terms` (their |values| from `valuesOf`); rows sorted, zero weights
 * dropped. One layer's edges are held at a time: a first pass counts each row's entries, a second fills
 * them, so a GPT-2-sized model needs the CSR and one block's matrices, not every block's at once.
 */
function assemble(
  layers: readonly NodeLayer[],
  terms: readonly Term[],
  d: number,
  valuesOf: (term: Term, index: number) => Float32Array,
): Pick<WeightGraph, 'nodeCount' | 'indptr' | 'indices' | 'weights'> {
  const n = layers.reduce((s, l) => s + l.units, 0);
  /** One non-residual layer's [d, units] edge weights. */
  const edgesOf = (li: number): Float64Array => {
    const units = layers[li]!.units;
    const e = new Float64Array(d * units);
    terms.forEach((t, index) => {
      if (t.rowLayer !== li && t.colLayer !== li) return;
      const values = valuesOf(t, index);
      const share = 1 / (t.rowGroup * t.colGroup);
      if (t.rowGroup === 1 && t.colGroup === 1) {
        // one entry per node pair (the MLP's matrices): a plain add, or a transpose in tiles of TILE rows
        if (t.rowLayer === 0) for (let p = 0; p < values.length; p++) e[p]! += values[p]!;
        else
          for (let r0 = 0; r0 < t.rows; r0 += TILE)
            for (let c = 0; c < t.cols; c++)
              for (let r = r0, end = Math.min(r0 + TILE, t.rows); r < end; r++) e[c * units + r]! += values[r * t.cols + c]!;
        return;
      }
      for (let r = 0; r < t.rows; r++) {
        const a = Math.floor(r / t.rowGroup);
        for (let c = 0; c < t.cols; c++) {
          const b = Math.floor(c / t.colGroup);
          const v = values[r * t.cols + c]! * share;
          // residual index first, the other layer's unit second
          if (t.rowLayer === 0) e[a * units + b]! += v;
          else e[b * units + a]! += v;
        }
      }
    });
    return e;
  };
  const perLayer = layers.map((_, li) => (li === 0 ? undefined : edgesOf(li)));
  const degree = new Int32Array(n);
  for (let li = 1; li < layers.length; li++) {
    const { units, offset } = layers[li]!;
    const e = perLayer[li]!;
    for (let i = 0; i < d; i++)
      for (let u = 0; u < units; u++)
        if (e[i * units + u] !== 0) {
          degree[i]!++;
          degree[offset + u]!++;
        }
  }
  const indptr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) indptr[i + 1] = indptr[i]! + degree[i]!;
  const indices = new Int32Array(indptr[n]!);
  const weights = new Float64Array(indptr[n]!);
  const cursor = indptr.slice(0, n);
  // Layers in order: each residual row gets the layer's nodes (ascending), each node row the residual nodes.
  for (let li = 1; li < layers.length; li++) {
    const { units, offset } = layers[li]!;
    const e = perLayer[li]!;
    perLayer[li] = undefined;
    for (let i = 0; i < d; i++)
      for (let u = 0; u < units; u++) {
        const w = e[i * units + u]!;
        if (w === 0) continue;
        const p = cursor[i]!++;
        indices[p] = offset + u;
        weights[p] = w;
      }
    // the node rows in tiles of TILE nodes, so that the writes go to a few rows at a time
    for (let u0 = 0; u0 < units; u0 += TILE) {
      const end = Math.min(u0 + TILE, units);
      for (let i = 0; i < d; i++)
        for (let u = u0; u < end; u++) {
          const w = e[i * units + u]!;
          if (w === 0) continue;
          const p = cursor[offset + u]!++;
          indices[p] = i;
          weights[p] = w;
        }
    }
  }
  return { nodeCount: n, indptr, indices, weights };
}
