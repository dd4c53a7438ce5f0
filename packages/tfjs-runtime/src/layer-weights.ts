import type * as tf from '@tensorflow/tfjs';

/** A tfjs layer's weights by short name (`kernel`, `gamma`, `query_kernel`, …), copied out of tfjs. */
export function layerWeights(layer: tf.layers.Layer): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const variable of layer.weights) {
    const short = variable.originalName.split('/').pop()!;
    out.set(short, new Float32Array(variable.read().dataSync() as Float32Array));
  }
  return out;
}
