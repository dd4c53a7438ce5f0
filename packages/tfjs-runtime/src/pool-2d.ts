import * as tf from '@tensorflow/tfjs';
import type { Layer, Network } from '@modscope/core';

/**
 * A max or average pool over an NHWC value with the representation's exact semantics: explicit
 * asymmetric pads (max pads with -Infinity), `countIncludePad`, ceil-mode output sizes, global pools.
 */
export function pool2d(layer: Extract<Layer, { kind: 'pool' }>, x: tf.Tensor4D, layout: Network['layout']): tf.Tensor {
  if (layer.global) {
    const y = layer.mode === 'max' ? tf.max(x, [1, 2]) : tf.mean(x, [1, 2]);
    return layer.outputShape.length === 3 ? tf.reshape(y, [x.shape[0], 1, 1, layer.units]) : y;
  }
  const [h, w] = [x.shape[1], x.shape[2]];
  const [outH, outW] = layout === 'nchw' ? [layer.outputShape[1]!, layer.outputShape[2]!] : [layer.outputShape[0]!, layer.outputShape[1]!];
  const [t, l] = layer.pads;
  // Bottom/right padding grows where the declared output needs it (ceil mode); those cells count as padding.
  const b = Math.max(layer.pads[2], (outH - 1) * layer.strides[0] + layer.size[0] - h - t);
  const r = Math.max(layer.pads[3], (outW - 1) * layer.strides[1] + layer.size[1] - w - l);
  const paddings: [number, number][] = [
    [0, 0],
    [t, b],
    [l, r],
    [0, 0],
  ];
  const padded = t + b + l + r > 0;
  if (layer.mode === 'max') {
    const source = padded ? tf.pad(x, paddings, -Infinity) : x;
    return tf.maxPool(source as tf.Tensor4D, layer.size, layer.strides, 'valid');
  }
  const sums = tf.avgPool((padded ? tf.pad(x, paddings, 0) : x) as tf.Tensor4D, layer.size, layer.strides, 'valid');
  if (!padded || layer.countIncludePad) return sums;
  // Divide by the number of real elements in each window, not by the window size.
  const ones = tf.pad(tf.ones([1, h, w, 1]), paddings, 0) as tf.Tensor4D;
  return tf.div(sums, tf.avgPool(ones, layer.size, layer.strides, 'valid'));
}
