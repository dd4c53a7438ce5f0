import * as tf from '@tensorflow/tfjs';

/**
 * Additive mask restricting each example's softmax to its head: 0 inside `heads[head[i]]`, −1e9 outside.
 * Null for a plain cross-entropy (one softmax over all outputs).
 */
export function headMask(heads: readonly (readonly [number, number])[] | null, headOf: Int32Array, outputs: number): Float32Array | null {
  if (!heads) return null;
  const mask = new Float32Array(headOf.length * outputs).fill(-1e9);
  for (let i = 0; i < headOf.length; i++) {
    const [start, end] = heads[headOf[i]!]!;
    mask.fill(0, i * outputs + start, i * outputs + end);
  }
  return mask;
}

/**
 * Mean softmax cross-entropy of a batch and its number of correct predictions (arg-max within the
 * example's head). `mask` is `headMask`'s tensor or null.
 */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, mask: tf.Tensor2D | null): { loss: tf.Scalar; correct: tf.Scalar } {
  const z = mask ? tf.add(logits, mask) : logits;
  const outputs = logits.shape[1];
  const loss = tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(labels, outputs), tf.logSoftmax(z)), 1))) as tf.Scalar;
  const correct = tf.sum(tf.cast(tf.equal(tf.argMax(z, 1), labels), 'float32')) as tf.Scalar;
  return { loss, correct };
}
