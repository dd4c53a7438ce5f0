import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyCnn } from '@modscope/core/testing';
import { convolve, convolveWithIm2colGradients, type ConvFunction, type ConvSpec } from './conv2d-gradients.js';
import { forwardNetwork, uploadWeights, disposeWeights } from './forward-network.js';
import { selectBackend } from './select-backend.js';

// Every case runs on the cpu backend with tfjs's own gradients (the reference) and on the wasm backend,
// through the im2col gradients and through tfjs's gradients with the kernels registerWasmConvGradients
// added; wasm must be available (it is wherever @modscope/tfjs-runtime installs).
beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  await selectBackend({ backend: 'wasm' });
});
afterAll(() => selectBackend({ backend: 'wasm' }));

interface Case {
  name: string;
  /** Input `[n, h, w, cin]` and kernel `[kh, kw, cin / groups, cout]`. */
  x: [number, number, number, number];
  kernel: [number, number, number, number];
  spec: ConvSpec;
}

const plain = { strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], groups: 1 } as const;
const cases: Case[] = [
  { name: 'stride 2', x: [2, 9, 8, 3], kernel: [3, 3, 3, 4], spec: { ...plain, strides: [2, 2] } },
  { name: 'asymmetric padding', x: [2, 7, 6, 2], kernel: [3, 2, 2, 3], spec: { ...plain, pads: [1, 0, 2, 1] } },
  {
    name: 'stride 2 with asymmetric padding',
    x: [2, 8, 7, 2],
    kernel: [3, 3, 2, 3],
    spec: { ...plain, strides: [2, 1], pads: [0, 2, 1, 1] },
  },
  { name: 'dilation 2', x: [2, 9, 9, 2], kernel: [3, 3, 2, 3], spec: { ...plain, dilations: [2, 2], pads: [1, 2, 2, 1] } },
  { name: 'groups 2', x: [2, 6, 6, 4], kernel: [3, 3, 2, 6], spec: { ...plain, groups: 2, pads: [1, 1, 1, 1] } },
  { name: 'depthwise', x: [2, 7, 7, 3], kernel: [3, 3, 1, 3], spec: { ...plain, groups: 3, pads: [1, 1, 1, 1] } },
  {
    name: 'depthwise, multiplier 2, stride 2',
    x: [2, 8, 8, 3],
    kernel: [3, 3, 1, 6],
    spec: { ...plain, groups: 3, strides: [2, 2], pads: [0, 1, 1, 0] },
  },
  { name: 'depthwise, dilation 2', x: [1, 8, 8, 2], kernel: [2, 2, 1, 2], spec: { ...plain, groups: 2, dilations: [2, 2] } },
  { name: '1×1', x: [2, 5, 5, 4], kernel: [1, 1, 4, 3], spec: plain },
  { name: 'batch 5', x: [5, 6, 6, 2], kernel: [3, 3, 2, 2], spec: { ...plain, pads: [1, 1, 1, 1] } },
];

function values(shape: readonly number[], seed: number): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: size }, (_, i) => Math.sin(seed + i * 0.7) + 0.3 * Math.cos(i * 1.9 + seed));
}

/** The kernel with zeros between its taps: a dilated convolution as an ordinary one, for tfjs's own gradients. */
function spreadKernel(kernel: tf.Tensor4D, [dh, dw]: readonly [number, number]): tf.Tensor4D {
  const [kh, kw, ci, co] = kernel.shape;
  const padded = tf.pad(tf.reshape(kernel, [kh, 1, kw, 1, ci, co]), [
    [0, 0],
    [0, dh - 1],
    [0, 0],
    [0, dw - 1],
    [0, 0],
    [0, 0],
  ]);
  return tf.slice(tf.reshape(padded, [kh * dh, kw * dw, ci, co]), 0, [(kh - 1) * dh + 1, (kw - 1) * dw + 1, ci, co]) as tf.Tensor4D;
}

/** tfjs's own gradients on the cpu backend (dilations through a spread kernel: tfjs has no dilated gradient). */
const reference: ConvFunction = (x, kernel, spec) =>
  spec.dilations[0] * spec.dilations[1] === 1
    ? convolve(x, kernel, spec)
    : convolve(x, spreadKernel(kernel as tf.Tensor4D, spec.dilations), { ...spec, dilations: [1, 1] });

/** Loss Σ y·r for a fixed r, and its gradients with respect to the input and the kernel. */
function lossAndGradients(c: Case, conv: ConvFunction): { loss: number; dx: Float32Array; dk: Float32Array } {
  return tf.tidy(() => {
    const x = tf.tensor4d(values(c.x, 1), c.x);
    const kernel = tf.tensor4d(values(c.kernel, 2), c.kernel);
    const f = (a: tf.Tensor, k: tf.Tensor) => {
      const y = conv(a as tf.Tensor4D, k, c.spec);
      return tf.sum(tf.mul(y, tf.tensor(values(y.shape, 3), y.shape))) as tf.Scalar;
    };
    const { value, grads } = tf.valueAndGrads(f)([x, kernel]);
    return { loss: value.dataSync()[0]!, dx: grads[0]!.dataSync() as Float32Array, dk: grads[1]!.dataSync() as Float32Array };
  });
}

/** max |a − b| / max |b|. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / Math.max(scale, 1e-30);
}

function expectClose(got: ReturnType<typeof lossAndGradients>, want: ReturnType<typeof lossAndGradients>): void {
  expect(relativeError([got.loss], [want.loss])).toBeLessThanOrEqual(1e-4);
  expect(relativeError(got.dx, want.dx)).toBeLessThanOrEqual(1e-4);
  expect(relativeError(got.dk, want.dk)).toBeLessThanOrEqual(1e-4);
}

async function on<T>(backend: 'cpu' | 'wasm', work: () => T): Promise<T> {
  await tf.setBackend(backend);
  return work();
}

describe('conv2d gradients on wasm against the cpu backend', () => {
  for (const c of cases) {
    it(`${c.name}: im2col gradients`, async () => {
      const want = await on('cpu', () => lossAndGradients(c, reference));
      const got = await on('wasm', () => lossAndGradients(c, convolveWithIm2colGradients));
      expectClose(got, want);
      // The same gradients on cpu: the im2col path does not depend on the backend.
      expectClose(await on('cpu', () => lossAndGradients(c, convolveWithIm2colGradients)), want);
    });
    if (c.spec.dilations[0] * c.spec.dilations[1] === 1) {
      it(`${c.name}: tfjs's gradients with the registered wasm kernels`, async () => {
        const want = await on('cpu', () => lossAndGradients(c, reference));
        const got = await on('wasm', () => lossAndGradients(c, convolve));
        expectClose(got, want);
      });
    }
  }

  it('a tiny CNN trains on wasm with the losses of cpu', async () => {
    const network = tinyCnn({ layout: 'nhwc' });
    const count = 6;
    const size = network.layers[0]!.outputShape.reduce((a, b) => a * b, 1);
    const inputs = values([count * size], 4);
    const labels = Int32Array.from({ length: count }, (_, i) => i % 3);
    const train = (conv: ConvFunction) => {
      const weights = uploadWeights(network, { trainable: true });
      const optimizer = tf.train.sgd(0.05);
      const losses: number[] = [];
      try {
        for (let step = 0; step < 5; step++) {
          const loss = optimizer.minimize(
            () =>
              tf.tidy(() => {
                const logits = forwardNetwork(network, weights, tf.tensor(inputs), count, { conv2d: conv }).get(network.output)!;
                const classes = logits.shape[1]!;
                return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), classes), logits) as tf.Scalar;
              }),
            true,
          )!;
          losses.push(loss.dataSync()[0]!);
          loss.dispose();
        }
      } finally {
        optimizer.dispose();
        disposeWeights(weights);
      }
      return losses;
    };
    const want = await on('cpu', () => train(convolve));
    const got = await on('wasm', () => train(convolveWithIm2colGradients));
    const registered = await on('wasm', () => train(convolve));
    expect(want[4]).toBeLessThan(want[0]!);
    for (let step = 0; step < want.length; step++) {
      expect(relativeError([got[step]!], [want[step]!])).toBeLessThanOrEqual(1e-4);
      expect(relativeError([registered[step]!], [want[step]!])).toBeLessThanOrEqual(1e-4);
    }
  });
});
