import { cloneNetwork, getLayer, getUnitLayer, InvalidArgumentError, type Network, type UnitSelection } from '@modscope/core';

/**
 * A copy of the network with units silenced by editing weights (method §5), e.g. to save a lesioned model:
 * zeroes their incoming weights and biases, so ReLU units output exactly 0; where a batch norm follows,
 * zeroes its scale and shift instead, so the normalized value is 0. Equals a unit mask at `lesionPoint`
 * (what `lesionSweep` evaluates) for activations with f(0) = 0 (ReLU, leaky ReLU, tanh, linear).
 */
export function lesionWeights(network: Network, selection: readonly UnitSelection[]): Network {
  const edited = cloneNetwork(network);
  for (const { layer: id, units } of selection) {
    const unit = getUnitLayer(edited, id, 'selection');
    for (const u of units) {
      if (!Number.isInteger(u) || u < 0 || u >= unit.units) {
        throw new InvalidArgumentError({
          argument: 'selection',
          message: `Unit ${u} is outside layer '${id}' (0..${unit.units - 1}).`,
          hint: 'Select units of the layer that exists in this model.',
        });
      }
    }
    if (unit.normalized) {
      const norm = getLayer(edited, unit.pre);
      if (norm.kind !== 'batchnorm') throw new Error(`@modscope/intervention-lesion: expected a batch norm at '${unit.pre}'`);
      for (const u of units) {
        norm.gamma[u] = 0;
        norm.beta[u] = 0;
      }
      continue;
    }
    const layer = getLayer(edited, id);
    if (layer.kind !== 'dense' && layer.kind !== 'conv2d') continue;
    // Dense [in, out] and conv HWIO both keep the output unit as the fastest-varying index.
    const silenced = new Uint8Array(layer.units);
    for (const u of units) silenced[u] = 1;
    for (let i = 0; i < layer.kernel.length; i++) if (silenced[i % layer.units]) layer.kernel[i] = 0;
    if (layer.bias) for (const u of units) layer.bias[u] = 0;
  }
  return edited;
}
