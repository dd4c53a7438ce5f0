import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, transformerView, type Network } from '@modscope/core';
import type { NextLogits } from '@modscope/text';
import { checkTfjsSupport, disposeWeights, forwardNetwork, uploadWeights } from '@modscope/tfjs-runtime';
import { requireLanguageModel } from './text-data.js';

/** A language model's next-token logits on the tfjs backend now active, for `greedyContinue` and `attackSuccessRate`. */
export interface NetworkNextLogits {
  /** Logits of the token after each sequence (each 1…`context` tokens long), `vocabulary` values per sequence. */
  nextLogits: NextLogits;
  /** The longest sequence the model reads: pass it as `context` to the decoder. */
  context: number;
  /** Token ids the model takes (its embedding's rows); logits have one value per unembedding output, as many in GPT models. */
  vocabulary: number;
  /** Frees the weights on the backend; `nextLogits` refuses to run afterwards. */
  dispose(): void;
}

const pkg = '@modscope/language-models';

/**
 * Runs a language model's forward pass (`forwardNetwork` of `@modscope/tfjs-runtime`) one decoding step at a
 * time. The weights are uploaded once; each call runs its batch as one tensor, the shorter sequences padded
 * on the right (the attention is causal, so padding after a sequence's last token does not change its
 * logits), and only each sequence's last position is read back. Select the backend first (`selectBackend`).
 */
export function createNetworkNextLogits(network: Network): NetworkNextLogits {
  requireLanguageModel(network);
  const view = transformerView(network);
  checkTfjsSupport(network);
  const { context } = view;
  const vocabulary = view.embedding.vocabulary;
  const outputs = view.unembedding.units;
  const weights = uploadWeights(network);
  let disposed = false;

  const nextLogits: NextLogits = async (sequences) => {
    if (disposed) {
      throw new InvalidArgumentError({
        argument: 'nextLogits',
        message: `${pkg}: the weights of '${network.name}' were disposed.`,
        hint: 'Call createNetworkNextLogits again.',
      });
    }
    if (sequences.length === 0) return [];
    const longest = Math.max(...sequences.map((s) => s.length));
    const ids = new Float32Array(sequences.length * longest);
    sequences.forEach((s, i) => {
      if (s.length === 0 || s.length > context) {
        throw new InvalidArgumentError({
          argument: 'sequences',
          message: `${pkg}: sequence ${i} has ${s.length} tokens; '${network.name}' reads 1 to ${context}.`,
          hint: `Pass context: ${context} to greedyContinue, which keeps the latest ${context} tokens.`,
        });
      }
      for (let p = 0; p < s.length; p++) {
        const id = s[p]!;
        if (!(id >= 0 && id < vocabulary)) {
          throw new InvalidArgumentError({
            argument: 'sequences',
            message: `${pkg}: token ${p} of sequence ${i} has id ${id}, outside the model's vocabulary of ${vocabulary}.`,
            hint: 'Encode the prompts with the tokenizer the model was trained with.',
          });
        }
        ids[i * longest + p] = id;
      }
    });
    const last = tf.tidy(() => {
      const logits = forwardNetwork(network, weights, tf.tensor2d(ids, [sequences.length, longest]), sequences.length).get(network.output)!;
      const rows = Int32Array.from(sequences, (s, i) => i * longest + s.length - 1);
      return tf.gather(tf.reshape(logits, [-1, outputs]), rows);
    });
    try {
      const data = (await last.data()) as Float32Array;
      return sequences.map((_, i) => data.slice(i * outputs, (i + 1) * outputs));
    } finally {
      last.dispose();
    }
  };

  return {
    nextLogits,
    context,
    vocabulary,
    dispose() {
      if (disposed) return;
      disposed = true;
      disposeWeights(weights);
    },
  };
}
