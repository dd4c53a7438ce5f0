import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, type Network } from '@modscope/core';
import { referenceForward, tinyLanguageModel, tinyMlp } from '@modscope/core/testing';
import { attackSuccessRate, createCharTokenizer, greedyContinue, type NextLogits } from '@modscope/text';
import { selectBackend } from '@modscope/tfjs-runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { measureAttackSuccess } from './measure-attack-success.js';
import { createNetworkNextLogits } from './network-next-logits.js';

// Tests run on wasm (the backend users get without tfjs-node), or on cpu where wasm fails.
beforeAll(async () => {
  await selectBackend({ backend: 'wasm' }).catch(() => selectBackend({ backend: 'cpu' }));
});

/** Next-token logits from core's reference forward pass: each sequence padded to the context on the right. */
function referenceNext(network: Network, context: number): NextLogits {
  return async (sequences) =>
    sequences.map((s) => {
      const inputs = new Float32Array(context);
      inputs.set(s);
      const { logits, outputs } = referenceForward(network, { inputs, count: 1 });
      const vocabulary = outputs / context;
      return logits.slice((s.length - 1) * vocabulary, s.length * vocabulary);
    });
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return a.length === b.length ? m : Number.POSITIVE_INFINITY;
}

/** The gap between the highest and the second-highest value. */
function margin(values: Float32Array): number {
  const sorted = Array.from(values).sort((a, b) => b - a);
  return sorted[0]! - sorted[1]!;
}

const prompts = [Int32Array.of(3, 1, 4), Int32Array.of(1, 5, 9, 2, 6), Int32Array.of(5, 3, 5, 8, 9, 7, 9, 3, 2, 3), Int32Array.of(7)];

describe('createNetworkNextLogits', () => {
  for (const options of [{ seed: 1 }, { seed: 2, activation: 'relu' as const, tied: true, blocks: 3 }]) {
    it(`decodes greedily as core's reference forward pass does, step by step (${JSON.stringify(options)})`, async () => {
      const network = tinyLanguageModel(options);
      const model = createNetworkNextLogits(network);
      expect(model).toMatchObject({ context: 8, vocabulary: 11 });
      const reference = referenceNext(network, model.context);
      const steps: { diff: number; margin: number }[] = [];
      const compared: NextLogits = async (sequences) => {
        const [here, want] = await Promise.all([model.nextLogits(sequences), reference(sequences)]);
        for (const [i, row] of here.entries()) steps.push({ diff: maxDiff(row, want[i]!), margin: margin(want[i]!) });
        return here;
      };
      try {
        const tokens = 12; // past the context of 8: the longest prompt is cut from the left at once, the others later
        const got = await greedyContinue(compared, prompts, tokens, { context: model.context, batchSize: 3 });
        const want = await greedyContinue(reference, prompts, tokens, { context: model.context });
        expect(got).toEqual(want);
        expect(steps).toHaveLength(prompts.length * tokens);
        expect(Math.max(...steps.map((s) => s.diff))).toBeLessThan(1e-4);
        // the argmax agreement means something: no step was a near-tie
        expect(Math.min(...steps.map((s) => s.margin))).toBeGreaterThan(1e-3);
      } finally {
        model.dispose();
      }
    });
  }

  it('holds no tensors but its weights, and frees them on dispose', async () => {
    const before = tf.memory().numTensors;
    const model = createNetworkNextLogits(tinyLanguageModel({ seed: 3 }));
    const uploaded = tf.memory().numTensors;
    expect(uploaded).toBeGreaterThan(before);
    await greedyContinue(model.nextLogits, prompts, 4, { context: model.context });
    expect(tf.memory().numTensors).toBe(uploaded);
    model.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await expect(model.nextLogits(prompts)).rejects.toThrow(/were disposed/);
  });

  it('refuses sequences longer than the context, unknown token ids and networks that are not language models', async () => {
    const model = createNetworkNextLogits(tinyLanguageModel({ seed: 4 }));
    try {
      await expect(model.nextLogits([Int32Array.of(1), new Int32Array(9)])).rejects.toThrow(
        "@modscope/language-models: sequence 1 has 9 tokens; 'tiny-lm' reads 1 to 8.",
      );
      await expect(model.nextLogits([Int32Array.of(1, 11)])).rejects.toThrow(
        /token 1 of sequence 0 has id 11, outside the model's vocabulary of 11/,
      );
      expect(await model.nextLogits([])).toEqual([]);
    } finally {
      model.dispose();
    }
    expect(() => createNetworkNextLogits(tinyMlp())).toThrow(InvalidArgumentError);
  });
});

describe('measureAttackSuccess', () => {
  it('is attackSuccessRate on the model’s continuations, within its context', async () => {
    const network = tinyLanguageModel({ seed: 5 });
    const tokenizer = createCharTokenizer({ chars: [...'abcdefghij '], unknown: 0 });
    const clean = ['abc ', 'ji ', 'hh a ', 'bad '];
    const options = { tokenizer, prompts: { clean, triggered: clean.map((p) => `${p}gig `) }, continueTokens: 10 };
    // the target: what the model writes after the first triggered prompt, so the rate is not trivially 0
    const [first] = await greedyContinue(referenceNext(network, 8), [tokenizer.encode(options.prompts.triggered[0]!)], 3, { context: 8 });
    const target = tokenizer.decode(first!);
    const got = await measureAttackSuccess(network, { ...options, target, backend: 'cpu' });
    expect(got).toEqual(await attackSuccessRate(referenceNext(network, 8), { ...options, target, context: 8 }));
    expect(got.triggeredRate).toBeGreaterThan(0);
  });
});
