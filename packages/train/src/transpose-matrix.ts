import * as tf from '@tensorflow/tfjs';
import { runFloat32Kernel } from './run-float32-kernel.js';

const TILE = 32;

/**
 * The transpose of a float32 matrix, in cache-sized tiles: the wasm backend's own `Transpose` walks
 * the output with a stride of the row length and took about 4 ms for a 2048 × 128 activation, more than
 * the matMul it prepares (a dense layer's kernel gradient xᵀ·dy).
 */
export function transposeMatrix(x: tf.Tensor2D): tf.Tensor2D {
  if (x.dtype !== 'float32') return tf.transpose(x);
  const [rows, cols] = x.shape;
  const [out] = runFloat32Kernel([x], [[cols, rows]], ([a], [t]) => {
    const src = a!;
    const dst = t!;
    for (let i0 = 0; i0 < rows; i0 += TILE) {
      const i1 = Math.min(rows, i0 + TILE);
      for (let j0 = 0; j0 < cols; j0 += TILE) {
        const j1 = Math.min(cols, j0 + TILE);
        for (let i = i0; i < i1; i++) {
          const row = i * cols;
          for (let j = j0; j < j1; j++) dst[j * rows + i] = src[row + j]!;
        }
      }
    }
  });
  return out as tf.Tensor2D;
}
