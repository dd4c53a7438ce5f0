import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '@modscope/core';
import { selectBackend } from '@modscope/tfjs-runtime';
import { affineForTraining } from './affine-for-training.js';
import { transposeMatrix } from './transpose-matrix.js';

function normals(shape: number[], seed: number): tf.Tensor {
  const random = createRandom(seed);
  return tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => random.normal()),
    shape,
  );
}

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;

describe('affineForTraining and transposeMatrix', () => {
  let before: string;
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm' });
    before = tf.getBackend();
  });
  afterAll(async () => {
    await tf.setBackend(before);
  });

  for (const backend of ['wasm', 'cpu']) {
    it(`transposes exactly, across tile edges (${backend})`, async () => {
      await tf.setBackend(backend);
      tf.tidy(() => {
        for (const shape of [
          [1, 1],
          [37, 70],
          [2048, 12],
        ]) {
          const x = normals(shape, 1) as tf.Tensor2D;
          expect(transposeMatrix(x).shape).toEqual([shape[1], shape[0]]);
          expect(transposeMatrix(x).dataSync()).toEqual(tf.transpose(x).dataSync());
        }
      });
      await tf.setBackend(before);
    });

    it(`has the value and gradients of tf.matMul plus the bias, with and without a bias (${backend})`, async () => {
      await tf.setBackend(backend);
      tf.tidy(() => {
        const x = normals([300, 24], 1) as tf.Tensor2D;
        const w = normals([24, 40], 2) as tf.Tensor2D;
        const b = normals([40], 3);
        const dy = normals([300, 40], 4);
        const withBias = (f: (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor) => tf.Tensor) => (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(f(x as tf.Tensor2D, w as tf.Tensor2D, b), dy));
        const want = tf.valueAndGrads(withBias((x, w, b) => tf.add(tf.matMul(x, w), b)))([x, w, b]);
        const got = tf.valueAndGrads(withBias(affineForTraining))([x, w, b]);
        expect(maxDiff(affineForTraining(x, w, b), tf.add(tf.matMul(x, w), b))).toBeLessThan(1e-5);
        for (let i = 0; i < 3; i++) expect(maxDiff(got.grads[i]!, want.grads[i]!)).toBeLessThan(1e-4);
        const plain = tf.grads((x: tf.Tensor, w: tf.Tensor) =>
          tf.sum(tf.mul(affineForTraining(x as tf.Tensor2D, w as tf.Tensor2D, null), dy)),
        )([x, w]);
        for (let i = 0; i < 2; i++) expect(maxDiff(plain[i]!, want.grads[i]!)).toBeLessThan(1e-4);
      });
      await tf.setBackend(before);
    });
  }
});
