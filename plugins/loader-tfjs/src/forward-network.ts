import * as tf from '@tensorflow/tfjs';
import {
  InvalidArgumentError,
  ShapeMismatchError,
  UnsupportedOpError,
  getLayer,
  shapeSize,
  type EvaluateRequest,
  type Layer,
  type Network,
  type WeightEdit,
} from '@modscope/core';
import { pool2d } from './pool-2d.js';

export interface LayerWeights {
  kernel: tf.Tensor;
  bias: tf.Tensor | null;
}

export type Params = Map<string, LayerWeights>;
export type Norms = Map<string, { gamma: tf.Tensor1D; beta: tf.Tensor1D; mean: tf.Tensor1D; variance: tf.Tensor1D }>;

/** Kernel tensor in the shape tfjs convolution ops take (depthwise kernels are `[kh, kw, cin, multiplier]`). */
function kernelTensor(layer: Extract<Layer, { kind: 'dense' | 'conv2d' }>, data: Float32Array): tf.Tensor {
  if (layer.kind === 'dense') return tf.tensor2d(data, layer.kernelShape);
  return tf.tensor4d(data, layer.kernelShape);
}

export function checkSupported(network: Network): void {
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
 * The forward pass as tfjs ops, in NHWC compute order whatever the network layout. Returns the value of
 * every layer in `wanted` (in compute order), after masks.
 */
export function forwardNetwork(
  network: Network,
  params: Params,
  norms: Norms,
  x: tf.Tensor,
  count: number,
  masks: Map<string, tf.Tensor>,
  wanted: Set<string>,
): Map<string, tf.Tensor> {
  const nchw = network.layout === 'nchw';
  const values = new Map<string, tf.Tensor>();
  const out = new Map<string, tf.Tensor>();
  /** Channel-first order of a spatial compute value, for flatten/reshape in an nchw network. */
  const channelFirst = (t: tf.Tensor) => (nchw && t.rank === 4 ? tf.transpose(t, [0, 3, 1, 2]) : t);
  for (const layer of network.layers) {
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
        const p = params.get(layer.id)!;
        y = tf.matMul(v as tf.Tensor2D, p.kernel as tf.Tensor2D);
        if (p.bias) y = tf.add(y, p.bias);
        break;
      }
      case 'conv2d': {
        const p = params.get(layer.id)!;
        const [t, l, b, r] = layer.pads;
        const pad: [[number, number], [number, number], [number, number], [number, number]] = [
          [0, 0],
          [t, b],
          [l, r],
          [0, 0],
        ];
        const [kh, kw, cinPer, cout] = layer.kernelShape;
        const input = v as tf.Tensor4D;
        if (layer.groups === 1) {
          y = tf.conv2d(input, p.kernel as tf.Tensor4D, layer.strides, pad, 'NHWC', layer.dilations);
        } else if (cinPer === 1 && input.shape[3] === layer.groups) {
          const kernel = tf.reshape(p.kernel, [kh, kw, layer.groups, cout / layer.groups]) as tf.Tensor4D;
          y = tf.depthwiseConv2d(input, kernel, layer.strides, pad, 'NHWC', layer.dilations);
        } else {
          const coutPer = cout / layer.groups;
          const parts = tf
            .split(input, layer.groups, 3)
            .map((part, g) =>
              tf.conv2d(
                part as tf.Tensor4D,
                tf.slice(p.kernel, [0, 0, 0, g * coutPer], [kh, kw, cinPer, coutPer]) as tf.Tensor4D,
                layer.strides,
                pad,
                'NHWC',
                layer.dilations,
              ),
            );
          y = tf.concat(parts, 3);
        }
        if (p.bias) y = tf.add(y, p.bias);
        break;
      }
      case 'batchnorm': {
        const n = norms.get(layer.id)!;
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
      case 'reshape': {
        y = tf.reshape(channelFirst(v), [count, ...layer.outputShape]);
        if (nchw && layer.outputShape.length === 3) y = tf.transpose(y, [0, 2, 3, 1]);
        break;
      }
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
    const mask = masks.get(layer.id);
    if (mask) y = tf.mul(y, mask);
    values.set(layer.id, y);
    if (wanted.has(layer.id)) out.set(layer.id, y);
  }
  return out;
}

/** Uploads the weights of dense, conv and batch-norm layers once. */
export function uploadWeights(network: Network): { params: Params; norms: Norms; owned: tf.Tensor[] } {
  const params: Params = new Map();
  const norms: Norms = new Map();
  const owned: tf.Tensor[] = [];
  for (const layer of network.layers) {
    if (layer.kind === 'batchnorm') {
      const [gamma, beta, mean, variance] = [layer.gamma, layer.beta, layer.mean, layer.variance].map((v) => tf.tensor1d(v)) as [
        tf.Tensor1D,
        tf.Tensor1D,
        tf.Tensor1D,
        tf.Tensor1D,
      ];
      norms.set(layer.id, { gamma, beta, mean, variance });
      owned.push(gamma, beta, mean, variance);
      continue;
    }
    if (layer.kind !== 'dense' && layer.kind !== 'conv2d') continue;
    const kernel = kernelTensor(layer, layer.kernel);
    const bias = layer.bias ? tf.tensor1d(layer.bias) : null;
    owned.push(kernel, ...(bias ? [bias] : []));
    params.set(layer.id, { kernel, bias });
  }
  return { params, norms, owned };
}

/** Parameters with one run's edits applied; the returned tensors are to be disposed after the run. */
export function editedParams(network: Network, base: Params, edits: readonly WeightEdit[]): { params: Params; temporary: tf.Tensor[] } {
  const params: Params = new Map(base);
  const temporary: tf.Tensor[] = [];
  for (const edit of edits) {
    const layer = getLayer(network, edit.layer);
    if (layer.kind !== 'dense' && layer.kind !== 'conv2d') {
      throw new InvalidArgumentError({
        argument: 'edits',
        message: `@modscope/loader-tfjs: layer '${edit.layer}' is a ${layer.kind} layer and has no weights to edit.`,
        hint: 'Edit dense or conv2d layers only.',
      });
    }
    const current = params.get(layer.id)!;
    let { kernel, bias } = current;
    if (edit.kernel) {
      if (edit.kernel.length !== layer.kernel.length)
        throw new ShapeMismatchError({ what: `edited kernel of '${layer.id}'`, expected: layer.kernelShape, actual: [edit.kernel.length] });
      kernel = kernelTensor(layer, edit.kernel);
      temporary.push(kernel);
    }
    if (edit.bias) {
      if (edit.bias.length !== layer.units)
        throw new ShapeMismatchError({ what: `edited bias of '${layer.id}'`, expected: [layer.units], actual: [edit.bias.length] });
      bias = tf.tensor1d(edit.bias);
      temporary.push(bias);
    }
    params.set(layer.id, { kernel, bias });
  }
  return { params, temporary };
}

export function maskTensors(network: Network, masks: EvaluateRequest['masks'] = []): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const { layer: id, mask } of masks) {
    const layer = getLayer(network, id);
    if (mask.length !== layer.units)
      throw new ShapeMismatchError({ what: `mask of layer '${id}'`, expected: [layer.units], actual: [mask.length] });
    // Masks scale channels, the last axis of every compute value (NHWC or flat).
    out.set(id, tf.tensor1d(mask));
  }
  return out;
}
