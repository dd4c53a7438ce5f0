import { UnsupportedOpError, inputLayer, unitLayers, type Network, type SparseGraph, type WeightedLayer } from '@modscope/core';
import { weightLinks, type WeightLink } from './weight-links.js';

/** One layer of graph nodes: the input units, or the units (channels) of a dense/conv layer. */
interface NodeLayer {
  id: string;
  units: number;
  /** Index of unit 0 in the graph. */
  offset: number;
}

/** The weight graph's structure as the spectral regularizer sees it (method §1). */
export interface SpectralLayout {
  nodeLayers: NodeLayer[];
  nodeCount: number;
  /** One block of edges per weighted layer in the graph: its kernel joins node layer `from` to `to`. */
  blocks: { layer: string; kind: 'dense' | 'conv2d'; from: number; to: number }[];
  /** Weighted layers whose units are normalized each step, with the links that read them. */
  normalized: { layer: string; consumers: WeightLink[] }[];
}

const feature = 'the spectral regularizer';

/**
 * The graph layout of a chain network: an MLP has one node per unit of every layer, inputs included, and
 * one block per dense layer; a network with convolutions has one node per channel of every conv layer and
 * one block per conv-to-conv kernel (the default graph of the method, which leaves out the image and the
 * dense head). Batch norms are refused: their scale would have to be folded into the edges and the
 * per-unit normalization would no longer keep the function.
 */
export function spectralLayout(network: Network): SpectralLayout {
  const links = weightLinks(network, feature);
  const conv = links.some((l) => l.kind === 'conv2d');
  const nodeLayers: NodeLayer[] = [];
  const blocks: SpectralLayout['blocks'] = [];
  let offset = 0;
  const addNodes = (id: string, units: number) => {
    nodeLayers.push({ id, units, offset });
    offset += units;
  };
  const input = inputLayer(network);
  if (!conv) addNodes(input.id, input.units);
  for (const link of links) {
    if (link.normalized) {
      throw new UnsupportedOpError({
        op: 'a batch norm between weighted layers',
        node: link.layer,
        format: 'modscope network',
        hint: `@modscope/train: ${feature} needs networks without batch norm.`,
      });
    }
    if (conv && link.kind !== 'conv2d') continue;
    const units = network.layers.find((l) => l.id === link.layer)!.units;
    const previous = nodeLayers.length - 1;
    addNodes(link.layer, units);
    const sourceNode = link.source === null ? (conv ? -1 : 0) : nodeLayers.findIndex((n) => n.id === link.source);
    if (sourceNode === -1) continue; // the first convolution reads the image, which is not in the graph
    if (sourceNode !== previous || link.flattened) {
      throw new UnsupportedOpError({
        op: `a layer reading units other than the previous layer's`,
        node: link.layer,
        format: 'modscope network',
        hint: `@modscope/train: ${feature} supports chain MLPs and chains of convolutions.`,
      });
    }
    blocks.push({ layer: link.layer, kind: link.kind, from: previous, to: nodeLayers.length - 1 });
  }
  const hidden = new Set(
    unitLayers(network)
      .filter((u) => u.hidden)
      .map((u) => u.layer),
  );
  const inGraph = new Set(nodeLayers.map((n) => n.id));
  const normalized: SpectralLayout['normalized'] = [];
  for (const id of inGraph) {
    if (!hidden.has(id)) continue;
    const consumers = links.filter((l) => l.source === id);
    for (const c of consumers) {
      const bad = c.activations.find((a) => a !== 'relu' && a !== 'leaky-relu' && a !== 'linear');
      if (bad || c.normalized) {
        throw new UnsupportedOpError({
          op: bad ? `a ${bad} activation` : 'a batch norm',
          node: c.layer,
          format: 'modscope network',
          hint: `@modscope/train: ${feature} rescales units, which keeps the function only through ReLU-like (positively homogeneous) activations.`,
        });
      }
    }
    if (consumers.length > 0) normalized.push({ layer: id, consumers });
  }
  return { nodeLayers, nodeCount: offset, blocks, normalized };
}

/** Edge weights of one block from a kernel: |W| for dense ([in, out]), Σ over taps of |K| for conv ([cin, cout]). */
export function blockWeights(layer: WeightedLayer, kernel: Float32Array = layer.kernel): Float64Array {
  if (layer.kind === 'dense') return Float64Array.from(kernel, Math.abs);
  const [kh, kw, cin, cout] = layer.kernelShape;
  const out = new Float64Array(cin * cout);
  for (let t = 0; t < kh * kw; t++) for (let i = 0; i < cin * cout; i++) out[i]! += Math.abs(kernel[t * cin * cout + i]!);
  return out;
}

/** Calls `visit(a, b, weight)` for every non-zero edge of the layout's blocks, `a` and `b` layout node indices. */
function eachEdge(layout: SpectralLayout, weights: readonly Float64Array[], visit: (a: number, b: number, weight: number) => void): void {
  layout.blocks.forEach((block, index) => {
    const w = weights[index]!;
    const { offset: oa, units: na } = layout.nodeLayers[block.from]!;
    const { offset: ob, units: nb } = layout.nodeLayers[block.to]!;
    for (let i = 0; i < na; i++) {
      for (let j = 0; j < nb; j++) {
        const x = w[i * nb + j]!;
        if (x !== 0) visit(oa + i, ob + j, x);
      }
    }
  });
}

/**
 * The symmetric weight graph of the layout with degree-0 nodes left out. `keep[i]` is the layout index of
 * graph node i; `degrees` are those of every layout node.
 */
export function layoutGraph(
  layout: SpectralLayout,
  weights: readonly Float64Array[],
): { graph: SparseGraph; keep: Int32Array; degrees: Float64Array } {
  const n = layout.nodeCount;
  const degrees = new Float64Array(n);
  const counts = new Int32Array(n);
  eachEdge(layout, weights, (a, b, x) => {
    degrees[a]! += x;
    degrees[b]! += x;
    counts[a]!++;
    counts[b]!++;
  });
  const local = new Int32Array(n).fill(-1);
  const keepList: number[] = [];
  for (let i = 0; i < n; i++) {
    if (degrees[i]! > 0) {
      local[i] = keepList.length;
      keepList.push(i);
    }
  }
  const keep = Int32Array.from(keepList);
  const indptr = new Int32Array(keep.length + 1);
  for (let g = 0; g < keep.length; g++) indptr[g + 1] = indptr[g]! + counts[keep[g]!]!;
  const indices = new Int32Array(indptr[keep.length]!);
  const values = new Float64Array(indices.length);
  const fill = indptr.slice(0, keep.length);
  const put = (a: number, b: number, x: number) => {
    const p = fill[a]!++;
    indices[p] = b;
    values[p] = x;
  };
  eachEdge(layout, weights, (a, b, x) => {
    put(local[a]!, local[b]!, x);
    put(local[b]!, local[a]!, x);
  });
  return { graph: { nodeCount: keep.length, indptr, indices, weights: values }, keep, degrees };
}
