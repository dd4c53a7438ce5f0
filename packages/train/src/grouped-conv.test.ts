import * as tf from '@tensorflow/tfjs';
import { type Layer, type Network, weightedLayers } from '@modscope/core';
import { tinyCnn } from '@modscope/core/testing';
import { convolve, forwardNetwork, selectBackend } from '@modscope/tfjs-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParams, disposeParams, forwardLogits, variablesOf } from './forward-pass.js';
import { train } from './train.js';

// tinyCnn with its second convolution grouped: 4 input channels in 2 groups of 2, 6 outputs (3 per group).
function groupedCnn(): Network {
  const network = tinyCnn({ layout: 'nhwc' });
  const layers = network.layers.map((layer): Layer => {
    if (layer.id !== 'conv2' || layer.kind !== 'conv2d') return layer;
    return {
      ...layer,
      groups: 2,
      kernelShape: [3, 3, 2, 6],
      kernel: Float32Array.from({ length: 3 * 3 * 2 * 6 }, (_, i) => 0.4 * Math.sin(i * 0.37)),
    };
  });
  return { ...network, name: 'tiny-grouped-cnn', layers };
}

const count = 12;
const inputs = Float32Array.from({ length: count * 64 }, (_, i) => Math.sin(i * 0.61) + 0.2 * Math.cos(i * 1.3));
const labels = Int32Array.from({ length: count }, (_, i) => i % 3);
const data = { inputs, count, labels, classes: 3 };

/** The loss and its gradient for every trainable variable, with the forward pass `logits`. */
function gradients(network: Network, logits: (params: ReturnType<typeof createParams>, x: tf.Tensor) => tf.Tensor2D) {
  const params = createParams(network);
  try {
    return tf.tidy(() => {
      const x = tf.tensor(inputs);
      const { value, grads } = tf.variableGrads(
        () => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), 3), logits(params, x)) as tf.Scalar,
        variablesOf(params),
      );
      return {
        loss: value.dataSync()[0]!,
        grads: variablesOf(params).map((v) => grads[v.name]!.dataSync() as Float32Array),
        shapes: variablesOf(params).map((v) => v.shape.join('×')),
      };
    });
  } finally {
    disposeParams(params);
  }
}

/** max |a − b| / max |b|. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / Math.max(scale, 1e-30);
}

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  await selectBackend({ backend: 'wasm' });
});
afterAll(() => selectBackend({ backend: 'wasm' }));

describe('a grouped convolution trains', () => {
  it('on wasm, with the first-step gradients of tfjs’s own on the cpu backend', async () => {
    const network = groupedCnn();
    await tf.setBackend('cpu');
    // the reference: tfjs's own conv gradients (per group, a conv2d and its tfjs gradient) on cpu
    const want = gradients(
      network,
      (params, x) => forwardNetwork(network, params, x, count, { conv2d: convolve }).get('fc') as tf.Tensor2D,
    );
    await tf.setBackend('wasm');
    const got = gradients(network, (params, x) => forwardLogits(network, params, x, count));
    expect(relativeError([got.loss], [want.loss])).toBeLessThanOrEqual(1e-4);
    expect(got.grads).toHaveLength(want.grads.length);
    for (let i = 0; i < want.grads.length; i++)
      expect(relativeError(got.grads[i]!, want.grads[i]!), `variable ${i}`).toBeLessThanOrEqual(1e-4);
    // the grouped kernel gets a gradient of its own shape, not all zero
    const kernel = got.shapes.indexOf('3×3×2×6');
    expect(kernel).toBeGreaterThanOrEqual(0);
    expect(got.grads[kernel]!.length).toBe(3 * 3 * 2 * 6);
    expect(got.grads[kernel]!.some((g) => Math.abs(g) > 1e-6)).toBe(true);
  });

  it('with train: on wasm, the loss falls (Adam), and one SGD step updates the weights as on cpu', async () => {
    const network = groupedCnn();
    const result = await train(network, data, { epochs: 30, batchSize: count, learningRate: 0.01, seed: 1 });
    expect(result.backend).toBe('wasm');
    expect(result.history.at(-1)!.loss).toBeLessThan(0.7 * result.history[0]!.loss);
    const conv2 = (n: Network) => weightedLayers(n).find((l) => l.id === 'conv2')!;
    expect(conv2(result.network)).toMatchObject({ groups: 2, kernelShape: [3, 3, 2, 6] });
    // one full-batch step of SGD at rate 1: the change of each weight is minus its gradient, on wasm as on cpu
    const step = async (backend: 'cpu' | 'wasm') => {
      const r = await train(network, data, { steps: 1, batchSize: count, optimizer: 'sgd', learningRate: 1, seed: 1, backend });
      expect(r.backend).toBe(backend);
      return weightedLayers(r.network).map((l, i) => Float32Array.from(l.kernel, (w, j) => w - weightedLayers(network)[i]!.kernel[j]!));
    };
    const cpu = await step('cpu');
    const wasm = await step('wasm');
    for (let i = 0; i < cpu.length; i++) expect(relativeError(wasm[i]!, cpu[i]!), `layer ${i}`).toBeLessThanOrEqual(1e-4);
    expect(cpu[weightedLayers(network).findIndex((l) => l.id === 'conv2')]!.some((d) => d !== 0)).toBe(true);
  });
});
