import type * as tf from '@tensorflow/tfjs';
import { getLayer, UnsupportedOpError, type Layer, type Network } from '@modscope/core';
import {
  convolveWithIm2colGradients,
  disposeWeights,
  forwardNetwork,
  matMulWithTransposedGradient,
  uploadWeights,
  type ForwardHooks,
  type NetworkWeights,
} from '@modscope/tfjs-runtime';

/** The network's weights on the tfjs side: trainable kernels and biases, frozen batch-norm constants. */
export type Params = NetworkWeights<tf.Variable>;

/** Uploads the network's weights as variables (kernels in HWIO / [in, out] as in the representation). */
export function createParams(network: Network): Params {
  return uploadWeights(network, { trainable: true });
}

export function disposeParams(params: Params): void {
  disposeWeights(params);
}

/** The trainable variables in network order. */
export function variablesOf(params: Params): tf.Variable[] {
  const out: tf.Variable[] = [];
  for (const { kernel, bias } of params.weights.values()) out.push(kernel, ...(bias ? [bias] : []));
  return out;
}

/** A copy with −0 (a negative weight times a 0 mask) written as +0. */
function positiveZeros(values: Float32Array): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! + 0;
  return out;
}

/** A copy of the network with the current values of the variables. */
export function readNetwork(network: Network, params: Params): Network {
  const layers = network.layers.map((layer): Layer => {
    if (layer.kind !== 'dense' && layer.kind !== 'conv2d')
      return layer.kind === 'batchnorm'
        ? { ...layer, gamma: layer.gamma.slice(), beta: layer.beta.slice(), mean: layer.mean.slice(), variance: layer.variance.slice() }
        : { ...layer };
    const p = params.weights.get(layer.id)!;
    return {
      ...layer,
      kernel: positiveZeros(p.kernel.dataSync() as Float32Array),
      bias: p.bias ? positiveZeros(p.bias.dataSync() as Float32Array) : null,
    };
  });
  return { ...network, layers, source: network.source && { ...network.source } };
}

/** The layer whose output is the logits: the network output, or the input of a final softmax. */
export function logitsLayer(network: Network): string {
  const output = getLayer(network, network.output);
  return output.kind === 'softmax' ? output.inputs[0]! : output.id;
}

/**
 * The forward pass (`forwardNetwork` of `@modscope/tfjs-runtime`) from a batch `x` (`count` examples in
 * the network layout) to the logits, with the dense and conv gradients that are fast on wasm (which has no
 * conv kernel gradient of its own; ordinary, depthwise and grouped convolutions alike) and, in training,
 * the dropout hook. Batch norms use their stored
 * statistics (they are not trained).
 */
export function forwardLogits(
  network: Network,
  params: Params,
  x: tf.Tensor,
  count: number,
  options: Pick<ForwardHooks, 'dropout' | 'dropoutAt'> = {},
): tf.Tensor2D {
  const stop = logitsLayer(network);
  const logits = forwardNetwork(network, params, x, count, {
    ...options,
    matMul: matMulWithTransposedGradient,
    conv2d: convolveWithIm2colGradients,
    outputs: [stop],
  }).get(stop)!;
  if (logits.rank !== 2) {
    throw new UnsupportedOpError({
      op: `an output of rank ${logits.rank - 1}`,
      node: stop,
      format: 'modscope network',
      hint: '@modscope/train trains classifiers whose output is a flat vector of logits.',
    });
  }
  return logits as tf.Tensor2D;
}

/**
 * The tfjs kernels the backward pass of this network needs beyond the common ones. Convolutions need none:
 * their gradients (`convolveWithIm2colGradients`) are made of matMul, slices and a forward conv.
 */
export function gradientKernels(network: Network): string[] {
  const kernels = new Set<string>();
  for (const layer of network.layers) {
    if (layer.kind === 'pool' && !layer.global) kernels.add(layer.mode === 'max' ? 'MaxPoolGrad' : 'AvgPoolGrad');
  }
  return [...kernels];
}
