import * as tf from '@tensorflow/tfjs';
import type { Random } from '@modscope/core';

/** Inverted dropout with masks drawn from `random`: kept values are scaled by 1 / (1 − rate). */
export function dropoutWith(random: Random, rate: number) {
  const keep = 1 / (1 - rate);
  return (value: tf.Tensor): tf.Tensor => {
    const mask = new Float32Array(value.size);
    for (let i = 0; i < mask.length; i++) mask[i] = random.next() < rate ? 0 : keep;
    return tf.mul(value, tf.tensor(mask, value.shape));
  };
}
