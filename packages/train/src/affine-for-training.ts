import * as tf from '@tensorflow/tfjs';
import { transposeMatrix } from './transpose-matrix.js';

/**
 * x·W + b with gradients that avoid the wasm backend's slow paths: dx = dy·Wᵀ and dW = xᵀ·dy through
 * `transposeMatrix` and a plain matMul (a transposed operand sends tfjs's matMul to a scalar loop), and
 * db = 1ᵀ·dy as a matMul (a `Sum` over rows transposes first, 3 ms for 2048 × 128). The value is
 * `tf.fused.matMul`'s (the bias added in the same pass).
 */
const withBias = tf.customGrad((x, w, b, save) => {
  (save as tf.GradSaveFunc)([x as tf.Tensor, w as tf.Tensor]);
  return {
    value: tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b as tf.Tensor }),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      const g = dy as tf.Tensor2D;
      const rows = tf.ones([1, g.shape[0]]) as tf.Tensor2D;
      return [tf.matMul(g, transposeMatrix(ws)), tf.matMul(transposeMatrix(xs), g), tf.reshape(tf.matMul(rows, g), [g.shape[1]])];
    },
  };
}) as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor) => tf.Tensor2D;

const withoutBias = tf.customGrad((x, w, save) => {
  (save as tf.GradSaveFunc)([x as tf.Tensor, w as tf.Tensor]);
  return {
    value: tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      const g = dy as tf.Tensor2D;
      return [tf.matMul(g, transposeMatrix(ws)), tf.matMul(transposeMatrix(xs), g)];
    },
  };
}) as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

/** x·W (+ b) of a dense layer or projection while training; the forward pass's `affine` hook. */
export function affineForTraining(x: tf.Tensor2D, w: tf.Tensor2D, bias: tf.Tensor | null): tf.Tensor2D {
  return bias ? withBias(x, w, bias) : withoutBias(x, w);
}
