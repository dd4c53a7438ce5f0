import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { inputSize, type Network } from '@modscope/core';
import { referenceForward, tinyCnn, tinyMlp, tinyResidualCnn } from '@modscope/core/testing';
import { disposeWeights, forwardNetwork, matMulWithTransposedGradient, uploadWeights } from './forward-network.js';
import { useTestBackend } from './test-support/use-test-backend.js';

beforeAll(useTestBackend);

function inputsFor(network: Network, count: number): Float32Array {
  return Float32Array.from({ length: count * inputSize(network) }, (_, i) => Math.sin(i * 1.3) * 2);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return a.length === b.length ? m : Infinity;
}

/** The value of `layer` in the network layout (NHWC compute values of an nchw network back to NCHW). */
function read(network: Network, value: tf.Tensor): Float32Array {
  return tf
    .tidy(() => (network.layout === 'nchw' && value.rank === 4 ? tf.transpose(value, [0, 3, 1, 2]) : value))
    .dataSync() as Float32Array;
}

describe('forwardNetwork', () => {
  const networks = [
    tinyMlp(),
    tinyCnn({ layout: 'nhwc' }),
    tinyCnn({ layout: 'nchw' }),
    tinyResidualCnn({ layout: 'nhwc' }),
    tinyResidualCnn({ layout: 'nchw' }),
  ];
  for (const network of networks) {
    it(`${network.name} (${network.layout}): output and captured layers match the reference forward pass`, () => {
      const inputs = inputsFor(network, 3);
      const capture = network.layers.slice(1, -1).map((l) => l.id);
      const want = referenceForward(network, { inputs, count: 3, capture });
      const weights = uploadWeights(network);
      try {
        tf.tidy(() => {
          const x = tf.tensor2d(inputs, [3, inputSize(network)]);
          const values = forwardNetwork(network, weights, x, 3, { outputs: [network.output, ...capture] });
          expect(maxDiff(read(network, values.get(network.output)!), want.logits)).toBeLessThan(1e-4);
          for (const id of capture) expect(maxDiff(read(network, values.get(id)!), want.activations.get(id)!.data)).toBeLessThan(1e-4);
        });
      } finally {
        disposeWeights(weights);
      }
    });
  }

  it('applies masks to a layer value and stops after the last wanted layer', () => {
    const network = tinyMlp();
    const hidden = network.layers[1]!;
    const inputs = inputsFor(network, 2);
    const mask = Float32Array.from({ length: hidden.units }, (_, i) => (i % 2 ? 0 : 1));
    const want = referenceForward(network, { inputs, count: 2, capture: [hidden.id], masks: [{ layer: hidden.id, mask }] });
    const weights = uploadWeights(network);
    try {
      tf.tidy(() => {
        const x = tf.tensor2d(inputs, [2, inputSize(network)]);
        const values = forwardNetwork(network, weights, x, 2, { outputs: [hidden.id], masks: new Map([[hidden.id, tf.tensor1d(mask)]]) });
        expect([...values.keys()]).toEqual([hidden.id]);
        expect(maxDiff(values.get(hidden.id)!.dataSync(), want.activations.get(hidden.id)!.data)).toBeLessThan(1e-5);
      });
    } finally {
      disposeWeights(weights);
    }
  });

  it('calls the dropout hook on the layers it names, with their ids', () => {
    const network = tinyMlp();
    const weights = uploadWeights(network);
    const seen: string[] = [];
    try {
      tf.tidy(() => {
        const x = tf.tensor2d(inputsFor(network, 2), [2, inputSize(network)]);
        const dropped = forwardNetwork(network, weights, x, 2, {
          dropoutAt: new Set([network.layers[1]!.id]),
          dropout: (value, layer) => {
            seen.push(layer);
            return tf.zerosLike(value);
          },
          outputs: [network.layers[1]!.id],
        });
        expect(
          dropped
            .get(network.layers[1]!.id)!
            .dataSync()
            .every((v) => v === 0),
        ).toBe(true);
      });
    } finally {
      disposeWeights(weights);
    }
    expect(seen).toEqual([network.layers[1]!.id]);
  });

  it('trains through variables: matMulWithTransposedGradient has the value and gradients of tf.matMul', () => {
    const network = tinyMlp();
    const weights = uploadWeights(network, { trainable: true });
    try {
      const variables = [...weights.weights.values()].flatMap(({ kernel, bias }) => [kernel, ...(bias ? [bias] : [])]);
      expect(variables.every((v) => v instanceof tf.Variable && v.trainable)).toBe(true);
      const x = tf.tensor2d(inputsFor(network, 4), [4, inputSize(network)]);
      const loss = (matMul?: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D) => () =>
        tf.sum(tf.square(forwardNetwork(network, weights, x, 4, matMul ? { matMul } : {}).get(network.output)!)) as tf.Scalar;
      const plain = tf.variableGrads(loss(), variables);
      const custom = tf.variableGrads(loss(matMulWithTransposedGradient), variables);
      expect(maxDiff(custom.value.dataSync(), plain.value.dataSync())).toBe(0);
      for (const v of variables) expect(maxDiff(custom.grads[v.name]!.dataSync(), plain.grads[v.name]!.dataSync())).toBeLessThan(1e-5);
      tf.dispose([x, plain.value, custom.value, ...Object.values(plain.grads), ...Object.values(custom.grads)]);
    } finally {
      disposeWeights(weights);
    }
  });
});
