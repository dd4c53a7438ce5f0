import { InvalidArgumentError, UnsupportedOpError, type Layer, type Network, type WeightedLayer } from '@modscope/core';
import { CsrBuilder } from './csr-builder.js';
import type { NodeLayer, WeightGraph } from './weight-graph.js';

export interface WeightGraphOptions {
  /** How a conv kernel slice K[:, :, i, j] becomes one edge weight: entrywise `l1` (default) or `l2` norm. */
  norm?: 'l1' | 'l2';
  /**
   * CNNs only: also include the dense head (each channel feeds the dense units through all its spatial
   * positions; edge weight = sum of those |w|) and the dense layers after it. Default false: conv-to-conv
   * edges only, as in the papers.
   */
  includeDense?: boolean;
}

export const WEIGHT_GRAPH_DEFAULTS: Required<WeightGraphOptions> = { norm: 'l1', includeDense: false };

/** Where a layer's values come from in node terms: node layers whose units map onto its channels. */
interface Source {
  node: number;
  /** Set when the values were flattened from a spatial tensor: flat index → channel. */
  flat?: { channels: number; spatial: number; channelsLast: boolean };
}

const PASS_THROUGH = new Set<Layer['kind']>(['activation', 'identity', 'batchnorm', 'pool', 'softmax']);

function checkFinite(layer: WeightedLayer): void {
  for (let i = 0; i < layer.kernel.length; i++) {
    if (!Number.isFinite(layer.kernel[i]!)) {
      throw new InvalidArgumentError({
        argument: 'network',
        message: `@modscope/graph: layer '${layer.name}' has a non-finite weight (${layer.kernel[i]}) at index ${i}.`,
        hint: 'The model is broken (diverged training?); fix or retrain it before building its weight graph.',
      });
    }
  }
}

/**
 * Per weighted layer, the factor of each output unit from a batch norm that directly follows it
 * (through dropout/identity only): |γ| / sqrt(σ² + ε), folded into that layer's incoming edges.
 */
function batchNormScales(network: Network): Map<string, Float64Array> {
  const byId = new Map(network.layers.map((l) => [l.id, l]));
  const scales = new Map<string, Float64Array>();
  for (const layer of network.layers) {
    if (layer.kind !== 'batchnorm') continue;
    let producer = byId.get(layer.inputs[0]!);
    while (producer?.kind === 'identity') producer = byId.get(producer.inputs[0]!);
    if (producer?.kind !== 'dense' && producer?.kind !== 'conv2d') continue;
    const scale = scales.get(producer.id) ?? new Float64Array(producer.units).fill(1);
    for (let c = 0; c < producer.units; c++) scale[c]! *= Math.abs(layer.gamma[c]!) / Math.sqrt(layer.variance[c]! + layer.epsilon);
    scales.set(producer.id, scale);
  }
  return scales;
}

/**
 * The weight graph of a network, as in the method (§1).
 * - MLPs: one node per unit of every layer, inputs and outputs included; an edge |W_ij| joins unit i of a
 *   layer and unit j of the next. Biases are ignored; the graph is undirected.
 * - CNNs: one node per channel of every conv layer; the edge between input channel i and output channel j
 *   is the L1 (or L2) norm of K[:, :, i, j]. The image → first conv edges and the dense layers are left
 *   out unless `includeDense`. Batch norm after a layer is folded into its output units; pooling,
 *   activations, padding and dropout pass edges through; a residual add passes channel identity, so a
 *   layer's outputs connect to every later layer reached through identity paths.
 * Degree-0 nodes are kept; remove them with `removeIsolatedNodes`.
 */
export function buildWeightGraph(network: Network, options: WeightGraphOptions = {}): WeightGraph {
  const { norm, includeDense } = { ...WEIGHT_GRAPH_DEFAULTS, ...options };
  const weighted = network.layers.filter((l): l is WeightedLayer => l.kind === 'dense' || l.kind === 'conv2d');
  if (weighted.length === 0) {
    throw new InvalidArgumentError({
      argument: 'network',
      message: `@modscope/graph: model '${network.name}' has no dense or convolutional layers, so it has no weight graph.`,
      hint: 'Weight graphs need weighted layers; check that the right model was loaded.',
    });
  }
  weighted.forEach(checkFinite);
  const isCnn = weighted.some((l) => l.kind === 'conv2d');
  const isNode = (layer: Layer): boolean =>
    isCnn ? layer.kind === 'conv2d' || (includeDense && layer.kind === 'dense') : layer.kind === 'input' || layer.kind === 'dense';

  const layers: NodeLayer[] = [];
  const nodeIndexOf = new Map<string, number>();
  let total = 0;
  for (const layer of network.layers) {
    if (!isNode(layer)) continue;
    nodeIndexOf.set(layer.id, layers.length);
    layers.push({ id: layer.id, name: layer.name, units: layer.units, offset: total });
    total += layer.units;
  }

  const scales = batchNormScales(network);
  const builder = new CsrBuilder(total, 4096);
  const sources = new Map<string, Source[]>();
  const channelsLast = network.layout === 'nhwc';

  for (const layer of network.layers) {
    const own = nodeIndexOf.get(layer.id);
    const upstream = layer.inputs.flatMap((id) => sources.get(id) ?? []);
    if (layer.kind === 'dense' || layer.kind === 'conv2d') {
      if (own !== undefined) addEdges(builder, layer, upstream, layers, own, scales.get(layer.id), norm);
      sources.set(layer.id, own === undefined ? [] : [{ node: own }]);
    } else if (layer.kind === 'input') {
      sources.set(layer.id, own === undefined ? [] : [{ node: own }]);
    } else if (PASS_THROUGH.has(layer.kind) || layer.kind === 'add') {
      sources.set(layer.id, upstream);
    } else {
      // flatten / reshape: a spatial input becomes a vector whose entries map back to channels
      const inShape = network.layers.find((l) => l.id === layer.inputs[0])!.outputShape;
      if (inShape.length === 3 && layer.outputShape.length === 1) {
        const channels = channelsLast ? inShape[2]! : inShape[0]!;
        sources.set(
          layer.id,
          upstream.map((s) => ({
            node: s.node,
            flat: { channels, spatial: (inShape[0]! * inShape[1]! * inShape[2]!) / channels, channelsLast },
          })),
        );
      } else if (inShape.length === layer.outputShape.length) {
        sources.set(layer.id, upstream);
      } else {
        throw new UnsupportedOpError({
          op: `reshape from [${inShape}] to [${layer.outputShape}]`,
          node: layer.name,
          format: 'weight graph',
          hint: 'Only flattening a spatial tensor into a vector can be followed through.',
        });
      }
    }
  }

  const csr = builder.build();
  const nodeLayer = new Int32Array(total);
  const nodeUnit = new Int32Array(total);
  layers.forEach((l, li) => {
    for (let u = 0; u < l.units; u++) {
      nodeLayer[l.offset + u] = li;
      nodeUnit[l.offset + u] = u;
    }
  });
  return { ...csr, layers, nodeLayer, nodeUnit, originalNodeCount: total, originalIndex: Int32Array.from({ length: total }, (_, i) => i) };
}

function addEdges(
  builder: CsrBuilder,
  layer: WeightedLayer,
  upstream: Source[],
  layers: NodeLayer[],
  own: number,
  scale: Float64Array | undefined,
  norm: 'l1' | 'l2',
): void {
  const to = layers[own]!.offset;
  if (layer.kind === 'dense') {
    const [fanIn, fanOut] = layer.kernelShape;
    for (const s of upstream) {
      const from = layers[s.node]!;
      if (s.flat) {
        // sum |w| over all spatial positions of a channel
        const { channels, spatial, channelsLast } = s.flat;
        const acc = new Float64Array(channels * fanOut);
        for (let i = 0; i < fanIn; i++) {
          const c = channelsLast ? i % channels : Math.floor(i / spatial);
          for (let j = 0; j < fanOut; j++) acc[c * fanOut + j]! += Math.abs(layer.kernel[i * fanOut + j]!);
        }
        for (let c = 0; c < channels; c++)
          for (let j = 0; j < fanOut; j++) builder.add(from.offset + c, to + j, acc[c * fanOut + j]! * (scale?.[j] ?? 1));
      } else {
        if (from.units !== fanIn) {
          throw new UnsupportedOpError({
            op: `dense layer reading ${fanIn} values from a layer of ${from.units} units`,
            node: layer.name,
            format: 'weight graph',
          });
        }
        for (let i = 0; i < fanIn; i++)
          for (let j = 0; j < fanOut; j++)
            builder.add(from.offset + i, to + j, Math.abs(layer.kernel[i * fanOut + j]!) * (scale?.[j] ?? 1));
      }
    }
    return;
  }
  const [kh, kw, cinPer, cout] = layer.kernelShape;
  const coutPer = cout / layer.groups;
  for (const s of upstream) {
    const from = layers[s.node]!;
    for (let j = 0; j < cout; j++) {
      const g = Math.floor(j / coutPer);
      for (let ci = 0; ci < cinPer; ci++) {
        let acc = 0;
        for (let y = 0; y < kh; y++)
          for (let x = 0; x < kw; x++) {
            const v = layer.kernel[((y * kw + x) * cinPer + ci) * cout + j]!;
            acc += norm === 'l1' ? Math.abs(v) : v * v;
          }
        builder.add(from.offset + g * cinPer + ci, to + j, (norm === 'l1' ? acc : Math.sqrt(acc)) * (scale?.[j] ?? 1));
      }
    }
  }
}
