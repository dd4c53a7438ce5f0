import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '@modscope/core';
import { selectBackend } from '@modscope/tfjs-runtime';
import { causalSelfAttentionOp } from './causal-self-attention.js';

/** tfjs's own causal attention, as the forward pass computes it without the hook. */
function tfjsAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, heads: number, scale: number): tf.Tensor3D {
  const [batch, positions, width] = q.shape;
  const split = (x: tf.Tensor) => tf.transpose(tf.reshape(x, [batch, positions, heads, width / heads]), [0, 2, 1, 3]);
  const causal = tf.linalg.bandPart(tf.ones([positions, positions]), -1, 0);
  const scores = tf.add(tf.mul(tf.matMul(split(q), split(k), false, true), scale), tf.mul(tf.sub(1, causal), -1e30));
  const mixed = tf.matMul(tf.softmax(scores), split(v));
  return tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [batch, positions, width]);
}

function normals(shape: [number, number, number], seed: number): tf.Tensor3D {
  const random = createRandom(seed);
  return tf.tensor3d(
    Float32Array.from({ length: shape[0] * shape[1] * shape[2] }, () => random.normal()),
    shape,
  );
}

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;

describe('causalSelfAttentionOp', () => {
  let before: string;
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm' });
    before = tf.getBackend();
  });
  afterAll(async () => {
    await tf.setBackend(before);
  });

  const attend = causalSelfAttentionOp()!;
  for (const backend of ['wasm', 'cpu']) {
    for (const [batch, positions, heads, headSize] of [
      [2, 13, 3, 5],
      [3, 64, 4, 32],
    ] as const) {
      it(`has the value and gradients of tfjs's ops on ${backend}: ${batch} × ${positions} positions × ${heads} heads of ${headSize}`, async () => {
        await tf.setBackend(backend);
        tf.tidy(() => {
          const shape: [number, number, number] = [batch, positions, heads * headSize];
          const [q, k, v, dy] = [1, 2, 3, 4].map((s) => normals(shape, s)) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
          const scale = 1 / Math.sqrt(headSize);
          const fused = (a: tf.Tensor3D, b: tf.Tensor3D, c: tf.Tensor3D) => attend(tf.concat([a, b, c], 2), heads, scale);
          const loss = (f: typeof fused) => (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
            tf.sum(tf.mul(f(a as tf.Tensor3D, b as tf.Tensor3D, c as tf.Tensor3D), dy));
          const want = tf.valueAndGrads(loss((a, b, c) => tfjsAttention(a, b, c, heads, scale)))([q, k, v]);
          const got = tf.valueAndGrads(loss(fused))([q, k, v]);
          expect(maxDiff(fused(q, k, v), tfjsAttention(q, k, v, heads, scale))).toBeLessThan(1e-5);
          for (let i = 0; i < 3; i++) expect(maxDiff(got.grads[i]!, want.grads[i]!)).toBeLessThan(1e-4);
        });
        await tf.setBackend(before);
      });
    }
  }

  it('leaks no tensors, with or without a gradient', () => {
    const qkv = normals([2, 8, 24], 1);
    const count = tf.memory().numTensors;
    tf.dispose(tf.tidy(() => attend(qkv, 2, 0.5)));
    tf.dispose(tf.tidy(() => tf.grads((a: tf.Tensor) => tf.sum(attend(a as tf.Tensor3D, 2, 0.5)))([qkv])));
    expect(tf.memory().numTensors).toBe(count);
    qkv.dispose();
  });
});
