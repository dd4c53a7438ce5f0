import { inputLayer, type DataLayout, type Network } from '@modscope/core';
import { resolveAscentOptions, type AscentOptions } from './ascent-options.js';
import { checkUnits, createAscent, findUnitLayer } from './gradient-ascent.js';
import { onGradientBackend } from './gradient-backend.js';

export interface VisualizeFeaturesOptions extends AscentOptions {
  /** Id of the dense or conv2d layer that owns the units. */
  layer: string;
  /** The unit set (channels of a conv layer), indices into the layer's units. */
  units: Int32Array | readonly number[];
}

export interface FeatureVisualization {
  layer: string;
  units: Int32Array;
  /** The optimized input: one example in the network's input layout and `shape`. */
  image: Float32Array;
  /** Shape of one input example (no batch dimension), in `layout`. */
  shape: number[];
  layout: DataLayout;
  /** Mean activation of the unit set on the start input (conv channels: spatial mean). */
  startActivation: number;
  /** Mean activation of the unit set on the optimized input. */
  activation: number;
  /** The network's softmax on the optimized input (the output itself where it is a softmax layer). */
  softmax: Float32Array;
  /** Shannon entropy of `softmax` in nats: low when the preferred input looks like one class. */
  entropy: number;
  /** The tfjs backend that ran the ascent: the selected one. */
  backend: string;
}

/**
 * Feature visualization of one unit set: Adam gradient ascent on one input to maximize the set's mean
 * activation minus `l2 · ‖x‖²`, clipped to `inputRange` after each step, then the network's softmax on
 * the result and its entropy. Seeded: the same seed gives the same image.
 */
export async function visualizeFeatures(network: Network, options: VisualizeFeaturesOptions): Promise<FeatureVisualization> {
  const { point, settings } = resolveAscentOptions(network, options);
  const units = checkUnits(findUnitLayer(network, options.layer), options.units);
  const { value: result, backend } = await onGradientBackend(() => {
    const ascent = createAscent(network, options.layer, point);
    try {
      return ascent.run([units], settings)[0]!;
    } finally {
      ascent.dispose();
    }
  });
  return { layer: options.layer, units, ...result, shape: [...inputLayer(network).outputShape], layout: network.layout, backend };
}
