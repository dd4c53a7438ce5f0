import type { ActivationFunction, DenseLayer, Layer, Network } from './network.js';

/** The shape of a GPT-style decoder-only transformer (method §9). */
export interface LanguageModelShape {
  vocabulary: number;
  context: number;
  /** d, the width of the residual stream. */
  width: number;
  heads: number;
  blocks: number;
  /** MLP neurons per block. */
  neurons: number;
  activation: ActivationFunction;
}

/**
 * What a weight array is for, as `languageModelNetwork` asks for it: the embedding's `tokens` and
 * `positions`, a LayerNorm's `gamma` and `beta`, attention's `query`, `key`, `value` and their biases, a
 * dense layer's `kernel` (`fanIn × fanOut`) and `bias`.
 */
export type LanguageModelWeightRole =
  | 'tokens'
  | 'positions'
  | 'gamma'
  | 'beta'
  | 'query'
  | 'key'
  | 'value'
  | 'queryBias'
  | 'keyBias'
  | 'valueBias'
  | 'kernel'
  | 'bias';

/** Gives the values of one weight array: its role, the layer's id, its length and (kernels) its fan-in. */
export type LanguageModelWeights = (role: LanguageModelWeightRole, layer: string, length: number, fanIn: number) => Float32Array;

/**
 * A GPT-style decoder-only transformer (method §9) with the weights `weights` gives, asked for in layer
 * order (embedding, then each block's LN1, attention, W_O, LN2, W_in, W_out, then the final LayerNorm and the
 * unembedding; within a layer in the order of `LanguageModelWeightRole`): token and learned position
 * embeddings, pre-LN blocks, a final LayerNorm and an untied unembedding. Layer ids follow `input_ids`,
 * `embedding`, `block{b}.{ln1, attention, attention.out, attention.residual, ln2, mlp.in, mlp.act, mlp.out,
 * mlp.residual}`, `ln_f`, `unembedding`.
 */
export function languageModelNetwork(name: string, shape: LanguageModelShape, weights: LanguageModelWeights): Network {
  const { vocabulary, context, width, heads, blocks, neurons, activation } = shape;
  const headSize = width / heads;
  const seq = (features: number) => [context, features];
  const layers: Layer[] = [{ kind: 'input', id: 'input_ids', name: 'input_ids', inputs: [], units: context, outputShape: [context] }];
  layers.push({
    kind: 'embedding',
    id: 'embedding',
    name: 'embedding',
    inputs: ['input_ids'],
    units: width,
    outputShape: seq(width),
    tokens: weights('tokens', 'embedding', vocabulary * width, vocabulary),
    vocabulary,
    positions: weights('positions', 'embedding', context * width, context),
  });
  const norm = (id: string, from: string): Layer => ({
    kind: 'layernorm',
    id,
    name: id,
    inputs: [from],
    units: width,
    outputShape: seq(width),
    gamma: weights('gamma', id, width, width),
    beta: weights('beta', id, width, width),
    epsilon: 1e-5,
  });
  const dense = (id: string, from: string, fanIn: number, fanOut: number): DenseLayer => ({
    kind: 'dense',
    id,
    name: id,
    inputs: [from],
    units: fanOut,
    outputShape: seq(fanOut),
    kernel: weights('kernel', id, fanIn * fanOut, fanIn),
    kernelShape: [fanIn, fanOut],
    bias: weights('bias', id, fanOut, fanIn),
  });
  const add = (id: string, a: string, b: string): Layer => ({
    kind: 'add',
    id,
    name: id,
    inputs: [a, b],
    units: width,
    outputShape: seq(width),
  });
  let stream = 'embedding';
  for (let b = 0; b < blocks; b++) {
    const p = `block${b}`;
    const attention = `${p}.attention`;
    layers.push(norm(`${p}.ln1`, stream));
    layers.push({
      kind: 'attention',
      id: attention,
      name: attention,
      inputs: [`${p}.ln1`],
      units: heads,
      outputShape: seq(width),
      heads,
      headSize,
      scale: 1 / Math.sqrt(headSize),
      query: weights('query', attention, width * width, width),
      key: weights('key', attention, width * width, width),
      value: weights('value', attention, width * width, width),
      queryBias: weights('queryBias', attention, width, width),
      keyBias: weights('keyBias', attention, width, width),
      valueBias: weights('valueBias', attention, width, width),
    });
    layers.push(dense(`${p}.attention.out`, attention, width, width));
    layers.push(add(`${p}.attention.residual`, stream, `${p}.attention.out`));
    layers.push(norm(`${p}.ln2`, `${p}.attention.residual`));
    layers.push(dense(`${p}.mlp.in`, `${p}.ln2`, width, neurons));
    layers.push({
      kind: 'activation',
      id: `${p}.mlp.act`,
      name: `${p}.mlp.act`,
      inputs: [`${p}.mlp.in`],
      units: neurons,
      outputShape: seq(neurons),
      activation,
    });
    layers.push(dense(`${p}.mlp.out`, `${p}.mlp.act`, neurons, width));
    layers.push(add(`${p}.mlp.residual`, `${p}.attention.residual`, `${p}.mlp.out`));
    stream = `${p}.mlp.residual`;
  }
  layers.push(norm('ln_f', stream));
  layers.push(dense('unembedding', 'ln_f', width, vocabulary));
  return { specificationVersion: 'v1', name, layout: 'sequence', layers, output: 'unembedding' };
}
