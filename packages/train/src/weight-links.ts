import {
  getLayer,
  inputLayer,
  UnsupportedOpError,
  type ActivationFunction,
  type Layer,
  type Network,
  type WeightedLayer,
} from '@modscope/core';

/**
 * How one weighted layer reads the units of the weighted layer before it: the link along which
 * outgoing weights, unit masks, module assignments and graph edges are followed.
 */
export interface WeightLink {
  /** Id of the dense or conv2d layer. */
  layer: string;
  kind: 'dense' | 'conv2d';
  /** Id of the weighted layer whose units feed this one, or `null` when it reads the network input. */
  source: string | null;
  /**
   * For each input row of the kernel (dense: row; conv: input channel), the unit of `source` it reads
   * (the input layer's units where `source` is null). A flatten maps a channel to all its positions.
   */
  rows: Int32Array;
  /** Activations passed between `source` and this layer. */
  activations: ActivationFunction[];
  /** A batch norm lies between `source` and this layer. */
  normalized: boolean;
  /** A flatten lies between `source` and this layer. */
  flattened: boolean;
}

const PASS: ReadonlySet<Layer['kind']> = new Set(['activation', 'identity', 'batchnorm', 'pool', 'flatten', 'reshape']);

function unsupportedLink(layer: Layer, what: string, feature: string): UnsupportedOpError {
  return new UnsupportedOpError({
    op: what,
    node: layer.id,
    format: 'modscope network',
    hint: `@modscope/train: ${feature} follows weights from one layer's units to the next and needs a chain of dense/conv layers joined by activations, pooling, dropout and flatten.`,
  });
}

/** Channel (unit) of each flat index of a spatial value, in the network layout. */
function channelsOfFlat(shape: readonly number[], layout: Network['layout']): Int32Array {
  const [a, b, c] = shape as [number, number, number];
  const size = a * b * c;
  const rows = new Int32Array(size);
  if (layout === 'nchw') {
    const spatial = b * c;
    for (let i = 0; i < size; i++) rows[i] = Math.floor(i / spatial);
  } else {
    for (let i = 0; i < size; i++) rows[i] = i % c;
  }
  return rows;
}

/**
 * The link of every weighted layer, in network order. Throws an `UnsupportedOpError` naming `feature`
 * where a layer reads anything but one chain of pass-through layers (residual adds, grouped convolutions).
 */
export function weightLinks(network: Network, feature: string): WeightLink[] {
  inputLayer(network);
  const links: WeightLink[] = [];
  for (const layer of network.layers) {
    if (layer.kind !== 'dense' && layer.kind !== 'conv2d') continue;
    if (layer.kind === 'conv2d' && layer.groups !== 1) throw unsupportedLink(layer, `conv2d with ${layer.groups} groups`, feature);
    const activations: ActivationFunction[] = [];
    let normalized = false;
    let flatFrom: readonly number[] | null = null;
    let current: Layer = getLayer(network, layer.inputs[0]!);
    while (current.kind !== 'dense' && current.kind !== 'conv2d' && current.kind !== 'input') {
      if (!PASS.has(current.kind) || current.inputs.length !== 1)
        throw unsupportedLink(current, `a ${current.kind} layer between weighted layers`, feature);
      if (current.kind === 'activation') activations.push(current.activation);
      if (current.kind === 'batchnorm') normalized = true;
      if (current.kind === 'flatten' || current.kind === 'reshape') {
        const from = getLayer(network, current.inputs[0]!).outputShape;
        if (from.length === 3 && current.outputShape.length === 1) flatFrom = from;
        else if (!(from.length === 1 && current.outputShape.length === 1))
          throw unsupportedLink(current, `a reshape from [${from.join(', ')}] to [${current.outputShape.join(', ')}]`, feature);
      }
      current = getLayer(network, current.inputs[0]!);
    }
    const source = current.kind === 'input' ? null : current.id;
    const inRows = layer.kind === 'dense' ? layer.kernelShape[0] : layer.kernelShape[2];
    let rows: Int32Array;
    if (flatFrom) {
      rows = channelsOfFlat(flatFrom, network.layout);
    } else {
      rows = Int32Array.from({ length: inRows }, (_, i) => i);
    }
    const sourceUnits = current.units;
    if (rows.length !== inRows || rows.some((r) => r >= sourceUnits)) {
      throw unsupportedLink(layer, `a ${layer.kind} layer whose ${inRows} inputs do not match the ${sourceUnits} units before it`, feature);
    }
    links.push({ layer: layer.id, kind: layer.kind, source, rows, activations, normalized, flattened: flatFrom !== null });
  }
  return links;
}

/** The weighted layers, by id. */
export function weightedById(network: Network): Map<string, WeightedLayer> {
  const map = new Map<string, WeightedLayer>();
  for (const layer of network.layers) if (layer.kind === 'dense' || layer.kind === 'conv2d') map.set(layer.id, layer);
  return map;
}
