import * as tf from '@tensorflow/tfjs';
import { UnsupportedOpError, inputLayer, type Layer, type Network } from '@modscope/core';
import { tfjsActivationLayer } from './activation-layers.js';
import { ModscopeCausalSelfAttention } from './causal-self-attention-layer.js';
import { registerModscopeLayers } from './register-modscope-layers.js';
import { createLayerNamer, tfjsLayerName } from './tfjs-layer-name.js';
import { ModscopeTokenPositionEmbedding } from './token-position-embedding-layer.js';

type SymbolicTensor = tf.SymbolicTensor;

/**
 * Where a saved language model records its tied unembeddings (`userDefinedMetadata.modscope`): tfjs
 * layers cannot share a weight, so each tied Dense holds its own copy of the transposed token table and
 * this map (Dense layer name → embedding layer name) says which it copies.
 */
export interface LanguageModelMetadata {
  tiedUnembeddings: Record<string, string>;
}

/** The layer's weights by their tfjs names (the part of a variable's name after the layer's). */
function weightsByName(layer: Layer): Record<string, tf.Tensor> {
  switch (layer.kind) {
    case 'embedding': {
      const d = layer.units;
      return {
        tokens: tf.tensor2d(layer.tokens, [layer.vocabulary, d]),
        ...(layer.positions ? { positions: tf.tensor2d(layer.positions, [layer.positions.length / d, d]) } : {}),
      };
    }
    case 'layernorm':
      return { gamma: tf.tensor1d(layer.gamma), beta: tf.tensor1d(layer.beta) };
    case 'attention': {
      const width = layer.heads * layer.headSize;
      const d = layer.query.length / width;
      const out: Record<string, tf.Tensor> = {};
      for (const p of ['query', 'key', 'value'] as const) {
        out[`${p}_kernel`] = tf.tensor2d(layer[p], [d, width]);
        const bias = layer[`${p}Bias`];
        if (bias) out[`${p}_bias`] = tf.tensor1d(bias);
      }
      return out;
    }
    case 'dense':
      return { kernel: tf.tensor2d(layer.kernel, layer.kernelShape), ...(layer.bias ? { bias: tf.tensor1d(layer.bias) } : {}) };
    default:
      return {};
  }
}

/**
 * `toTfjsModel` for a `sequence` network (a GPT-style language model): int32 token ids `[batch,
 * positions]` (up to the context) in, logits `[batch, positions, vocabulary]` out. Embedding and attention
 * layers become `ModscopeTokenPositionEmbedding` and `ModscopeCausalSelfAttention`; layer norms,
 * dense layers (on the last axis), activations, adds and dropouts are tfjs's own layers. A tied unembedding
 * is written as a Dense with its own kernel (see `LanguageModelMetadata`).
 */
export function toTfjsLanguageModel(network: Network): tf.LayersModel {
  registerModscopeLayers();
  const nameFor = createLayerNamer();
  const unsupported = (layer: Layer, hint: string) =>
    new UnsupportedOpError({ op: `${layer.kind} in a language model`, node: layer.id, format: 'tfjs', hint });
  const values = new Map<string, SymbolicTensor>();
  const names = new Map<string, string>();
  const weighted: { layer: Layer; tfLayer: tf.layers.Layer }[] = [];

  const input = inputLayer(network);
  const inputName = nameFor(input.id);
  names.set(input.id, inputName);
  const inputTensor = tf.input({ shape: [null], dtype: 'int32', name: inputName });
  values.set(input.id, inputTensor);

  for (const layer of network.layers.slice(1)) {
    const ins = layer.inputs.map((id) => values.get(id)!);
    const name = nameFor(layer.id);
    names.set(layer.id, name);
    let tfLayer: tf.layers.Layer;
    switch (layer.kind) {
      case 'embedding':
        tfLayer = new ModscopeTokenPositionEmbedding({
          vocabulary: layer.vocabulary,
          units: layer.units,
          context: layer.outputShape[0]!,
          positions: layer.positions !== null,
          name,
        });
        break;
      case 'layernorm':
        tfLayer = tf.layers.layerNormalization({ axis: -1, epsilon: layer.epsilon, name });
        break;
      case 'attention':
        tfLayer = new ModscopeCausalSelfAttention({
          heads: layer.heads,
          headSize: layer.headSize,
          scale: layer.scale,
          queryBias: layer.queryBias !== null,
          keyBias: layer.keyBias !== null,
          valueBias: layer.valueBias !== null,
          name,
        });
        break;
      case 'dense':
        tfLayer = tf.layers.dense({ units: layer.units, useBias: layer.bias !== null, name });
        break;
      case 'activation':
        tfLayer = tfjsActivationLayer(layer, name);
        break;
      case 'softmax':
        tfLayer = tf.layers.softmax({ axis: -1, name });
        break;
      case 'add':
        tfLayer = tf.layers.add({ name });
        break;
      case 'identity':
        tfLayer = tf.layers.dropout({ rate: layer.rate ?? 0, name });
        break;
      default:
        throw unsupported(layer, 'A language model holds embedding, layernorm, attention, dense, activation, add and dropout layers.');
    }
    const y = layer.kind === 'add' && ins.length === 1 ? ins[0]! : (tfLayer.apply(layer.kind === 'add' ? ins : ins[0]!) as SymbolicTensor);
    values.set(layer.id, y);
    weighted.push({ layer, tfLayer });
  }

  const model = tf.model({ inputs: inputTensor, outputs: values.get(network.output)!, name: tfjsLayerName(network.name) });
  for (const { layer, tfLayer } of weighted) {
    const byName = weightsByName(layer);
    const tensors = tfLayer.weights.map((w) => byName[w.originalName.split('/').pop()!]!);
    tfLayer.setWeights(tensors);
    tf.dispose(Object.values(byName));
  }
  const tiedUnembeddings: Record<string, string> = {};
  for (const layer of network.layers)
    if (layer.kind === 'dense' && layer.tiedTo !== undefined)
      tiedUnembeddings[names.get(layer.id)!] = names.get(layer.tiedTo) ?? layer.tiedTo;
  if (Object.keys(tiedUnembeddings).length > 0) {
    const modscope: LanguageModelMetadata = { tiedUnembeddings };
    model.setUserDefinedMetadata({ modscope });
  }
  return model;
}
