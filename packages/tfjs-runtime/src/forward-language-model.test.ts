import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Network } from '@modscope/core';
import { referenceForward, tinyLanguageModel } from '@modscope/core/testing';
import { disposeWeights, forwardNetwork, matMulWithTransposedGradient, uploadWeights } from './forward-network.js';
import { useTestBackend } from './test-support/use-test-backend.js';

beforeAll(useTestBackend);

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return a.length === b.length ? m : Infinity;
}

/** Token ids for `count` windows of `positions` tokens. */
function ids(network: Network, count: number, positions: number): Float32Array {
  const embedding = network.layers.find((l) => l.kind === 'embedding');
  const vocabulary = embedding?.kind === 'embedding' ? embedding.vocabulary : 1;
  return Float32Array.from({ length: count * positions }, (_, i) => (i * 7 + 3) % vocabulary);
}

describe('forwardNetwork on a language model', () => {
  const cases = [
    tinyLanguageModel({ seed: 1, activation: 'gelu' }),
    tinyLanguageModel({ seed: 2, activation: 'gelu-tanh', tied: true, blocks: 3, heads: 4 }),
    tinyLanguageModel({ seed: 3, activation: 'relu', neurons: 5 }),
  ];
  for (const network of cases) {
    const act = network.layers.find((l) => l.kind === 'activation');
    it(`matches the reference forward pass at every layer (${act?.kind === 'activation' ? act.activation : ''})`, () => {
      const inputs = ids(network, 3, 8);
      const capture = network.layers.slice(1).map((l) => l.id);
      const want = referenceForward(network, { inputs, count: 3, capture });
      const weights = uploadWeights(network);
      try {
        tf.tidy(() => {
          const values = forwardNetwork(network, weights, tf.tensor2d(inputs, [3, 8]), 3, { outputs: capture });
          for (const id of capture) expect(maxDiff(values.get(id)!.dataSync(), want.activations.get(id)!.data), id).toBeLessThan(1e-4);
        });
      } finally {
        disposeWeights(weights);
      }
    });
  }

  it('reads windows shorter than the context, and their logits equal the first positions of a full window', () => {
    const network = tinyLanguageModel({ seed: 4 });
    const full = ids(network, 1, 8);
    const weights = uploadWeights(network);
    try {
      tf.tidy(() => {
        const long = forwardNetwork(network, weights, tf.tensor2d(full, [1, 8]), 1)
          .get(network.output)!
          .dataSync();
        const short = forwardNetwork(network, weights, tf.tensor2d(full.subarray(0, 5), [1, 5]), 1)
          .get(network.output)!
          .dataSync();
        expect(short.length).toBe(5 * 11);
        expect(maxDiff(short, long.subarray(0, 5 * 11))).toBeLessThan(1e-5);
      });
    } finally {
      disposeWeights(weights);
    }
  });

  it('masks heads through a channel mask and trains through the attention with gradients', () => {
    const network = tinyLanguageModel({ seed: 5, blocks: 1 });
    const inputs = ids(network, 2, 8);
    const headMask = Float32Array.from([1, 0]);
    const want = referenceForward(network, { inputs, count: 2, masks: [{ layer: 'block0.attention', mask: headMask }] });
    const weights = uploadWeights(network, { trainable: true });
    try {
      tf.tidy(() => {
        const channels = tf.tensor1d([1, 1, 1, 1, 0, 0, 0, 0]);
        const out = forwardNetwork(network, weights, tf.tensor2d(inputs, [2, 8]), 2, { masks: new Map([['block0.attention', channels]]) });
        expect(maxDiff(out.get(network.output)!.dataSync(), want.logits)).toBeLessThan(1e-4);
        const query = weights.parameters.get('block0.attention')!.query!;
        const { grads } = tf.variableGrads(() => {
          const logits = forwardNetwork(network, weights, tf.tensor2d(inputs, [2, 8]), 2, { matMul: matMulWithTransposedGradient }).get(
            network.output,
          )!;
          return tf.mean(tf.square(logits)) as tf.Scalar;
        });
        expect(grads[query.name]).toBeDefined();
        expect(tf.max(tf.abs(grads[query.name]!)).dataSync()[0]).toBeGreaterThan(0);
      });
    } finally {
      disposeWeights(weights);
    }
  });
});

describe('the embedding gradient', () => {
  it('scatter-adds into the token table, repeated tokens summed, as the cpu backend does', async () => {
    const network = tinyLanguageModel({ seed: 6, blocks: 1 });
    const inputs = Float32Array.from([1, 1, 2, 1, 5, 5, 0, 1]);
    const gradient = () => {
      const weights = uploadWeights(network, { trainable: true });
      try {
        return tf.tidy(() => {
          const tokens = weights.parameters.get('embedding')!.tokens!;
          const { grads } = tf.variableGrads(
            () => tf.sum(tf.square(forwardNetwork(network, weights, tf.tensor2d(inputs, [1, 8]), 1).get(network.output)!)) as tf.Scalar,
          );
          return grads[tokens.name]!.dataSync().slice();
        });
      } finally {
        disposeWeights(weights);
      }
    };
    const backend = tf.getBackend();
    const here = gradient();
    await tf.setBackend('cpu');
    const cpu = gradient();
    await tf.setBackend(backend);
    // Tokens never read get no gradient; token 1 (read four times) gets the sum.
    expect(here.subarray(3 * 8, 5 * 8).every((v) => v === 0)).toBe(true);
    expect(here.subarray(8, 16).some((v) => v !== 0)).toBe(true);
    let scale = 0;
    for (const v of cpu) scale = Math.max(scale, Math.abs(v));
    expect(maxDiff(here, cpu) / scale).toBeLessThan(1e-4);
  });
});
