import * as tf from '@tensorflow/tfjs';
import { UnsupportedOpError, getLayer, inputLayer, validateNetwork, InvalidArgumentError, type Layer, type Network } from '@modscope/core';
import { tfjsActivationLayer } from './activation-layers.js';
import { samePadding, samePads, windowOutputSize } from './same-padding.js';
import { createLayerNamer, tfjsLayerName } from './tfjs-layer-name.js';
import { toTfjsLanguageModel } from './to-tfjs-language-model.js';

type SymbolicTensor = tf.SymbolicTensor;

const format = 'modscope network';

function unsupported(op: string, layer: Layer, hint?: string): UnsupportedOpError {
  return new UnsupportedOpError({ op, node: layer.id, format, ...(hint ? { hint } : {}) });
}

/** The spatial size `[h, w]` of a per-example shape in the network layout. */
function spatialSize(shape: readonly number[], layout: Network['layout']): [number, number] {
  return layout === 'nchw' ? [shape[1]!, shape[2]!] : [shape[0]!, shape[1]!];
}

/**
 * Builds a trainable tfjs LayersModel computing what the network computes, with its weights. Layers keep
 * their ids as layer names (made tfjs-safe). tfjs computes NHWC on cpu and wasm, so an `nchw` network gets
 * a Permute after its input and Permutes back to channel-first order before each Flatten/Reshape of a
 * spatial tensor (and at a spatial output), so inputs, flattened vectors and outputs are exactly the
 * network's. A language model (layout `sequence`) takes int32 token ids `[batch, positions]` and gives
 * logits `[batch, positions, vocabulary]`; its embedding and attention layers are modscope's own layer
 * classes (see `registerModscopeLayers`), and a tied unembedding is saved as a Dense with its own copy of
 * the kernel, the tie recorded in the model's user-defined metadata.
 */
export function toTfjsModel(network: Network): tf.LayersModel {
  const problems = validateNetwork(network);
  if (problems.length > 0) {
    throw new InvalidArgumentError({
      argument: 'network',
      message: `@modscope/tfjs-runtime: network '${network.name}' is invalid: ${problems.join('; ')}.`,
      hint: 'Fix the network (see validateNetwork) before converting it.',
    });
  }
  const { layout } = network;
  if (layout === 'sequence') return toTfjsLanguageModel(network);
  const nchw = layout === 'nchw';
  const nameFor = createLayerNamer();
  /** Network value (in compute layout) of each layer, and whether it is a rank-4 spatial tensor. */
  const values = new Map<string, SymbolicTensor>();
  const weighted: { layer: Layer; tfLayer: tf.layers.Layer }[] = [];
  const isSpatial = (t: SymbolicTensor) => t.shape.length === 4;
  /** From NHWC compute order to channel-first order, for nchw networks. */
  const toChannelFirst = (t: SymbolicTensor, id: string) =>
    nchw && isSpatial(t) ? (tf.layers.permute({ dims: [3, 1, 2], name: nameFor(id, '/to_nchw') }).apply(t) as SymbolicTensor) : t;

  const input = inputLayer(network);
  const inputTensor = tf.input({ shape: [...input.outputShape], name: nameFor(input.id) });
  values.set(
    input.id,
    nchw && input.outputShape.length === 3
      ? (tf.layers.permute({ dims: [2, 3, 1], name: nameFor(input.id, '/to_nhwc') }).apply(inputTensor) as SymbolicTensor)
      : inputTensor,
  );

  for (const layer of network.layers.slice(1)) {
    const ins = layer.inputs.map((id) => values.get(id)!);
    const x = ins[0]!;
    const apply = (tfLayer: tf.layers.Layer, value: SymbolicTensor | SymbolicTensor[] = x) => tfLayer.apply(value) as SymbolicTensor;
    let y: SymbolicTensor;
    switch (layer.kind) {
      case 'input':
        throw unsupported('a second input layer', layer, 'modscope networks have one input.');
      case 'dense': {
        if (x.shape.length !== 2)
          throw unsupported(`dense on a rank-${x.shape.length - 1} value`, layer, 'Add a flatten layer before the dense layer.');
        const tfLayer = tf.layers.dense({ units: layer.units, useBias: layer.bias !== null, name: nameFor(layer.id) });
        y = apply(tfLayer);
        weighted.push({ layer, tfLayer });
        break;
      }
      case 'conv2d': {
        const inShape = getLayer(network, layer.inputs[0]!).outputShape;
        const [h, w] = spatialSize(inShape, layout);
        const [kh, kw, cinPer, cout] = layer.kernelShape;
        const cin = cinPer * layer.groups;
        const depthwise = layer.groups > 1 && layer.groups === cin;
        if (layer.groups > 1 && !depthwise)
          throw unsupported(
            `conv2d with ${layer.groups} groups`,
            layer,
            'tfjs supports ordinary (groups = 1) and depthwise (groups = input channels) convolutions.',
          );
        if ((layer.strides[0] > 1 || layer.strides[1] > 1) && (layer.dilations[0] > 1 || layer.dilations[1] > 1)) {
          throw unsupported(
            'conv2d with both strides and dilations above 1',
            layer,
            'tfjs cannot combine strides and dilations in one convolution.',
          );
        }
        let source = x;
        let padding: 'same' | 'valid' = 'valid';
        if (samePads(layer.pads, samePadding([h, w], [kh, kw], layer.strides, layer.dilations)) && layer.pads.some((p) => p > 0)) {
          padding = 'same';
        } else if (layer.pads.some((p) => p > 0)) {
          const [t, l, b, r] = layer.pads;
          source = apply(
            tf.layers.zeroPadding2d({
              padding: [
                [t, b],
                [l, r],
              ],
              name: nameFor(layer.id, '/pad'),
            }),
          );
        }
        const common = {
          kernelSize: [kh, kw] as [number, number],
          strides: layer.strides,
          dilationRate: layer.dilations,
          padding,
          useBias: layer.bias !== null,
          name: nameFor(layer.id),
        };
        const tfLayer = depthwise
          ? tf.layers.depthwiseConv2d({ ...common, depthMultiplier: cout / cin })
          : tf.layers.conv2d({ ...common, filters: cout });
        y = apply(tfLayer, source);
        weighted.push({ layer, tfLayer });
        break;
      }
      case 'batchnorm': {
        const tfLayer = tf.layers.batchNormalization({ axis: -1, epsilon: layer.epsilon, name: nameFor(layer.id) });
        y = apply(tfLayer);
        weighted.push({ layer, tfLayer });
        break;
      }
      case 'embedding':
      case 'layernorm':
      case 'attention':
        throw unsupported(layer.kind, layer, "Only language models (layout 'sequence') have embedding, layernorm and attention layers.");
      case 'activation':
        y = apply(tfjsActivationLayer(layer, nameFor(layer.id)));
        break;
      case 'softmax': {
        if (x.shape.length !== 2)
          throw unsupported(`softmax over a rank-${x.shape.length - 1} value`, layer, 'Flatten before the softmax.');
        y = apply(tf.layers.softmax({ name: nameFor(layer.id) }));
        break;
      }
      case 'pool': {
        if (!isSpatial(x)) throw unsupported(`${layer.mode} pool on a flat value`, layer);
        const inShape = getLayer(network, layer.inputs[0]!).outputShape;
        if (layer.global) {
          const tfLayer =
            layer.mode === 'max'
              ? tf.layers.globalMaxPooling2d({ name: nameFor(layer.id) })
              : tf.layers.globalAveragePooling2d({ name: nameFor(layer.id) });
          y = apply(tfLayer);
          // Global pools that keep their spatial dimensions (ONNX GlobalAveragePool) have [c, 1, 1] outputs.
          if (layer.outputShape.length === 3)
            y = apply(tf.layers.reshape({ targetShape: [1, 1, layer.units], name: nameFor(layer.id, '/keepdims') }), y);
          break;
        }
        const [h, w] = spatialSize(inShape, layout);
        const [oh, ow] = spatialSize(layer.outputShape, layout);
        const [t, l, b, r] = layer.pads;
        if (
          windowOutputSize(h, layer.size[0], layer.strides[0], t, b) !== oh ||
          windowOutputSize(w, layer.size[1], layer.strides[1], l, r) !== ow
        ) {
          throw unsupported(`${layer.mode} pool with ceil-mode output size`, layer, 'Re-export the model with ceil_mode off.');
        }
        const padded = layer.pads.some((p) => p > 0);
        const same = padded && samePads(layer.pads, samePadding([h, w], layer.size, layer.strides));
        let source = x;
        let padding: 'same' | 'valid' = 'valid';
        if (padded && layer.mode === 'avg' && layer.countIncludePad) {
          source = apply(
            tf.layers.zeroPadding2d({
              padding: [
                [t, b],
                [l, r],
              ],
              name: nameFor(layer.id, '/pad'),
            }),
          );
        } else if (same) {
          padding = 'same';
        } else if (padded) {
          throw unsupported(
            `${layer.mode} pool with pads [${layer.pads.join(', ')}]${layer.mode === 'avg' ? ' not counting padding' : ''}`,
            layer,
            "tfjs pooling layers pad only as 'same' does; re-export the model with 'same'-style or no padding.",
          );
        }
        const options = { poolSize: layer.size, strides: layer.strides, padding, name: nameFor(layer.id) };
        y = apply(layer.mode === 'max' ? tf.layers.maxPooling2d(options) : tf.layers.averagePooling2d(options), source);
        break;
      }
      case 'flatten':
        y = apply(tf.layers.flatten({ name: nameFor(layer.id) }), toChannelFirst(x, layer.id));
        break;
      case 'reshape': {
        y = apply(tf.layers.reshape({ targetShape: [...layer.outputShape], name: nameFor(layer.id) }), toChannelFirst(x, layer.id));
        if (nchw && layer.outputShape.length === 3)
          y = apply(tf.layers.permute({ dims: [2, 3, 1], name: nameFor(layer.id, '/to_nhwc') }), y);
        break;
      }
      case 'add':
        y = ins.length === 1 ? x : apply(tf.layers.add({ name: nameFor(layer.id) }), ins);
        break;
      case 'identity':
        y = apply(tf.layers.dropout({ rate: layer.rate ?? 0, name: nameFor(layer.id) }));
        break;
    }
    values.set(layer.id, y);
  }
  const model = tf.model({
    inputs: inputTensor,
    outputs: toChannelFirst(values.get(network.output)!, `${network.output}/output`),
    name: tfjsLayerName(network.name),
  });
  for (const { layer, tfLayer } of weighted) {
    const tensors = weightsOf(layer);
    tfLayer.setWeights(tensors);
    tf.dispose(tensors);
  }
  return model;
}

/** The layer's weights as tensors in the order its tfjs layer declares them. */
function weightsOf(layer: Layer): tf.Tensor[] {
  switch (layer.kind) {
    case 'dense':
      return [tf.tensor2d(layer.kernel, layer.kernelShape), ...(layer.bias ? [tf.tensor1d(layer.bias)] : [])];
    case 'conv2d': {
      const [kh, kw, cinPer, cout] = layer.kernelShape;
      // Depthwise kernels are [kh, kw, cin, multiplier]; HWIO with one input channel per group has the same order.
      const shape: [number, number, number, number] =
        layer.groups > 1 ? [kh, kw, layer.groups, cout / layer.groups] : [kh, kw, cinPer, cout];
      return [tf.tensor4d(layer.kernel, shape), ...(layer.bias ? [tf.tensor1d(layer.bias)] : [])];
    }
    case 'batchnorm':
      return [layer.gamma, layer.beta, layer.mean, layer.variance].map((v) => tf.tensor1d(v));
    default:
      return [];
  }
}
