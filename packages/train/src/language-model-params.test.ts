import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { forwardNetwork, selectBackend } from '@modscope/tfjs-runtime';
import { createLanguageModel } from './language-model.js';
import { createLanguageModelParams, languageModelLogits } from './language-model-params.js';

beforeAll(async () => {
  await selectBackend({ backend: 'wasm' });
});

describe('languageModelLogits', () => {
  it("has the logits and gradients of the forward pass on tfjs's own ops (fused affine, attention kernel)", () => {
    const network = createLanguageModel({ vocabulary: 11, context: 12, blocks: 2, width: 24, heads: 3, seed: 5 });
    const params = createLanguageModelParams(network);
    const n = 3;
    const ids = tf.tensor2d(
      Int32Array.from({ length: n * 12 }, (_, i) => (i * 7 + 2) % 11),
      [n, 12],
      'int32',
    );
    const dy = tf.randomNormal([n, 12, 11], 0, 1, 'float32', 3);
    const plain = () => forwardNetwork(network, params.weights, ids, n).get(network.output)!;
    const loss = (logits: () => tf.Tensor) => () => tf.sum(tf.mul(logits(), dy)) as tf.Scalar;
    const want = tf.variableGrads(loss(plain), params.variables);
    const got = tf.variableGrads(
      loss(() => languageModelLogits(network, params, ids, n)),
      params.variables,
    );
    expect(Math.abs(got.value.dataSync()[0]! - want.value.dataSync()[0]!)).toBeLessThan(1e-4);
    for (const v of params.variables) {
      const diff = tf.max(tf.abs(tf.sub(got.grads[v.name]!, want.grads[v.name]!))).dataSync()[0]!;
      expect(diff, v.name).toBeLessThan(1e-5);
    }
  });
});
