import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { inputSize, type Layer, type Network } from '@modscope/core';
import { referenceForward, tinyCnn, tinyMlp, tinyResidualCnn } from '@modscope/core/testing';
import { fromTfjsModel } from './from-tfjs-model.js';
import { toTfjsModel } from './to-tfjs-model.js';
import { useTestBackend } from './test-support/use-test-backend.js';

beforeAll(useTestBackend);

const networks = [
  tinyMlp(),
  { ...tinyMlp({ activation: 'gelu', seed: 1 }), name: 'tiny-mlp-gelu' },
  { ...tinyMlp({ activation: 'gelu-tanh', seed: 2 }), name: 'tiny-mlp-gelu-tanh' },
  tinyCnn({ layout: 'nhwc' }),
  tinyCnn({ layout: 'nchw' }),
  tinyResidualCnn({ layout: 'nhwc' }),
  tinyResidualCnn({ layout: 'nchw' }),
];

function inputsFor(network: Network, count: number): Float32Array {
  return Float32Array.from({ length: count * inputSize(network) }, (_, i) => Math.sin(i * 0.37) * 1.5);
}

function predict(model: tf.LayersModel, network: Network, inputs: Float32Array, count: number): Float32Array {
  return tf
    .tidy(() => {
      const x = tf.tensor(inputs, [count, ...network.layers[0]!.outputShape]);
      return (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
    })
    .slice();
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return a.length === b.length ? m : Infinity;
}

describe('toTfjsModel', () => {
  for (const network of networks) {
    it(`${network.name}: predict matches the reference forward pass`, () => {
      const model = toTfjsModel(network);
      const inputs = inputsFor(network, 4);
      expect(maxDiff(predict(model, network, inputs, 4), referenceForward(network, { inputs, count: 4 }).logits)).toBeLessThan(1e-4);
      model.dispose();
    });

    it(`${network.name}: fromTfjsModel gives back the same network`, () => {
      const model = toTfjsModel(network);
      const back = fromTfjsModel(model);
      model.dispose();
      expect(back.layout).toBe(network.layout);
      expect(back.layers.map((l) => [l.kind, l.id, l.inputs, l.outputShape])).toEqual(
        network.layers.map((l) => [l.kind, l.id, l.inputs, l.outputShape]),
      );
      const inputs = inputsFor(network, 3);
      expect(
        maxDiff(referenceForward(back, { inputs, count: 3 }).logits, referenceForward(network, { inputs, count: 3 }).logits),
      ).toBeLessThan(1e-5);
    });
  }

  it('uses ZeroPadding2D for pads that tfjs same padding does not produce, and reads them back', () => {
    const network = tinyCnn({ layout: 'nchw' });
    const conv1 = network.layers[1] as Extract<Layer, { kind: 'conv2d' }>;
    conv1.pads = [2, 0, 0, 2];
    const model = toTfjsModel(network);
    expect(model.layers.some((l) => l.getClassName() === 'ZeroPadding2D')).toBe(true);
    const inputs = inputsFor(network, 2);
    expect(maxDiff(predict(model, network, inputs, 2), referenceForward(network, { inputs, count: 2 }).logits)).toBeLessThan(1e-4);
    expect((fromTfjsModel(model).layers[1] as Extract<Layer, { kind: 'conv2d' }>).pads).toEqual([2, 0, 0, 2]);
    model.dispose();
  });

  it('rejects average pooling it cannot represent exactly', () => {
    const network = tinyCnn({ layout: 'nhwc' });
    const index = network.layers.findIndex((l) => l.id === 'pool1');
    network.layers[index] = {
      ...(network.layers[index] as Extract<Layer, { kind: 'pool' }>),
      mode: 'avg',
      pads: [1, 1, 0, 0],
      countIncludePad: false,
      size: [3, 3],
    };
    expect(() => toTfjsModel(network)).toThrow(expect.objectContaining({ code: 'unsupported-op', node: 'pool1' }));
  });

  it('gives a trainable model: a few fit steps reduce the loss', async () => {
    const network = tinyMlp({ sizes: [6, 16, 2] });
    const model = toTfjsModel(network);
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
    const x = tf.randomUniform([64, 6], -1, 1, 'float32', 1);
    const y = tf.concat([tf.sum(x, 1, true), tf.neg(tf.sum(x, 1, true))], 1);
    const history = await model.fit(x, y, { epochs: 15, batchSize: 16, verbose: 0, shuffle: false });
    const losses = history.history.loss as number[];
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! * 0.5);
    expect(model.trainableWeights.length).toBe(4);
    tf.dispose([x, y]);
    model.dispose();
  });
});
