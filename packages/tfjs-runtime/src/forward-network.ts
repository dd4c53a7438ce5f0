import * as tf from '@tensorflow/tfjs';
import { shapeSize, UnsupportedOpError, type AttentionLayer, type Network } from '@modscope/core';
import { convolve, type ConvFunction } from './conv2d-gradients.js';
import { pool2d } from './pool-2d.js';

/** Kernel and bias of one dense or conv2d layer (kernels `[in, out]` or HWIO, as in the representation). */
export interface LayerTensors<T extends tf.Tensor = tf.Tensor> {
  kernel: T;
  bias: T | null;
}

/** The stored statistics of one batch-norm layer (never trained). */
export interface NormTensors {
  gamma: tf.Tensor1D;
  beta: tf.Tensor1D;
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

/**
 * The parameters of a language model's other layers, by name: an embedding's `tokens` and `positions`, a
 * layer norm's `gamma` and `beta`, an attention layer's `query`, `key`, `value` and their biases.
 */
export type ParameterTensors<T extends tf.Tensor = tf.Tensor> = Record<string, T>;

/** A network's weights on the tfjs side: `T` is `tf.Variable` where they are trained. */
export interface NetworkWeights<T extends tf.Tensor = tf.Tensor> {
  weights: Map<string, LayerTensors<T>>;
  norms: Map<string, NormTensors>;
  /** Embedding, layer-norm and attention parameters (language models). */
  parameters: Map<string, ParameterTensors<T>>;
}

/** What the forward pass lets its caller change, layer by layer. */
export interface ForwardHooks {
  /** Per layer id, a tensor that multiplies the layer's value along its last axis (units or channels): unit masks. */
  masks?: ReadonlyMap<string, tf.Tensor>;
  /** Applied to the value (after its mask) of every layer in `dropoutAt`: training's dropout. */
  dropout?: (value: tf.Tensor, layer: string) => tf.Tensor;
  dropoutAt?: ReadonlySet<string>;
  /** x·W of dense layers; `tf.matMul` by default, `matMulWithTransposedGradient` when training. */
  matMul?: (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;
  /** x·W + b of dense layers and attention's projections, in place of `matMul` and an add: a fused op with its own gradients. */
  affine?: (x: tf.Tensor2D, w: tf.Tensor2D, bias: tf.Tensor | null) => tf.Tensor2D;
  /**
   * Attention layers' causal softmax(scale · q·kᵀ)·v per head, from q, k and v side by side (one projection
   * by the concatenated Q, K, V matrices: `[batch, positions, 3 × heads × headSize]`) to `[batch, positions,
   * heads × headSize]`; tfjs's ops (three projections) by default.
   */
  causalAttention?: (qkv: tf.Tensor3D, heads: number, scale: number) => tf.Tensor3D;
  /** Conv2d layers; `convolve` (tfjs's ops and gradients) by default, `convolveWithIm2colGradients` when training. */
  conv2d?: ConvFunction;
}

export interface ForwardOptions extends ForwardHooks {
  /** Layers whose values to return (default: the network output); layers after the last of them are not computed. */
  outputs?: Iterable<string>;
}

function variableOf(values: Float32Array, shape: readonly number[]): tf.Variable {
  const initial = tf.tensor(values, [...shape]);
  const v = tf.variable(initial, true);
  initial.dispose();
  return v;
}

/** Uploads the weights of dense, conv and batch-norm layers once: as tensors, or as trainable variables. */
export function uploadWeights(network: Network): NetworkWeights;
export function uploadWeights(network: Network, options: { trainable: true }): NetworkWeights<tf.Variable>;
export function uploadWeights(network: Network, options: { trainable?: boolean } = {}): NetworkWeights {
  const weights = new Map<string, LayerTensors>();
  const norms = new Map<string, NormTensors>();
  const parameters = new Map<string, ParameterTensors>();
  const upload = options.trainable ? variableOf : (values: Float32Array, shape: readonly number[]) => tf.tensor(values, [...shape]);
  const uploadAll = (entries: Record<string, [Float32Array | null, number[]]>): ParameterTensors => {
    const out: ParameterTensors = {};
    for (const [name, [values, shape]] of Object.entries(entries)) if (values) out[name] = upload(values, shape);
    return out;
  };
  for (const layer of network.layers) {
    if (layer.kind === 'embedding') {
      const d = layer.units;
      parameters.set(
        layer.id,
        uploadAll({
          tokens: [layer.tokens, [layer.vocabulary, d]],
          positions: [layer.positions, [(layer.positions?.length ?? 0) / d, d]],
        }),
      );
    } else if (layer.kind === 'layernorm') {
      parameters.set(layer.id, uploadAll({ gamma: [layer.gamma, [layer.units]], beta: [layer.beta, [layer.units]] }));
    } else if (layer.kind === 'attention') {
      const width = layer.heads * layer.headSize;
      const d = layer.query.length / width;
      parameters.set(
        layer.id,
        uploadAll({
          query: [layer.query, [d, width]],
          key: [layer.key, [d, width]],
          value: [layer.value, [d, width]],
          queryBias: [layer.queryBias, [width]],
          keyBias: [layer.keyBias, [width]],
          valueBias: [layer.valueBias, [width]],
        }),
      );
    } else if (layer.kind === 'dense' || layer.kind === 'conv2d') {
      const kernel = upload(layer.kernel, layer.kernelShape);
      const bias = layer.bias ? upload(layer.bias, [layer.bias.length]) : null;
      weights.set(layer.id, { kernel, bias });
    } else if (layer.kind === 'batchnorm') {
      norms.set(layer.id, {
        gamma: tf.tensor1d(layer.gamma),
        beta: tf.tensor1d(layer.beta),
        mean: tf.tensor1d(layer.mean),
        variance: tf.tensor1d(layer.variance),
      });
    }
  }
  return { weights, norms, parameters };
}

export function disposeWeights(weights: NetworkWeights): void {
  for (const { kernel, bias } of weights.weights.values()) tf.dispose([kernel, ...(bias ? [bias] : [])]);
  for (const n of weights.norms.values()) tf.dispose([n.gamma, n.beta, n.mean, n.variance]);
  for (const p of weights.parameters.values()) tf.dispose(Object.values(p));
}

/** How `affine` multiplies: the `affine` hook where given, else the `matMul` hook (or `tf.matMul`) and an add. */
type Multiply = Pick<ForwardHooks, 'matMul' | 'affine'>;

/** `x · w (+ bias)` over the last axis of a value of any rank. */
function affine(hooks: Multiply, x: tf.Tensor, w: tf.Tensor, bias: tf.Tensor | null | undefined): tf.Tensor {
  const fanIn = x.shape[x.rank - 1]!;
  const flat = (x.rank === 2 ? x : tf.reshape(x, [-1, fanIn])) as tf.Tensor2D;
  let y: tf.Tensor;
  if (hooks.affine) {
    y = hooks.affine(flat, w as tf.Tensor2D, bias ?? null);
  } else {
    y = hooks.matMul ? hooks.matMul(flat, w as tf.Tensor2D) : tf.matMul(flat, w as tf.Tensor2D);
    if (bias) y = tf.add(y, bias);
  }
  return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), w.shape[1]!]);
}

/**
 * Rows of `table` at `ids` (any shape), with a gradient that scatter-adds into the table: tfjs's own
 * gradient of `gather` needs `UnsortedSegmentSum`, which the wasm backend lacks.
 */
const gatherRows = tf.customGrad((table, ids, save) => {
  (save as tf.GradSaveFunc)([ids as tf.Tensor]);
  const t = table as tf.Tensor2D;
  return {
    value: tf.gather(t, ids as tf.Tensor),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const flat = tf.reshape(saved[0]!, [-1, 1]);
      const updates = tf.reshape(dy as tf.Tensor, [-1, t.shape[1]]);
      return [tf.scatterND(flat, updates, t.shape), tf.zerosLike(saved[0]!)];
    },
  };
}) as (table: tf.Tensor, ids: tf.Tensor) => tf.Tensor;

/** Layer normalization over the last axis. */
function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon))), gamma), beta);
}

/** Causal multi-head self-attention of `x: [batch, positions, d]` up to W_O (see core's `AttentionLayer`). */
function attention(layer: AttentionLayer, p: ParameterTensors, x: tf.Tensor, hooks: ForwardHooks): tf.Tensor {
  const [batch, positions] = x.shape as [number, number, number];
  const { heads, headSize } = layer;
  if (hooks.causalAttention) {
    // one projection by [Q K V]: a third of the ops, and x transposed once for the kernels' gradient
    const biases = [p.queryBias, p.keyBias, p.valueBias];
    const bias = biases.some((b) => b) ? tf.concat(biases.map((b) => b ?? tf.zeros([heads * headSize]))) : null;
    const qkv = affine(hooks, x, tf.concat([p.query!, p.key!, p.value!], 1), bias) as tf.Tensor3D;
    return hooks.causalAttention(qkv, heads, layer.scale);
  }
  const split = (w: tf.Tensor, b: tf.Tensor | undefined) =>
    tf.transpose(tf.reshape(affine(hooks, x, w, b), [batch, positions, heads, headSize]), [0, 2, 1, 3]);
  const q = split(p.query!, p.queryBias);
  const k = split(p.key!, p.keyBias);
  const v = split(p.value!, p.valueBias);
  const causal = tf.linalg.bandPart(tf.ones([positions, positions]), -1, 0);
  const blocked = tf.mul(tf.sub(1, causal), -1e30);
  const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), layer.scale), blocked);
  const mixed = tf.matMul(tf.softmax(scores), v);
  return tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [batch, positions, heads * headSize]);
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

function activate(activation: string, v: tf.Tensor, alpha: number): tf.Tensor {
  switch (activation) {
    case 'relu':
      return tf.relu(v);
    case 'leaky-relu':
      return tf.leakyRelu(v, alpha);
    case 'sigmoid':
      return tf.sigmoid(v);
    case 'tanh':
      return tf.tanh(v);
    case 'gelu':
      return tf.mul(tf.mul(v, 0.5), tf.add(1, tf.erf(tf.mul(v, Math.SQRT1_2))));
    case 'gelu-tanh':
      return tf.mul(tf.mul(v, 0.5), tf.add(1, tf.tanh(tf.mul(tf.add(v, tf.mul(tf.pow(v, 3), 0.044715)), SQRT_2_OVER_PI))));
    default:
      return v;
  }
}

/**
 * x·W with a gradient that transposes explicitly: the wasm backend computes `matMul` with a transposed
 * operand (tfjs's own gradient of `matMul`) about ten times slower than a transpose followed by a plain
 * `matMul`, which made that gradient most of a training step. The value is `tf.matMul`'s.
 */
export const matMulWithTransposedGradient = tf.customGrad((x, w, save) => {
  (save as tf.GradSaveFunc)([x as tf.Tensor, w as tf.Tensor]);
  return {
    value: tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      const g = dy as tf.Tensor2D;
      return [tf.matMul(g, tf.transpose(ws)), tf.matMul(tf.transpose(xs), g)];
    },
  };
}) as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

/** Throws an `UnsupportedOpError` for a layer tfjs cannot compute, before any tensor is made. */
export function checkTfjsSupport(network: Network): void {
  for (const layer of network.layers) {
    if (layer.kind === 'conv2d' && (layer.strides[0] > 1 || layer.strides[1] > 1) && (layer.dilations[0] > 1 || layer.dilations[1] > 1)) {
      throw new UnsupportedOpError({
        op: 'conv2d with both strides and dilations above 1',
        node: layer.id,
        format: 'tfjs',
        hint: 'tfjs cannot combine strides and dilations in one convolution.',
      });
    }
    if (layer.kind === 'softmax' && layer.outputShape.length !== 1 && network.layout !== 'sequence') {
      throw new UnsupportedOpError({
        op: 'softmax over a spatial value',
        node: layer.id,
        format: 'tfjs',
        hint: 'Flatten before the softmax.',
      });
    }
  }
}

/**
 * The forward pass of a network as differentiable tfjs ops, in NHWC compute order whatever the network
 * layout, from a batch `x` (`count` examples in the network layout). Returns the value of every layer in
 * `options.outputs` (after its mask and dropout), NHWC for spatial values. Batch norms use their stored
 * statistics. The evaluator of `@modscope/loader-tfjs` and the training of `@modscope/train` both run it.
 */
export function forwardNetwork(
  network: Network,
  weights: NetworkWeights,
  x: tf.Tensor,
  count: number,
  options: ForwardOptions = {},
): Map<string, tf.Tensor> {
  const nchw = network.layout === 'nchw';
  const sequence = network.layout === 'sequence';
  const wanted = new Set(options.outputs ?? [network.output]);
  const conv = options.conv2d ?? convolve;
  const values = new Map<string, tf.Tensor>();
  const out = new Map<string, tf.Tensor>();
  /** Channel-first order of a spatial compute value, for flatten/reshape in an nchw network. */
  const channelFirst = (t: tf.Tensor) => (nchw && t.rank === 4 ? tf.transpose(t, [0, 3, 1, 2]) : t);
  for (const layer of network.layers) {
    if (out.size === wanted.size) break;
    const ins = layer.inputs.map((id) => values.get(id)!);
    const v = ins[0]!;
    let y: tf.Tensor;
    switch (layer.kind) {
      case 'input': {
        // A sequence network's ids may be shorter than its context: [count, positions].
        const shaped = sequence ? tf.reshape(x, [count, -1]) : tf.reshape(x, [count, ...layer.outputShape]);
        y = nchw && layer.outputShape.length === 3 ? tf.transpose(shaped, [0, 2, 3, 1]) : shaped;
        break;
      }
      case 'embedding': {
        const p = weights.parameters.get(layer.id)!;
        const positions = v.shape[1]!;
        y = gatherRows(p.tokens!, tf.cast(v, 'int32'));
        if (p.positions) y = tf.add(y, tf.slice(p.positions, [0, 0], [positions, layer.units]));
        break;
      }
      case 'layernorm': {
        const p = weights.parameters.get(layer.id)!;
        y = layerNorm(v, p.gamma!, p.beta!, layer.epsilon);
        break;
      }
      case 'attention':
        y = attention(layer, weights.parameters.get(layer.id)!, v, options);
        break;
      case 'dense': {
        const p = weights.weights.get(layer.id)!;
        y = affine(options, v, p.kernel, p.bias);
        break;
      }
      case 'conv2d': {
        const p = weights.weights.get(layer.id)!;
        y = conv(v as tf.Tensor4D, p.kernel, layer);
        if (p.bias) y = tf.add(y, p.bias);
        break;
      }
      case 'batchnorm': {
        const n = weights.norms.get(layer.id)!;
        y = tf.batchNorm(v, n.mean, n.variance, n.beta, n.gamma, layer.epsilon);
        break;
      }
      case 'activation':
        y = activate(layer.activation, v, layer.alpha ?? 0.01);
        break;
      case 'pool':
        y = pool2d(layer, v as tf.Tensor4D, network.layout);
        break;
      case 'flatten':
        y = tf.reshape(channelFirst(v), [count, shapeSize(layer.outputShape)]);
        break;
      case 'reshape':
        y = tf.reshape(channelFirst(v), [count, ...layer.outputShape]);
        if (nchw && layer.outputShape.length === 3) y = tf.transpose(y, [0, 2, 3, 1]);
        break;
      case 'add':
        y = ins.length === 1 ? v : tf.addN(ins);
        break;
      case 'identity':
        y = v;
        break;
      case 'softmax':
        y = tf.softmax(v);
        break;
    }
    const mask = options.masks?.get(layer.id);
    if (mask) y = tf.mul(y, mask);
    if (options.dropout && options.dropoutAt?.has(layer.id)) y = options.dropout(y, layer.id);
    values.set(layer.id, y);
    if (wanted.has(layer.id)) out.set(layer.id, y);
  }
  return out;
}
