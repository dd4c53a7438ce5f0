import {
  cloneNetwork,
  createRandom,
  getLayer,
  getUnitLayer,
  InvalidArgumentError,
  type Layer,
  type Network,
  type UnitSelection,
} from '@modscope/core';

/** 0/1 factors to hold pruned weights at zero during fine-tuning: `kernel` (and `bias`) are multiplied in. */
export interface WeightMask {
  layer: string;
  kernel: Float32Array;
  bias?: Float32Array;
}

export interface PrunedNetwork {
  network: Network;
  masks: WeightMask[];
  /** Units pruned, in all. */
  units: number;
}

/** The weighted layer that reads `from` through layers that keep units one to one (activation, pool, flatten, …). */
function consumerOf(network: Network, from: string): { layer: Layer; flattenedFrom?: Layer } | null {
  let id = from;
  let flattenedFrom: Layer | undefined;
  for (;;) {
    const readers = network.layers.filter((l) => l.inputs.includes(id));
    if (readers.length !== 1) return null;
    const next = readers[0]!;
    if (next.kind === 'dense' || next.kind === 'conv2d') return { layer: next, ...(flattenedFrom ? { flattenedFrom } : {}) };
    if (next.kind === 'add') return null;
    if (next.kind === 'flatten' || next.kind === 'reshape') flattenedFrom = getLayer(network, id);
    id = next.id;
  }
}

/**
 * Prunes units (method §6): zeroes their incoming weights and biases, the weights that read them in the
 * next weighted layer, and, where a batch norm follows, its scale and shift, so the units output exactly 0
 * and nothing downstream sees them. Returns the pruned copy and the masks that hold those weights at zero.
 */
export function pruneUnits(network: Network, selection: readonly UnitSelection[]): PrunedNetwork {
  const pruned = cloneNetwork(network);
  const masks = new Map<string, WeightMask>();
  const maskFor = (layer: Layer): WeightMask => {
    if (layer.kind !== 'dense' && layer.kind !== 'conv2d') throw new Error('unreachable');
    let m = masks.get(layer.id);
    if (!m) {
      m = {
        layer: layer.id,
        kernel: new Float32Array(layer.kernel.length).fill(1),
        ...(layer.bias ? { bias: new Float32Array(layer.units).fill(1) } : {}),
      };
      masks.set(layer.id, m);
    }
    return m;
  };
  let count = 0;
  for (const { layer: id, units } of selection) {
    const unit = getUnitLayer(pruned, id, 'selection');
    const layer = getLayer(pruned, id);
    if (layer.kind !== 'dense' && layer.kind !== 'conv2d') continue;
    const silenced = new Uint8Array(layer.units);
    for (const u of units) {
      if (!Number.isInteger(u) || u < 0 || u >= layer.units) {
        throw new InvalidArgumentError({
          argument: 'selection',
          message: `Unit ${u} is outside layer '${id}' (0..${layer.units - 1}).`,
          hint: 'Select units that exist in this model.',
        });
      }
      if (!silenced[u]) count++;
      silenced[u] = 1;
    }
    // Incoming weights and biases: the output unit is the fastest index of dense [in, out] and conv HWIO.
    const incoming = maskFor(layer);
    for (let i = 0; i < layer.kernel.length; i++) {
      if (!silenced[i % layer.units]) continue;
      layer.kernel[i] = 0;
      incoming.kernel[i] = 0;
    }
    for (let u = 0; u < layer.units; u++) {
      if (!silenced[u]) continue;
      if (layer.bias) layer.bias[u] = 0;
      if (incoming.bias) incoming.bias[u] = 0;
    }
    if (unit.normalized) {
      const norm = getLayer(pruned, unit.pre);
      if (norm.kind === 'batchnorm') {
        for (let u = 0; u < layer.units; u++) {
          if (!silenced[u]) continue;
          norm.gamma[u] = 0;
          norm.beta[u] = 0;
        }
      }
    }
    // Outgoing weights: the rows of the next weighted layer that read these units.
    const next = consumerOf(pruned, unit.post);
    if (!next) continue;
    const reader = next.layer;
    if (reader.kind !== 'dense' && reader.kind !== 'conv2d') continue;
    const outgoing = maskFor(reader);
    if (reader.kind === 'conv2d') {
      const [, , cinPer, cout] = reader.kernelShape;
      if (reader.groups !== 1) continue;
      for (let i = 0; i < reader.kernel.length; i++) {
        const ci = Math.floor(i / cout) % cinPer;
        if (!silenced[ci]) continue;
        reader.kernel[i] = 0;
        outgoing.kernel[i] = 0;
      }
      continue;
    }
    const [fanIn, fanOut] = reader.kernelShape;
    const spatial = fanIn / layer.units;
    const channelsLast = network.layout === 'nhwc';
    for (let r = 0; r < fanIn; r++) {
      const channel = spatial === 1 ? r : channelsLast ? r % layer.units : Math.floor(r / spatial);
      if (!silenced[channel]) continue;
      reader.kernel.fill(0, r * fanOut, (r + 1) * fanOut);
      outgoing.kernel.fill(0, r * fanOut, (r + 1) * fanOut);
    }
  }
  return { network: pruned, masks: [...masks.values()], units: count };
}

/**
 * The live units of a dense or conv layer (method §6.5): 1 where a unit has a non-zero incoming weight and
 * a non-zero weight reading it in the next weighted layer (where one reads it one to one). A unit that
 * earlier pruning disconnected is not live.
 */
export function liveUnits(network: Network, id: string): Uint8Array {
  const layer = getLayer(network, id);
  if (layer.kind !== 'dense' && layer.kind !== 'conv2d') return new Uint8Array(0);
  const units = layer.units;
  const incoming = new Uint8Array(units);
  for (let i = 0; i < layer.kernel.length; i++) if (layer.kernel[i] !== 0) incoming[i % units] = 1;
  const next = consumerOf(network, getUnitLayer(network, id, 'layer').post);
  const reader = next?.layer;
  if (!reader || (reader.kind !== 'dense' && reader.kind !== 'conv2d') || (reader.kind === 'conv2d' && reader.groups !== 1))
    return incoming;
  const outgoing = new Uint8Array(units);
  if (reader.kind === 'conv2d') {
    const [, , cinPer, cout] = reader.kernelShape;
    for (let i = 0; i < reader.kernel.length; i++) if (reader.kernel[i] !== 0) outgoing[Math.floor(i / cout) % cinPer] = 1;
  } else {
    const [fanIn, fanOut] = reader.kernelShape;
    const spatial = fanIn / units;
    const channelsLast = network.layout === 'nhwc';
    for (let r = 0; r < fanIn; r++) {
      const channel = spatial === 1 ? r : channelsLast ? r % units : Math.floor(r / spatial);
      for (let c = 0; c < fanOut && !outgoing[channel]; c++) if (reader.kernel[r * fanOut + c] !== 0) outgoing[channel] = 1;
    }
  }
  return incoming.map((x, u) => x & outgoing[u]!);
}

/** The scale of the re-initialized weights of a released mask (method §6.6). */
export const RELEASED_INIT_SCALE = 0.1;

/**
 * Releases a pruning's mask (method §6.6): the pruned kernel weights get fresh values from the layer's
 * initializer (Glorot uniform) scaled by 0.1, so fine-tuning can regrow them; biases stay at zero, their
 * initial value. Without this a pruned unit's weights are all zero, get no gradient and stay pruned, the
 * same as a held mask. Returns a copy.
 */
export function releasePruned(pruned: PrunedNetwork, seed: number, scale = RELEASED_INIT_SCALE): Network {
  const network = cloneNetwork(pruned.network);
  const random = createRandom(seed).fork(11);
  pruned.masks.forEach((mask, m) => {
    const layer = getLayer(network, mask.layer);
    if (layer.kind !== 'dense' && layer.kind !== 'conv2d') return;
    const [fanIn, fanOut] =
      layer.kind === 'dense'
        ? layer.kernelShape
        : [
            layer.kernelShape[0] * layer.kernelShape[1] * layer.kernelShape[2],
            layer.kernelShape[0] * layer.kernelShape[1] * layer.kernelShape[3],
          ];
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const draw = random.fork(m);
    for (let i = 0; i < mask.kernel.length; i++) if (mask.kernel[i] === 0) layer.kernel[i] = scale * limit * (2 * draw.next() - 1);
  });
  return network;
}

/** L2 distance between the weights (kernels and biases) of two networks with the same layers. */
export function weightDistance(a: Network, b: Network): number {
  let sum = 0;
  for (const layer of a.layers) {
    if (layer.kind !== 'dense' && layer.kind !== 'conv2d') continue;
    const other = getLayer(b, layer.id);
    if (other.kind !== layer.kind)
      throw new InvalidArgumentError({
        argument: 'network',
        message: `Layer '${layer.id}' differs in kind between the two networks.`,
        hint: 'Compare a network with a fine-tuned copy of itself.',
      });
    for (let i = 0; i < layer.kernel.length; i++) sum += (layer.kernel[i]! - other.kernel[i]!) ** 2;
    if (layer.bias && other.bias) for (let i = 0; i < layer.bias.length; i++) sum += (layer.bias[i]! - other.bias[i]!) ** 2;
  }
  return Math.sqrt(sum);
}
