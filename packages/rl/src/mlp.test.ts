import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createRandom, type DenseLayer } from '@modscope/core';
import { selectBackend } from '@modscope/tfjs-runtime';
import { createNetwork } from '@modscope/train';
import { createMlp, disposeCache, transposeInto } from './mlp.js';

const random = createRandom(11);
const values = (n: number) => Float32Array.from({ length: n }, () => random.normal());

describe('createMlp', () => {
  it('computes the output and the gradients tfjs autodiff computes', async () => {
    await selectBackend();
    const network = createNetwork('5-4-3-2', { seed: 2 });
    const layers = network.layers.filter((l): l is DenseLayer => l.kind === 'dense');
    for (const l of layers) l.bias = values(l.units); // non-zero biases, so that some ReLUs are off
    const rows = 6;
    const x = values(rows * 5);
    const g = values(rows * 2);
    const mlp = createMlp(layers, []);
    const xt = tf.tensor2d(x, [rows, 5]);
    const xT = tf.tensor2d(transposeInto(x, rows, 5, new Float32Array(rows * 5)), [5, rows]);
    const { output, cache } = mlp.forward(xt);
    const gradients = mlp.gradients(cache, xT, g);
    disposeCache(cache);

    const vars = layers.flatMap((l) => [tf.variable(tf.tensor2d(l.kernel, l.kernelShape)), tf.variable(tf.tensor1d(l.bias!))]);
    const expected = tf.tidy(() => {
      const f = () => {
        let h: tf.Tensor2D = xt;
        for (let l = 0; l < 3; l++) {
          h = tf.add(tf.matMul(h, vars[2 * l] as tf.Variable<tf.Rank.R2>), vars[2 * l + 1]!);
          if (l < 2) h = tf.relu(h);
        }
        return h;
      };
      const y = f();
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(f(), tf.tensor2d(g, [rows, 2]))) as tf.Scalar, vars);
      return { y: y.dataSync().slice(), grads: vars.map((v) => grads[v.name]!.dataSync().slice()) };
    });
    tf.dispose([xt, xT, ...vars]);
    mlp.dispose();
    for (let i = 0; i < output.length; i++) expect(output[i]).toBeCloseTo(expected.y[i]!, 5);
    expect(gradients).toHaveLength(6);
    gradients.forEach((grad, k) => {
      expect(grad).toHaveLength(expected.grads[k]!.length);
      for (let i = 0; i < grad.length; i++) expect(grad[i]).toBeCloseTo(expected.grads[k]![i]!, 5);
    });
    expect(gradients.some((grad) => grad.some((v) => v !== 0))).toBe(true);
  });

  it('holds masked weights at zero and writes them into the network', () => {
    const network = createNetwork('3-4-2', { seed: 1 });
    const layers = network.layers.filter((l): l is DenseLayer => l.kind === 'dense');
    const kernelMask = new Float32Array(12).fill(1);
    kernelMask[5] = 0;
    const mlp = createMlp(layers, [{ layer: 'dense1', kernel: kernelMask, bias: null }]);
    mlp.parameters[0]!.fill(2); // as an optimizer step might
    mlp.sync();
    const out = mlp.toNetwork(network);
    mlp.dispose();
    const k = (out.layers.find((l) => l.id === 'dense1') as DenseLayer).kernel;
    expect(k[5]).toBe(0);
    expect(k[4]).toBe(2);
    expect((network.layers.find((l) => l.id === 'dense1') as DenseLayer).kernel[4]).not.toBe(2); // the input is untouched
  });
});

describe('transposeInto', () => {
  it('transposes a matrix of any shape', () => {
    const m = Float32Array.from({ length: 37 * 5 }, (_, i) => i);
    const t = transposeInto(m, 37, 5, new Float32Array(37 * 5));
    for (let r = 0; r < 37; r++) for (let c = 0; c < 5; c++) expect(t[c * 37 + r]).toBe(m[r * 5 + c]);
  });
});
