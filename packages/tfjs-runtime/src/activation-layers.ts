import * as tf from '@tensorflow/tfjs';
import type { ActivationFunction, ActivationLayer } from '@modscope/core';
import { ModscopeGeluTanh } from './gelu-tanh-layer.js';

type ActivationIdentifier = Parameters<typeof tf.layers.activation>[0]['activation'];

/** tfjs activation identifiers of core's activation functions; tfjs's `gelu` is the exact (erf) GELU. */
const identifiers: Record<Exclude<ActivationFunction, 'leaky-relu' | 'gelu-tanh'>, ActivationIdentifier> = {
  relu: 'relu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  gelu: 'gelu',
  linear: 'linear',
};

/**
 * The tfjs layer computing an activation layer: `leaky-relu` as LeakyReLU, `gelu-tanh` as
 * `ModscopeGeluTanh` (tfjs's own `gelu_new` does not load back), the others as Activation.
 */
export function tfjsActivationLayer(layer: ActivationLayer, name: string): tf.layers.Layer {
  if (layer.activation === 'leaky-relu') return tf.layers.leakyReLU({ alpha: layer.alpha ?? 0.01, name });
  if (layer.activation === 'gelu-tanh') return new ModscopeGeluTanh({ name });
  return tf.layers.activation({ activation: identifiers[layer.activation], name });
}

/**
 * Core's activation function (or softmax) for a tfjs activation identifier; undefined where core has
 * none. `gelu_new` (GPT-2's tanh GELU) is read from models built in memory.
 */
export function coreActivation(identifier: string): ActivationFunction | 'softmax' | undefined {
  if (identifier === 'softmax') return 'softmax';
  if (identifier === 'gelu_new') return 'gelu-tanh';
  const found = Object.entries(identifiers).find(([, tfjs]) => tfjs === identifier);
  return found?.[0] as ActivationFunction | undefined;
}

/** The tfjs activation identifiers modscope reads, for messages. */
export const tfjsActivationNames: readonly string[] = [...Object.values(identifiers), 'gelu_new', 'softmax'];
