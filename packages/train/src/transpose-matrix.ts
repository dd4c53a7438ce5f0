import * as tf from '@tensorflow/tfjs';
import { transposeFloat32 } from '@modscope/linalg';
import { runFloat32Kernel } from './run-float32-kernel.js';

/**
 * The transpose of a float32 matrix through `@modscope/linalg`'s SIMD kernel: the wasm backend's own
 * `Transpose` walks the output with a stride of the row length and took about 4 ms for a 2048 × 128
 * activation, more than the matMul it prepares (a dense layer's kernel gradient xᵀ·dy).
 */
export function transposeMatrix(x: tf.Tensor2D): tf.Tensor2D {
  if (x.dtype !== 'float32') return tf.transpose(x);
  const [rows, cols] = x.shape;
  const [out] = runFloat32Kernel([x], [[cols, rows]], ([a], [t]) => transposeFloat32(a!, rows, cols, t!));
  return out as tf.Tensor2D;
}
