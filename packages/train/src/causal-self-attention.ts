import * as tf from '@tensorflow/tfjs';
import { causalAttentionKernel } from '@modscope/linalg';
import { runFloat32Kernel } from './run-float32-kernel.js';

/**
 * Causal multi-head self-attention of q, k, v `[batch, positions, heads × headSize]` (after their
 * projections) in one op: `@modscope/linalg`'s WebAssembly SIMD kernel, forward and backward, working
 * on the tensors in place. tfjs's own path (transposes to `[batch, heads, positions, headSize]`, two
 * batched matMuls, a masked softmax) sends batched matMuls to a scalar loop on the wasm backend, and
 * was about a fifth of a training step. Null where the runtime has no WebAssembly SIMD: the forward
 * pass then keeps tfjs's ops.
 */
export function causalSelfAttentionOp():
  | ((q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, heads: number, scale: number) => tf.Tensor3D)
  | null {
  const kernel = causalAttentionKernel();
  if (!kernel) return null;
  return (q, k, v, heads, scale) => {
    const [batch, positions, width] = q.shape;
    const shape = { batch, positions, heads, headSize: width / heads, scale };
    const op = tf.customGrad((qs, ks, vs, save) => {
      const [out, probabilities] = runFloat32Kernel(
        [qs as tf.Tensor, ks as tf.Tensor, vs as tf.Tensor],
        [q.shape, [kernel.probabilitiesLength(shape)]],
        ([qa, ka, va], [oa, pa]) => kernel.forward(shape, qa!, ka!, va!, oa!, pa!),
      );
      (save as tf.GradSaveFunc)([qs as tf.Tensor, ks as tf.Tensor, vs as tf.Tensor, probabilities!]);
      return {
        value: out!,
        gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
          runFloat32Kernel([...saved, dy as tf.Tensor], [q.shape, q.shape, q.shape], ([qa, ka, va, pa, ga], [dq, dk, dv]) =>
            kernel.backward(shape, { q: qa!, k: ka!, v: va!, probabilities: pa!, dOut: ga! }, dq!, dk!, dv!),
          ),
      };
    }) as (q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D) => tf.Tensor3D;
    return op(q, k, v);
  };
}
