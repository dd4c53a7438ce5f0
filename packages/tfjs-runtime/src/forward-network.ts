import * as tf from '@tensorflow/tfjs';
import { shapeSize, UnsupportedOpError, type Network } from '@modscope/core';
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

/** A network's weights on the tfjs side: `T` is `tf.Variable` where they are trained. */
export interface NetworkWeights<T extends tf.Tensor = tf.Tensor> {
  weights: Map<string, LayerTensors<T>>;
  norms: Map<string, NormTensors>;
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
  const upload = options.trainable ? variableOf : (values: Float32Array, shape: readonly number[]) => tf.tensor(values, [...shape]);
  for (const layer of network.layers) {
    if (layer.kind === 'dense' || layer.kind === 'conv2d') {
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
  return { weights, norms };
}

export function disposeWeights(weights: NetworkWeights): void {
  for (const { kernel, bias } of weights.weights.values()) tf.dispose([kernel, ...(bias ? [bias] : [])]);
  for (const n of weights.norms.values()) tf.dispose([n.gamma, n.beta, n.mean, n.variance]);
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
    if (layer.kind === 'softmax' && layer.outputShape.length !== 1) {
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
  const wanted = new Set(options.outputs ?? [network.output]);
  const matMul = options.matMul ?? ((a: tf.Tensor2D, w: tf.Tensor2D) => tf.matMul(a, w));
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
        const shaped = tf.reshape(x, [count, ...layer.outputShape]);
        y = nchw && layer.outputShape.length === 3 ? tf.transpose(shaped, [0, 2, 3, 1]) : shaped;
        break;
      }
      case 'dense': {
        const p = weights.weights.get(layer.id)!;
        y = matMul(v as tf.Tensor2D, p.kernel as tf.Tensor2D);
        if (p.bias) y = tf.add(y, p.bias);
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
        y =
          layer.activation === 'relu'
            ? tf.relu(v)
            : layer.activation === 'leaky-relu'
              ? tf.leakyRelu(v, layer.alpha ?? 0.01)
              : layer.activation === 'sigmoid'
                ? tf.sigmoid(v)
                : layer.activation === 'tanh'
                  ? tf.tanh(v)
                  : v;
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
