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
  values: Float32Array;
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
          values: folded(kernel, d, width, norm1.gamma),
        });
      }
      terms.push({
        rowLayer: heads,
        colLayer: 0,
        rows: width,
        cols: d,
        rowGroup: attention.headSize,
        colGroup: 1,
        values: folded(attentionOutput.kernel, width, d),
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
      values: folded(block.mlpIn.kernel, d, neurons, block.norm2.gamma),
    });
    terms.push({
      rowLayer: mlp,
      colLayer: 0,
      rows: neurons,
      cols: d,
      rowGroup: 1,
      colGroup: 1,
      values: folded(block.mlpOut.kernel, neurons, d),
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
  const graph: WeightGraph = { ...assemble(layers, terms, d), ...frame };

  const shuffler: WeightGraphShuffler = {
    graph,
    direct: true,
    shuffle(model: NullModel, random: Random): WeightGraph {
      const shuffled = terms.map((t) => ({ ...t, values: shuffleValues(t.values, model, random) }));
      return { ...assemble(layers, shuffled, d), ...frame };
    },
  };
  return { graph, shuffler };
}

/** A copy of `values` under a null: every entry permuted (`layer`), or the non-zero ones among their positions (`layer-nonzero`). */
function shuffleValues(values: Float32Array, model: NullModel, random: Random): Float32Array {
  const out = values.slice();
  if (model === 'layer') return random.shuffle(out);
  const at: number[] = [];
  for (let i = 0; i < out.length; i++) if (out[i] !== 0) at.push(i);
  const nonzero = random.shuffle(Float32Array.from(at, (i) => out[i]!));
  at.forEach((i, k) => {
    out[i] = nonzero[k]!;
  });
  return out;
}

/**
 * The symmetric CSR of a star-shaped graph: residual node i (0 ≤ i < d) joined to the nodes of every other
 * layer by the summed means of `terms`; rows sorted, zero weights dropped.
 */
function assemble(
  layers: readonly NodeLayer[],
  terms: readonly Term[],
  d: number,
): Pick<WeightGraph, 'nodeCount' | 'indptr' | 'indices' | 'weights'> {
  // Per non-residual layer, its [d, units] edge weights.
  const edges = layers.map((l, li) => (li === 0 ? new Float64Array(0) : new Float64Array(d * l.units)));
  for (const t of terms) {
    const other = t.rowLayer === 0 ? t.colLayer : t.rowLayer;
    const units = layers[other]!.units;
    const e = edges[other]!;
    const share = 1 / (t.rowGroup * t.colGroup);
    for (let r = 0; r < t.rows; r++) {
      const a = Math.floor(r / t.rowGroup);
      for (let c = 0; c < t.cols; c++) {
        const b = Math.floor(c / t.colGroup);
        const v = t.values[r * t.cols + c]! * share;
        // residual index first, the other layer's unit second
        if (t.rowLayer === 0) e[a * units + b]! += v;
        else e[b * units + a]! += v;
      }
    }
  }
  const n = layers.reduce((s, l) => s + l.units, 0);
  const degree = new Int32Array(n);
  for (let li = 1; li < layers.length; li++) {
    const { units, offset } = layers[li]!;
    const e = edges[li]!;
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
  // Residual rows: the other layers' nodes in order (ascending node index).
  for (let i = 0; i < d; i++) {
    for (let li = 1; li < layers.length; li++) {
      const { units, offset } = layers[li]!;
      const e = edges[li]!;
      for (let u = 0; u < units; u++) {
        const w = e[i * units + u]!;
        if (w === 0) continue;
        const p = cursor[i]!++;
        indices[p] = offset + u;
        weights[p] = w;
      }
    }
  }
  // The other rows: residual nodes in order.
  for (let li = 1; li < layers.length; li++) {
    const { units, offset } = layers[li]!;
    const e = edges[li]!;
    for (let i = 0; i < d; i++)
      for (let u = 0; u < units; u++) {
        const w = e[i * units + u]!;
        if (w === 0) continue;
        const p = cursor[offset + u]!++;
        indices[p] = i;
        weights[p] = w;
      }
  }
  return { nodeCount: n, indptr, indices, weights };
}
