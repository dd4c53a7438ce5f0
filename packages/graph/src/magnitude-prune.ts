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
    // the `drop` smallest magnitudes, ties to the lowest index: everything below the drop-th smallest
    // magnitude, then as many of those equal to it as are left, in index order
    const magnitude = new Float32Array(w.length);
    for (let i = 0; i < w.length; i++) magnitude[i] = Math.abs(w[i]!);
    const threshold = kthSmallest(magnitude.slice(), drop - 1);
    let ties = drop;
    for (let i = 0; i < w.length; i++) if (magnitude[i]! < threshold) ties--;
    const kernel = w.slice();
    for (let i = 0; i < w.length; i++) {
      const m = magnitude[i]!;
      if (m < threshold) kernel[i] = 0;
      else if (m === threshold && ties > 0) {
        kernel[i] = 0;
        ties--;
      }
    }
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

/**
 * The k-th smallest value (0-based) of `a`, which it reorders: quickselect with a median-of-three pivot,
 * O(n) on average; a numeric sort of what is left if the partitions stop shrinking (adversarial input).
 */
function kthSmallest(a: Float32Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  let budget = 2 * Math.ceil(Math.log2(a.length + 1)) + 16;
  while (hi > lo) {
    if (budget-- === 0) {
      const rest = a.subarray(lo, hi + 1).sort();
      return rest[k - lo]!;
    }
    const mid = (lo + hi) >>> 1;
    const x = a[lo]!;
    const y = a[mid]!;
    const z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    // three-way partition: [lo, lt) < pivot, [lt, gt] = pivot, (gt, hi] > pivot
    let lt = lo;
    let gt = hi;
    let i = lo;
    while (i <= gt) {
      const v = a[i]!;
      if (v < pivot) {
        a[i] = a[lt]!;
        a[lt++] = v;
        i++;
      } else if (v > pivot) {
        a[i] = a[gt]!;
        a[gt--] = v;
      } else i++;
    }
    if (k < lt) hi = lt - 1;
    else if (k > gt) lo = gt + 1;
    else return pivot;
  }
  return a[lo]!;
}
