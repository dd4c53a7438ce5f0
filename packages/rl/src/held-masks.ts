import { InvalidArgumentError, ShapeMismatchError, type DenseLayer, type Network } from '@modscope/core';
import type { LayerMask } from '@modscope/train';

/** The 0/1 multipliers training holds on one dense layer's kernel and bias (null: nothing held there). */
export interface HeldMask {
  layer: string;
  kernel: Float32Array | null;
  bias: Float32Array | null;
}

/**
 * Expands `LayerMask`s (the type of `@modscope/train`) on an MLP's dense layers into kernel and bias
 * multipliers: a kernel mask holds its entries, a unit mask holds the unit's incoming weights, its bias and its
 * outgoing weights (the next dense layer's row), so that a pruned unit stays disconnected.
 */
export function resolveHeldMasks(network: Network, layers: readonly DenseLayer[], masks: readonly LayerMask[], what: string): HeldMask[] {
  const held = new Map<string, HeldMask>();
  const entry = (layer: DenseLayer) => {
    let e = held.get(layer.id);
    if (!e) {
      e = { layer: layer.id, kernel: null, bias: null };
      held.set(layer.id, e);
    }
    return e;
  };
  const kernelOf = (layer: DenseLayer) => {
    const e = entry(layer);
    e.kernel ??= new Float32Array(layer.kernel.length).fill(1);
    return e.kernel;
  };
  for (const mask of masks) {
    const index = layers.findIndex((l) => l.id === mask.layer);
    if (index < 0) {
      throw new InvalidArgumentError({
        argument: 'masks',
        message: `@modscope/rl: a mask of ${what} names layer '${mask.layer}', which is not a dense layer of '${network.name}'.`,
        hint: `Use one of: ${layers.map((l) => l.id).join(', ')}.`,
      });
    }
    const layer = layers[index]!;
    if (mask.kernel !== undefined) {
      if (mask.kernel.length !== layer.kernel.length)
        throw new ShapeMismatchError({
          what: `kernel mask of layer '${layer.id}' (${what})`,
          expected: layer.kernelShape,
          actual: [mask.kernel.length],
        });
      const k = kernelOf(layer);
      for (let i = 0; i < k.length; i++) if (mask.kernel[i] === 0) k[i] = 0;
    }
    if (mask.units !== undefined) {
      if (mask.units.length !== layer.units)
        throw new ShapeMismatchError({
          what: `unit mask of layer '${layer.id}' (${what})`,
          expected: [layer.units],
          actual: [mask.units.length],
        });
      const next = layers[index + 1];
      for (let j = 0; j < layer.units; j++) {
        if (mask.units[j] !== 0) continue;
        const k = kernelOf(layer);
        for (let i = j; i < k.length; i += layer.units) k[i] = 0;
        if (layer.bias) {
          const e = entry(layer);
          e.bias ??= new Float32Array(layer.units).fill(1);
          e.bias[j] = 0;
        }
        if (next) {
          const out = next.units;
          kernelOf(next).fill(0, j * out, (j + 1) * out);
        }
      }
    }
  }
  return [...held.values()];
}

/** `values` times `mask`, with every held entry a positive zero. */
export function maskedCopy(values: Float32Array, mask: Float32Array | null): Float32Array {
  const out = values.slice();
  if (mask) for (let i = 0; i < out.length; i++) if (mask[i] === 0) out[i] = 0;
  return out;
}
