import * as tf from '@tensorflow/tfjs';
import { getLayer, shapeSize, UnsupportedOpError, type Layer, type Network } from '@modscope/core';
import { pool2d } from '@modscope/loader-tfjs';

/** Trainable weights of one dense or conv layer. */
export interface LayerParams {
  kernel: tf.Variable;
  bias: tf.Variable | null;
}

/** The network's weights on the tfjs side: trainable kernels and biases, frozen batch-norm constants. */
export interface Params {
  weights: Map<string, LayerParams>;
  norms: Map<string, { gamma: tf.Tensor1D; beta: tf.Tensor1D; mean: tf.Tensor1D; variance: tf.Tensor1D }>;
}

export interface ForwardOptions {
  /** Called on the value of every layer in `dropoutAt`, in training only. */
  dropout?: (value: tf.Tensor, layer: string) => tf.Tensor;
  dropoutAt?: ReadonlySet<string>;
}

function variableOf(values: Float32Array, shape: number[]): tf.Variable {
  const initial = tf.tensor(values, shape);
  const v = tf.variable(initial, true);
  initial.dispose();
  return v;
}

/** Uploads the network's weights as variables (kernels in HWIO / [in, out] as in the representation). */
export function createParams(network: Network): Params {
  const weights = new Map<string, LayerParams>();
  const norms: Params['norms'] = new Map();
  for (const layer of network.layers) {
    if (layer.kind === 'dense' || layer.kind === 'conv2d') {
      const kernel = variableOf(layer.kernel, [...layer.kernelShape]);
      const bias = layer.bias ? variableOf(layer.bias, [layer.bias.length]) : null;
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

export function disposeParams(params: Params): void {
  for (const { kernel, bias } of params.weights.values()) {
    kernel.dispose();
    bias?.dispose();
  }
  for (const n of params.norms.values()) tf.dispose([n.gamma, n.beta, n.mean, n.variance]);
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

/**
 * x·W with a gradient that transposes explicitly: the wasm backend computes `matMul` with a transposed
 * operand (tfjs's own gradient of `matMul`) about ten times slower than a transpose followed by a plain
 * `matMul`, which made that gradient most of a training step.
 */
const denseMatMul = tf.customGrad((x, w, save) => {
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

/** The layer whose output is the logits: the network output, or the input of a final softmax. */
export function logitsLayer(network: Network): string {
  const output = getLayer(network, network.output);
  return output.kind === 'softmax' ? output.inputs[0]! : output.id;
}

/**
 * The forward pass as differentiable tfjs ops in NHWC compute order, from a batch `x` (`count` examples
 * in the network layout) to the logits. Batch norms use their stored statistics (they are not trained).
 */
export function forwardLogits(network: Network, params: Params, x: tf.Tensor, count: number, options: ForwardOptions = {}): tf.Tensor2D {
  const nchw = network.layout === 'nchw';
  const stop = logitsLayer(network);
  const values = new Map<string, tf.Tensor>();
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
        const p = params.weights.get(layer.id)!;
        y = denseMatMul(v as tf.Tensor2D, p.kernel as tf.Tensor2D);
        if (p.bias) y = tf.add(y, p.bias);
        break;
      }
      case 'conv2d': {
        const p = params.weights.get(layer.id)!;
        if (layer.groups !== 1) {
          throw new UnsupportedOpError({
            op: `conv2d with ${layer.groups} groups`,
            node: layer.id,
            format: 'modscope network',
            hint: '@modscope/train trains ordinary (groups = 1) convolutions.',
          });
        }
        const [t, l, b, r] = layer.pads;
        const pad =
          t + l + b + r === 0
            ? 'valid'
            : ([
                [0, 0],
                [t, b],
                [l, r],
                [0, 0],
              ] as [[number, number], [number, number], [number, number], [number, number]]);
        y = tf.conv2d(v as tf.Tensor4D, p.kernel as tf.Tensor4D, layer.strides, pad, 'NHWC', layer.dilations);
        if (p.bias) y = tf.add(y, p.bias);
        break;
      }
      case 'batchnorm': {
        const n = params.norms.get(layer.id)!;
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
    if (options.dropout && options.dropoutAt?.has(layer.id)) y = options.dropout(y, layer.id);
    values.set(layer.id, y);
    if (layer.id === stop) break;
  }
  const logits = values.get(stop)!;
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

/** The tfjs kernels the backward pass of this network needs beyond the common ones. */
export function gradientKernels(network: Network): string[] {
  const kernels = new Set<string>();
  for (const layer of network.layers) {
    if (layer.kind === 'conv2d') kernels.add('Conv2DBackpropFilter').add('Conv2DBackpropInput');
    if (layer.kind === 'pool' && !layer.global) kernels.add(layer.mode === 'max' ? 'MaxPoolGrad' : 'AvgPoolGrad');
  }
  return [...kernels];
}
