/**
 * The network representation every loader produces and every analysis consumes: an ordered graph of
 * layers with their weights as typed arrays. Weight layouts are fixed here so that analyses never need to
 * know where a model came from:
 * - dense kernels are `[inputs, outputs]` row-major (row i = input unit i), as in `y = x W + b`;
 * - conv kernels are `[kh, kw, inChannelsPerGroup, outChannels]` (HWIO), so `K[:, :, i, j]` is the slice
 *   joining input channel i to output channel j.
 * Activations flow in the network's `layout`: `nchw` (ONNX/PyTorch), `nhwc` (TF.js), `flat` (MLPs) or
 * `sequence` (language models: the input is `[context]` token ids, every later output `[positions, features]`,
 * and dense, layer-norm and activation layers act on the last axis at every position).
 */

export type DataLayout = 'flat' | 'nchw' | 'nhwc' | 'sequence';

/**
 * `gelu` is the exact GELU, x·Φ(x); `gelu-tanh` is GPT-2's approximation
 * 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
 */
export type ActivationFunction = 'relu' | 'leaky-relu' | 'sigmoid' | 'tanh' | 'gelu' | 'gelu-tanh' | 'linear';

interface LayerBase {
  /** Unique id within the network; other layers refer to it in `inputs`. */
  id: string;
  /** The layer's (or node's) name in the source model, for messages and reports. */
  name: string;
  /** Ids of the layers feeding this one, in order. Empty only for the input layer. */
  inputs: string[];
  /** Units (dense) or channels (spatial layers) of this layer's output. */
  units: number;
  /** Shape of one example's output, in the network layout (no batch dimension). */
  outputShape: number[];
}

export interface InputLayer extends LayerBase {
  kind: 'input';
}

export interface DenseLayer extends LayerBase {
  kind: 'dense';
  /** `[inputs, outputs]`, row-major. In a `sequence` network it applies at every position. */
  kernel: Float32Array;
  kernelShape: [number, number];
  bias: Float32Array | null;
  /**
   * Id of the embedding layer whose token table this kernel is the transpose of (a tied unembedding). The
   * kernel holds its own copy; training keeps the two equal.
   */
  tiedTo?: string;
}

/**
 * Token embedding plus learned absolute positions: `out[p] = tokens[id[p]] + positions[p]`. Its input is the
 * input layer's token ids; `units` is the model width d.
 */
export interface EmbeddingLayer extends LayerBase {
  kind: 'embedding';
  /** `[vocabulary, d]`, row-major: row t is token t's vector. */
  tokens: Float32Array;
  vocabulary: number;
  /** `[context, d]`, row-major, or null when the model adds no learned positions. */
  positions: Float32Array | null;
}

/** Layer normalization over the last axis: `(x − mean) / √(var + ε) · gamma + beta`. */
export interface LayerNormLayer extends LayerBase {
  kind: 'layernorm';
  gamma: Float32Array;
  beta: Float32Array;
  epsilon: number;
}

/**
 * Causal multi-head self-attention up to, not including, the output projection W_O (a dense layer after
 * it): each head h reads `q = x Wq[:, h] + bq[h]` and likewise k and v, and writes `softmax(scale · q kᵀ +
 * causal mask) v`; the heads' outputs are concatenated, head-major, into `[positions, heads × headSize]`.
 * Its units are the heads (method §9): unit h owns output channels `h·headSize … (h+1)·headSize − 1`.
 */
export interface AttentionLayer extends LayerBase {
  kind: 'attention';
  heads: number;
  headSize: number;
  /** Multiplies the query-key products; usually 1/√headSize. */
  scale: number;
  /** `[d, heads × headSize]` each, `[inputs, outputs]` row-major like a dense kernel. */
  query: Float32Array;
  key: Float32Array;
  value: Float32Array;
  queryBias: Float32Array | null;
  keyBias: Float32Array | null;
  valueBias: Float32Array | null;
}

export interface Conv2dLayer extends LayerBase {
  kind: 'conv2d';
  /** `[kh, kw, inChannels / groups, outChannels]` (HWIO), row-major. */
  kernel: Float32Array;
  kernelShape: [number, number, number, number];
  bias: Float32Array | null;
  strides: [number, number];
  /** Explicit zero padding `[top, left, bottom, right]`. */
  pads: [number, number, number, number];
  dilations: [number, number];
  groups: number;
}

export interface BatchNormLayer extends LayerBase {
  kind: 'batchnorm';
  gamma: Float32Array;
  beta: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  epsilon: number;
}

export interface ActivationLayer extends LayerBase {
  kind: 'activation';
  activation: ActivationFunction;
  /** Negative slope of `leaky-relu`. */
  alpha?: number;
}

export interface PoolLayer extends LayerBase {
  kind: 'pool';
  mode: 'max' | 'avg';
  /** Global pooling reduces every spatial position; `size`, `strides` and `pads` are then unused. */
  global: boolean;
  size: [number, number];
  strides: [number, number];
  pads: [number, number, number, number];
  /** For average pooling with padding: whether padded zeros count in the divisor (ONNX `count_include_pad`). */
  countIncludePad?: boolean;
}

/** Flattens one example to a vector in the network layout's memory order. */
export interface FlattenLayer extends LayerBase {
  kind: 'flatten';
}

export interface ReshapeLayer extends LayerBase {
  kind: 'reshape';
}

/** Element-wise sum of its inputs (residual connections). */
export interface AddLayer extends LayerBase {
  kind: 'add';
}

/** Passes its input through unchanged at inference: dropout, identity. */
export interface IdentityLayer extends LayerBase {
  kind: 'identity';
  /** What the source layer was, e.g. `dropout`. */
  origin: string;
  /** Dropout rate where the source had one (used when training). */
  rate?: number;
}

export interface SoftmaxLayer extends LayerBase {
  kind: 'softmax';
}

export type Layer =
  | InputLayer
  | EmbeddingLayer
  | LayerNormLayer
  | AttentionLayer
  | DenseLayer
  | Conv2dLayer
  | BatchNormLayer
  | ActivationLayer
  | PoolLayer
  | FlattenLayer
  | ReshapeLayer
  | AddLayer
  | IdentityLayer
  | SoftmaxLayer;

export type LayerKind = Layer['kind'];

/** Layers that own a weight matrix and define graph edges. */
export type WeightedLayer = DenseLayer | Conv2dLayer;

export interface Network {
  readonly specificationVersion: 'v1';
  /** A name for reports, usually the file name. */
  name: string;
  layout: DataLayout;
  /** Layers in topological order; `layers[0]` is the input layer. */
  layers: Layer[];
  /** Id of the layer whose output is the network's output. */
  output: string;
  /** Where the network came from. */
  source?: { format: string; path?: string; inputName?: string; outputName?: string };
}

export function isWeighted(layer: Layer): layer is WeightedLayer {
  return layer.kind === 'dense' || layer.kind === 'conv2d';
}

export function inputLayer(network: Network): InputLayer {
  const first = network.layers[0];
  if (first?.kind !== 'input') {
    throw new TypeError(`@modscope/core: network '${network.name}' does not start with an input layer`);
  }
  return first;
}

/** Product of a shape's dimensions. */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Number of input values per example. */
export function inputSize(network: Network): number {
  return shapeSize(inputLayer(network).outputShape);
}

/** Number of output values per example. */
export function outputSize(network: Network): number {
  return shapeSize(getLayer(network, network.output).outputShape);
}

export function getLayer(network: Network, id: string): Layer {
  const layer = network.layers.find((l) => l.id === id);
  if (!layer) {
    throw new RangeError(
      `@modscope/core: network '${network.name}' has no layer '${id}' (layers: ${network.layers.map((l) => l.id).join(', ')})`,
    );
  }
  return layer;
}

export function weightedLayers(network: Network): WeightedLayer[] {
  return network.layers.filter(isWeighted);
}

/** Trainable and statistical parameters of a layer (weights, biases, batch-norm vectors). */
export function parameterCount(layer: Layer): number {
  switch (layer.kind) {
    case 'dense':
    case 'conv2d':
      return layer.kernel.length + (layer.bias?.length ?? 0);
    case 'batchnorm':
      return layer.gamma.length + layer.beta.length + layer.mean.length + layer.variance.length;
    case 'embedding':
      return layer.tokens.length + (layer.positions?.length ?? 0);
    case 'layernorm':
      return layer.gamma.length + layer.beta.length;
    case 'attention':
      return [layer.query, layer.key, layer.value, layer.queryBias, layer.keyBias, layer.valueBias].reduce(
        (n, a) => n + (a?.length ?? 0),
        0,
      );
    default:
      return 0;
  }
}

/** Fraction of exactly-zero entries in a weighted layer's kernel (0 for layers without weights). */
export function sparsity(layer: Layer): number {
  if (!isWeighted(layer) || layer.kernel.length === 0) return 0;
  let zeros = 0;
  for (let i = 0; i < layer.kernel.length; i++) if (layer.kernel[i] === 0) zeros++;
  return zeros / layer.kernel.length;
}

/** A deep copy whose typed arrays can be edited without touching the original. */
export function cloneNetwork(network: Network): Network {
  const copyArrays = (layer: Layer): Layer => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(layer)) {
      if (value instanceof Float32Array) out[key] = value.slice();
      else if (Array.isArray(value)) out[key] = [...value];
      else out[key] = value;
    }
    return out as unknown as Layer;
  };
  return { ...network, layers: network.layers.map(copyArrays), source: network.source && { ...network.source } };
}

/**
 * Checks the structural invariants: an input layer first, topological order, unique ids, known inputs, and
 * weight arrays whose lengths match their shapes and unit counts. Returns the list of problems (empty when
 * valid) so loaders can report all of them at once.
 */
export function validateNetwork(network: Network): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  network.layers.forEach((layer, index) => {
    if (index === 0 && layer.kind !== 'input') problems.push('the first layer must be the input layer');
    if (seen.has(layer.id)) problems.push(`duplicate layer id '${layer.id}'`);
    for (const input of layer.inputs) {
      if (!seen.has(input)) problems.push(`layer '${layer.id}' reads '${input}', which does not come before it`);
    }
    if (layer.kind !== 'input' && layer.inputs.length === 0) problems.push(`layer '${layer.id}' has no inputs`);
    if (layer.kind === 'dense') {
      const [fanIn, fanOut] = layer.kernelShape;
      if (layer.kernel.length !== fanIn * fanOut) problems.push(`dense '${layer.id}' kernel length ≠ ${fanIn}×${fanOut}`);
      if (fanOut !== layer.units) problems.push(`dense '${layer.id}' has ${fanOut} outputs but ${layer.units} units`);
      if (layer.bias && layer.bias.length !== fanOut) problems.push(`dense '${layer.id}' bias length ≠ ${fanOut}`);
    } else if (layer.kind === 'conv2d') {
      const size = shapeSize(layer.kernelShape);
      if (layer.kernel.length !== size) problems.push(`conv2d '${layer.id}' kernel length ≠ ${layer.kernelShape.join('×')}`);
      if (layer.kernelShape[3] !== layer.units)
        problems.push(`conv2d '${layer.id}' has ${layer.kernelShape[3]} output channels but ${layer.units} units`);
      if (layer.bias && layer.bias.length !== layer.units) problems.push(`conv2d '${layer.id}' bias length ≠ ${layer.units}`);
    } else if (layer.kind === 'batchnorm') {
      for (const key of ['gamma', 'beta', 'mean', 'variance'] as const) {
        if (layer[key].length !== layer.units) problems.push(`batchnorm '${layer.id}' ${key} length ≠ ${layer.units}`);
      }
    } else if (layer.kind === 'layernorm') {
      for (const key of ['gamma', 'beta'] as const) {
        if (layer[key].length !== layer.units) problems.push(`layernorm '${layer.id}' ${key} length ≠ ${layer.units}`);
      }
    } else if (layer.kind === 'embedding') {
      if (layer.tokens.length !== layer.vocabulary * layer.units)
        problems.push(`embedding '${layer.id}' token table length ≠ ${layer.vocabulary}×${layer.units}`);
      const context = layer.outputShape[0] ?? 0;
      if (layer.positions && layer.positions.length !== context * layer.units)
        problems.push(`embedding '${layer.id}' position table length ≠ ${context}×${layer.units}`);
    } else if (layer.kind === 'attention') {
      const width = layer.heads * layer.headSize;
      const d = layer.query.length / Math.max(width, 1);
      if (layer.units !== layer.heads) problems.push(`attention '${layer.id}' has ${layer.heads} heads but ${layer.units} units`);
      if (!Number.isInteger(d) || layer.key.length !== d * width || layer.value.length !== d * width)
        problems.push(`attention '${layer.id}' query, key and value kernels are not all d×${width}`);
      for (const key of ['queryBias', 'keyBias', 'valueBias'] as const) {
        const bias = layer[key];
        if (bias && bias.length !== width) problems.push(`attention '${layer.id}' ${key} length ≠ ${width}`);
      }
    }
    seen.add(layer.id);
  });
  if (!seen.has(network.output)) problems.push(`output layer '${network.output}' does not exist`);
  return problems;
}
