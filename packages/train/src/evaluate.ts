import * as tf from '@tensorflow/tfjs';
import { inputSize, type LabelledExamples, type Network } from '@modscope/core';
import { selectBackend } from '@modscope/tfjs-runtime';
import { crossEntropy, headMask } from './cross-entropy.js';
import { createParams, disposeParams, forwardLogits, type Params } from './forward-pass.js';
import { checkData, checkHeads, headOfLabels } from './training-data.js';

export interface EvaluateOptions {
  /** (number, default 1024) — examples per forward pass. */
  batchSize?: number;
  /** (`[start, end)[]`, default none) — score each example within the head holding its label (multi-head nets). */
  heads?: readonly (readonly [number, number])[];
}

export interface Evaluation {
  /** Mean softmax cross-entropy. */
  loss: number;
  /** Fraction of examples whose arg-max (within their head) is the label. */
  accuracy: number;
  correct: number;
  count: number;
}

/** Loss and accuracy of the current parameters on `data` (no dropout). */
export function evaluateParams(
  network: Network,
  params: Params,
  data: LabelledExamples,
  heads: readonly (readonly [number, number])[] | null,
  outputs: number,
  batchSize = 1024,
): Evaluation {
  const per = inputSize(network);
  const headOf = headOfLabels(data.labels, heads);
  let loss = 0;
  let correct = 0;
  for (let start = 0; start < data.count; start += batchSize) {
    const end = Math.min(data.count, start + batchSize);
    const n = end - start;
    const [l, c] = tf.tidy(() => {
      const x = tf.tensor2d(data.inputs.subarray(start * per, end * per), [n, per]);
      const labels = tf.tensor1d(
        Int32Array.from({ length: n }, (_, i) => data.labels[start + i]!),
        'int32',
      );
      const maskData = headMask(heads, headOf.subarray(start, end), outputs);
      const mask = maskData ? tf.tensor2d(maskData, [n, outputs]) : null;
      const r = crossEntropy(forwardLogits(network, params, x, n), labels, mask);
      return [r.loss.dataSync()[0]!, r.correct.dataSync()[0]!];
    });
    loss += l * n;
    correct += c;
  }
  return { loss: loss / data.count, accuracy: correct / data.count, correct, count: data.count };
}

/**
 * Loss and accuracy of a network on labelled data in its input layout, on the tfjs backend the
 * application selected (see `selectBackend` of `@modscope/tfjs-runtime`).
 */
export async function evaluate(network: Network, data: LabelledExamples, options: EvaluateOptions = {}): Promise<Evaluation> {
  const outputs = checkData(network, data);
  const heads = options.heads ? checkHeads(options.heads, outputs) : null;
  await selectBackend();
  const params = createParams(network);
  try {
    return evaluateParams(network, params, data, heads, outputs, options.batchSize ?? 1024);
  } finally {
    disposeParams(params);
  }
}
