import * as tf from '@tensorflow/tfjs';
import { transformerView, type Layer, type Network } from '@modscope/core';
import { forwardNetwork, uploadWeights, type ForwardHooks, type NetworkWeights } from '@modscope/tfjs-runtime';
import { affineForTraining } from './affine-for-training.js';
import { causalSelfAttentionOp } from './causal-self-attention.js';
import type { ParameterMask } from './language-model-masks.js';

/** A language model's weights as tfjs variables, and which of them are trained and decayed. */
export interface LanguageModelParams {
  weights: NetworkWeights<tf.Variable>;
  /** Every trained variable (a tied unembedding's own kernel is not: the token table stands in for it). */
  variables: tf.Variable[];
  /** The matrices AdamW decays: dense kernels, Q/K/V and the embedding tables (not biases or LayerNorm). */
  decayed: Set<tf.Variable>;
  /** The unembedding's id where it is tied to the token table. */
  tied: string | null;
  embedding: string;
}

export function createLanguageModelParams(network: Network): LanguageModelParams {
  const view = transformerView(network);
  const weights = uploadWeights(network, { trainable: true });
  const tied = view.unembedding.tiedTo ? view.unembedding.id : null;
  const variables: tf.Variable[] = [];
  const decayed = new Set<tf.Variable>();
  for (const [id, { kernel, bias }] of weights.weights) {
    if (id !== tied) {
      variables.push(kernel);
      decayed.add(kernel);
    }
    if (bias) variables.push(bias);
  }
  for (const parameters of weights.parameters.values()) {
    for (const [name, v] of Object.entries(parameters)) {
      variables.push(v);
      if (['tokens', 'positions', 'query', 'key', 'value'].includes(name)) decayed.add(v);
    }
  }
  return { weights, variables, decayed, tied, embedding: view.embedding.id };
}

/** The variable a parameter mask applies to. */
export function maskedVariable(params: LanguageModelParams, mask: ParameterMask): tf.Variable {
  const dense = params.weights.weights.get(mask.layer);
  if (dense) return (mask.parameter === 'kernel' ? dense.kernel : dense.bias)!;
  return params.weights.parameters.get(mask.layer)![mask.parameter]!;
}

/** The weights the forward pass reads: a tied unembedding reads the transposed token table (inside the tape). */
function forwardWeights(params: LanguageModelParams): NetworkWeights {
  if (!params.tied) return params.weights;
  const tokens = params.weights.parameters.get(params.embedding)!.tokens!;
  const weights = new Map(params.weights.weights as Map<string, { kernel: tf.Tensor; bias: tf.Tensor | null }>);
  weights.set(params.tied, { kernel: tf.transpose(tokens), bias: params.weights.weights.get(params.tied)!.bias });
  return { ...params.weights, weights };
}

/** Logits `[count, positions, vocabulary]` of the ids `x: [count, positions]`, with training's gradients and hooks. */
export function languageModelLogits(
  network: Network,
  params: LanguageModelParams,
  x: tf.Tensor,
  count: number,
  hooks: Pick<ForwardHooks, 'dropout' | 'dropoutAt'> = {},
): tf.Tensor3D {
  const causalAttention = causalSelfAttentionOp();
  return forwardNetwork(network, forwardWeights(params), x, count, {
    ...hooks,
    affine: affineForTraining,
    ...(causalAttention ? { causalAttention } : {}),
    outputs: [network.output],
  }).get(network.output)! as tf.Tensor3D;
}

/** A copy of −0 as +0 (a negative weight times a 0 mask). */
function read(v: tf.Tensor): Float32Array {
  const values = v.dataSync() as Float32Array;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! + 0;
  return out;
}

/** A copy of the network with the variables' current values. */
export function readLanguageModel(network: Network, params: LanguageModelParams): Network {
  const { weights, parameters } = params.weights;
  const layers = network.layers.map((layer): Layer => {
    const p = parameters.get(layer.id);
    switch (layer.kind) {
      case 'dense': {
        const w = weights.get(layer.id)!;
        if (layer.id === params.tied) {
          const tokens = read(parameters.get(params.embedding)!.tokens!);
          const [d, vocabulary] = layer.kernelShape as [number, number];
          const kernel = new Float32Array(d * vocabulary);
          for (let t = 0; t < vocabulary; t++) for (let i = 0; i < d; i++) kernel[i * vocabulary + t] = tokens[t * d + i]!;
          return { ...layer, kernel, bias: w.bias ? read(w.bias) : null };
        }
        return { ...layer, kernel: read(w.kernel), bias: w.bias ? read(w.bias) : null };
      }
      case 'embedding':
        return { ...layer, tokens: read(p!.tokens!), positions: p!.positions ? read(p!.positions) : null };
      case 'layernorm':
        return { ...layer, gamma: read(p!.gamma!), beta: read(p!.beta!) };
      case 'attention':
        return {
          ...layer,
          query: read(p!.query!),
          key: read(p!.key!),
          value: read(p!.value!),
          queryBias: p!.queryBias ? read(p!.queryBias) : null,
          keyBias: p!.keyBias ? read(p!.keyBias) : null,
          valueBias: p!.valueBias ? read(p!.valueBias) : null,
        };
      default:
        return { ...layer };
    }
  });
  return { ...network, layers, source: network.source && { ...network.source } };
}
