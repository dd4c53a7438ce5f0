import { InvalidArgumentError, type Layer, type Network } from '@modscope/core';

export interface MagnitudePruneOptions {
  /** Fraction of each layer's weights to zero, in [0, 1). Default 0.9. */
  sparsity?: number;
  /** Ids of layers to leave alone. Default none: every dense and conv layer is pruned. */
  skip?: readonly string[];
}

/**
 * One-shot magnitude pruning (the method, §1): per dense or conv layer, the fraction `sparsity` of weights
 * with the smallest |w| become 0 (ties broken by position, so the count is exact). Returns a new network;
 * biases and other layers are shared with the input, which is left unchanged.
 */
export function magnitudePrune(network: Network, options: MagnitudePruneOptions = {}): Network {
  const sparsity = options.sparsity ?? 0.9;
  if (!(sparsity >= 0 && sparsity < 1)) {
    throw new InvalidArgumentError({
      argument: 'sparsity',
      message: `@modscope/graph: pruning sparsity ${sparsity} is outside [0, 1).`,
      hint: 'Give the fraction of weights to remove per layer, e.g. 0.9.',
    });
  }
  const skip = new Set(options.skip ?? []);
  const layers = network.layers.map((layer): Layer => {
    if ((layer.kind !== 'dense' && layer.kind !== 'conv2d') || skip.has(layer.id)) return layer;
    const w = layer.kernel;
    const drop = Math.round(sparsity * w.length);
    if (drop === 0) return layer;
    const order = new Uint32Array(w.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    const magnitude = new Float32Array(w.length);
    for (let i = 0; i < w.length; i++) magnitude[i] = Math.abs(w[i]!);
    order.sort((a, b) => magnitude[a]! - magnitude[b]! || a - b);
    const kernel = w.slice();
    for (let i = 0; i < drop; i++) kernel[order[i]!] = 0;
    return { ...layer, kernel };
  });
  return { ...network, layers };
}

/** Fraction of zero weights in each dense or conv layer, by layer id. */
export function layerSparsity(network: Network): Map<string, number> {
  const out = new Map<string, number>();
  for (const layer of network.layers) {
    if (layer.kind !== 'dense' && layer.kind !== 'conv2d') continue;
    let zeros = 0;
    for (let i = 0; i < layer.kernel.length; i++) if (layer.kernel[i] === 0) zeros++;
    out.set(layer.id, zeros / layer.kernel.length);
  }
  return out;
}
