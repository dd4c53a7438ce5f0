import * as tf from '@tensorflow/tfjs';
import { causalAttentionKernel } from '@modscope/linalg';
import { runFloat32Kernel } from './run-float32-kernel.js';

/**
 * Causal multi-head self-attention from q, k and v side by side (`[batch, positions, 3 × heads × headSize]`,
 * the output of one projection by [Q K V]) in one op: `@modscope/linalg`'s WebAssembly SIMD kernel,
 * forward and backward, working on the tensors in place. tfjs's own path (transposes to `[batch, heads,
 * positions, headSize]`, two batched matMuls, a masked softmax) sends batched matMuls to a scalar loop on
 * the wasm backend, and was about a fifth of a training step. Null where the runtime has no WebAssembly
 * SIMD: the forward pass then keeps tfjs's ops.
 */
export function causalSelfAttentionOp(): ((qkv: tf.Tensor3D, heads: number, scale: number) => tf.Tensor3D) | null {
  const kernel = causalAttentionKernel();
  if (!kernel) return null;
  return (qkv, heads, scale) => {
    const [batch, positions, width3] = qkv.shape;
    const width = width3 / 3;
    const shape = { batch, positions, heads, headSize: width / heads, scale };
    const op = tf.customGrad((x, save) => {
      const [out, probabilities] = runFloat32Kernel(
        [x as tf.Tensor],
        [[batch, positions, width], [kernel.probabilitiesLength(shape)]],
        ([xa], [oa, pa]) => kernel.forward(shape, xa!, oa!, pa!),
      );
      (save as tf.GradSaveFunc)([x as tf.Tensor, probabilities!]);
      return {
        value: out!,
        gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
          runFloat32Kernel([...saved, dy as tf.Tensor], [qkv.shape], ([xa, pa, ga], [da]) =>
            kernel.backward(shape, { qkv: xa!, probabilities: pa!, dOut: ga! }, da!),
          ),
      };
    }) as (qkv: tf.Tensor3D) => tf.Tensor3D;
    return op(qkv);
  };
}
