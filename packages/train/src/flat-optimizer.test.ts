import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createRandom } from '@modscope/core';
import { createFlatOptimizer } from './flat-optimizer.js';
import { createOptimizer } from './optimizer.js';

const normals = (n: number, seed: number) => {
  const random = createRandom(seed);
  return Float32Array.from({ length: n }, () => random.normal());
};

describe('createFlatOptimizer', () => {
  for (const [name, momentum] of [
    ['adam', 0],
    ['sgd', 0.9],
    ['sgd', 0],
  ] as const) {
    it(`matches the tfjs optimizer's ${name}${momentum ? ' with momentum' : ''}, with decoupled decay and a held mask`, () => {
      const size = 40;
      const start = normals(size, 1);
      const mask = new Float32Array(size).fill(1);
      mask[3] = 0;
      mask[30] = 0;
      for (let i = 0; i < size; i++) start[i]! *= mask[i]!;
      // two variables: [0, 24) decayed, [24, 40) not
      const a = tf.variable(tf.tensor(start.slice(0, 24), [4, 6]));
      const b = tf.variable(tf.tensor(start.slice(24), [16]));
      const masks = [tf.tensor(mask.slice(0, 24), [4, 6]), tf.tensor(mask.slice(24), [16])];
      const reference = createOptimizer({ name, momentum, epsilon: 1e-8 });
      const flat = createFlatOptimizer({ name, size, momentum, epsilon: 1e-8, weightDecay: 0.1, decayed: [[0, 24]], mask });
      const weights = start.slice();
      for (let step = 0; step < 5; step++) {
        const gradient = normals(size, 10 + step);
        const lr = 0.01 * (step + 1);
        const scale = step === 2 ? 0.5 : 1;
        tf.tidy(() => {
          a.assign(tf.mul(a, 1 - lr * 0.1));
          const g = tf.mul(tf.tensor(gradient), scale);
          reference.apply(
            new Map<tf.Variable, tf.Tensor>([
              [a, tf.reshape(tf.slice(g, 0, 24), [4, 6])],
              [b, tf.slice(g, 24, 16)],
            ]),
            lr,
          );
          a.assign(tf.mul(a, masks[0]!));
          b.assign(tf.mul(b, masks[1]!));
        });
        flat.update(weights, gradient, lr, scale);
      }
      const want = [...a.dataSync(), ...b.dataSync()];
      for (let i = 0; i < size; i++) expect(weights[i]).toBeCloseTo(want[i]!, 6);
      expect(Math.abs(weights[3]!)).toBe(0);
      expect(Math.abs(weights[30]!)).toBe(0);
      reference.dispose();
      tf.dispose([a, b, ...masks]);
    });
  }

  it('gives the same bits by the SIMD kernel as by the JavaScript loop (Adam, decay, mask, odd size)', () => {
    const size = 37;
    const mask = new Float32Array(size).fill(1);
    mask[5] = 0;
    const options = { name: 'adam' as const, size, epsilon: 1e-8, weightDecay: 0.1, decayed: [[3, 20]] as const, mask };
    const [fast, plain] = [createFlatOptimizer(options), createFlatOptimizer({ ...options, kernel: false })];
    const a = normals(size, 2);
    const b = a.slice();
    for (let step = 0; step < 6; step++) {
      const gradient = normals(size, 20 + step);
      fast.update(a, gradient, 0.003 * (step + 1), step === 3 ? 0.25 : 1);
      plain.update(b, gradient, 0.003 * (step + 1), step === 3 ? 0.25 : 1);
    }
    expect(a).toEqual(b);
    expect(a).not.toEqual(normals(size, 2));
  });
});
