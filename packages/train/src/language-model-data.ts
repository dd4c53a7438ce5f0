import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, transformerView, type Network } from '@modscope/core';
import { languageModelLogits, type LanguageModelParams } from './language-model-params.js';

/**
 * Token sequences to train or evaluate a language model on: `count` windows of `context` ids each (the
 * shape of `@modscope/text`'s `TokenWindows`). A window of L tokens is read as L − 1 inputs, each
 * position predicting the next token, so L − 1 may be at most the model's context.
 */
export interface TokenSequences {
  tokens: Int32Array;
  count: number;
  /** Tokens per window. */
  context: number;
}

/** Next-token loss (nats per token) and top-1 accuracy over every predicted position. */
export interface LanguageModelEvaluation {
  loss: number;
  accuracy: number;
  /** Predicted positions scored. */
  tokens: number;
}

const pkg = '@modscope/train';

/** Checks that the windows fit the model: ids below its vocabulary, windows at most one longer than its context. */
export function checkSequences(network: Network, data: TokenSequences, what = 'data'): void {
  const view = transformerView(network);
  if (!data || !(data.tokens instanceof Int32Array) || !Number.isInteger(data.count) || data.count < 1 || !(data.context >= 2)) {
    throw new InvalidArgumentError({
      argument: what,
      message: `${pkg}: ${what} must be token windows { tokens: Int32Array, count ≥ 1, context ≥ 2 }.`,
      hint: 'Cut them with cutWindows of @modscope/text.',
    });
  }
  if (data.tokens.length !== data.count * data.context) {
    throw new InvalidArgumentError({
      argument: what,
      message: `${pkg}: ${what} holds ${data.tokens.length} ids, not ${data.count} windows × ${data.context}.`,
    });
  }
  if (data.context - 1 > view.context) {
    throw new InvalidArgumentError({
      argument: what,
      message: `${pkg}: windows of ${data.context} tokens need a context of ${data.context - 1}, but '${network.name}' reads at most ${view.context} positions.`,
      hint: `Cut windows of at most ${view.context + 1} tokens.`,
    });
  }
  const vocabulary = view.embedding.vocabulary;
  for (let i = 0; i < data.tokens.length; i++) {
    const id = data.tokens[i]!;
    if (!(id >= 0 && id < vocabulary)) {
      throw new InvalidArgumentError({
        argument: what,
        message: `${pkg}: token id ${id} (window ${Math.floor(i / data.context)}) is outside the vocabulary of '${network.name}' (0 to ${vocabulary - 1}).`,
        hint: "Tokenize the text with the model's own tokenizer.",
      });
    }
  }
}

/** Inputs (the first L − 1 ids) and targets (the last L − 1) of the windows `order[start, end)`. */
export function gatherSequences(
  data: TokenSequences,
  order: ArrayLike<number>,
  start: number,
  end: number,
): { inputs: Int32Array; targets: Int32Array } {
  const n = end - start;
  const length = data.context - 1;
  const inputs = new Int32Array(n * length);
  const targets = new Int32Array(n * length);
  for (let i = 0; i < n; i++) {
    const from = order[start + i]! * data.context;
    inputs.set(data.tokens.subarray(from, from + length), i * length);
    targets.set(data.tokens.subarray(from + 1, from + 1 + length), i * length);
  }
  return { inputs, targets };
}

/** Mean next-token cross-entropy and correct predictions of `logits: [n, positions, vocabulary]`. */
export function nextTokenLoss(logits: tf.Tensor3D, targets: tf.Tensor1D): { loss: tf.Scalar; correct: tf.Scalar } {
  const vocabulary = logits.shape[2];
  const flat = tf.reshape(logits, [-1, vocabulary]) as tf.Tensor2D;
  const logProbs = tf.logSoftmax(flat);
  const loss = tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(targets, vocabulary), logProbs), 1))) as tf.Scalar;
  const correct = tf.sum(tf.cast(tf.equal(tf.argMax(flat, 1), targets), 'float32')) as tf.Scalar;
  return { loss, correct };
}

/** Loss and accuracy of the current parameters on every window (no dropout). */
export function evaluateLanguageModelParams(
  network: Network,
  params: LanguageModelParams,
  data: TokenSequences,
  batchSize = 32,
): LanguageModelEvaluation {
  const identity = Uint32Array.from({ length: data.count }, (_, i) => i);
  const length = data.context - 1;
  let loss = 0;
  let correct = 0;
  for (let start = 0; start < data.count; start += batchSize) {
    const end = Math.min(data.count, start + batchSize);
    const n = end - start;
    const { inputs, targets } = gatherSequences(data, identity, start, end);
    const [l, c] = tf.tidy(() => {
      const logits = languageModelLogits(network, params, tf.tensor2d(inputs, [n, length], 'int32'), n);
      const r = nextTokenLoss(logits, tf.tensor1d(targets, 'int32'));
      return [r.loss.dataSync()[0]!, r.correct.dataSync()[0]!];
    });
    loss += l * n * length;
    correct += c;
  }
  const tokens = data.count * length;
  return { loss: loss / tokens, accuracy: correct / tokens, tokens };
}
