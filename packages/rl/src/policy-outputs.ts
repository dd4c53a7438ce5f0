import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, type Network } from '@modscope/core';
import { selectBackend } from '@modscope/tfjs-runtime';
import type { LayerMask } from '@modscope/train';
import { denseChain } from './agent-networks.js';
import { logSoftmaxRows } from './agent-rows.js';
import { resolveHeldMasks } from './held-masks.js';
import { createMlp, disposeCache } from './mlp.js';

export interface PolicyOutputsOptions {
  /** Weights held at zero (a lesioned or pruned policy; `LayerMask` of `@modscope/train`). */
  masks?: readonly LayerMask[];
  /** (boolean, default false) — also return every hidden layer's output (after its ReLU). */
  hidden?: boolean;
  /** (number, default 4096) — rows per forward pass. */
  batchSize?: number;
}

export interface PolicyOutputs {
  /** `count × outputs`: the softmax of the policy's logits. */
  probabilities: Float32Array;
  /** With `hidden`: per hidden dense layer (by id) its `count × units` outputs after the ReLU. */
  hidden: { layer: string; units: number; values: Float32Array }[] | null;
}

/**
 * A policy MLP's action probabilities (and, with `hidden`, its hidden units' activations) on `count` recorded
 * observations (`count × inputs`, e.g. `RecordedStates.observations` of `rolloutAgents`), with `masks` held at
 * zero: what scoring modules on recorded states (method §10) and selective pruning read.
 */
export async function policyOutputs(
  network: Network,
  observations: Float32Array,
  count: number,
  options: PolicyOutputsOptions = {},
): Promise<PolicyOutputs> {
  const layers = denseChain(network, 'the policy');
  const inputs = layers[0]!.kernelShape[0];
  if (observations.length !== count * inputs)
    throw new InvalidArgumentError({
      argument: 'observations',
      message: `@modscope/rl: ${observations.length} observation values given for ${count} states of ${inputs} inputs each (${count * inputs} expected).`,
    });
  await selectBackend();
  const outputs = layers.at(-1)!.kernelShape[1];
  const probabilities = new Float32Array(count * outputs);
  const hidden = options.hidden
    ? layers.slice(0, -1).map((l) => ({ layer: l.id, units: l.kernelShape[1], values: new Float32Array(count * l.kernelShape[1]) }))
    : null;
  const mlp = createMlp(layers, resolveHeldMasks(network, layers, options.masks ?? [], 'the policy'));
  const step = Math.max(1, options.batchSize ?? 4096);
  try {
    for (let at = 0; at < count; at += step) {
      const rows = Math.min(step, count - at);
      const x = tf.tensor2d(observations.subarray(at * inputs, (at + rows) * inputs), [rows, inputs]);
      try {
        if (hidden) {
          const { output, cache } = mlp.forward(x);
          try {
            for (const [l, h] of cache.hidden.entries()) hidden[l]!.values.set(h.dataSync() as Float32Array, at * hidden[l]!.units);
          } finally {
            disposeCache(cache);
          }
          writeProbabilities(output, outputs, probabilities, at);
        } else {
          writeProbabilities(mlp.output(x), outputs, probabilities, at);
        }
      } finally {
        x.dispose();
      }
    }
  } finally {
    mlp.dispose();
  }
  return { probabilities, hidden };
}

function writeProbabilities(logits: Float32Array, outputs: number, into: Float32Array, at: number): void {
  const logProbabilities = new Float32Array(logits.length);
  logSoftmaxRows(logits, outputs, logProbabilities);
  for (let i = 0; i < logProbabilities.length; i++) into[at * outputs + i] = Math.exp(logProbabilities[i]!);
}
