import type * as tf from '@tensorflow/tfjs';
import { UnsupportedOpError, shapeSize, type DataLayout, type Layer, type Network } from '@modscope/core';
import { coreActivation, tfjsActivationNames } from './activation-layers.js';
import { fromTfjsLanguageModel, isTfjsLanguageModel } from './from-tfjs-language-model.js';
import type { FromTfjsModelOptions } from './from-tfjs-model-options.js';
import { ModscopeGeluTanh } from './gelu-tanh-layer.js';
import { layerWeights } from './layer-weights.js';
import { samePadding } from './same-padding.js';

type TfLayer = tf.layers.Layer;
type Shape = (number | null)[];

const format = 'TF.js';

function unsupported(op: string, layer: TfLayer, hint?: string): UnsupportedOpError {
  return new UnsupportedOpError({ op, node: layer.name, format, ...(hint ? { hint } : {}) });
}

function pair(value: unknown, fallback: number): [number, number] {
  if (value === undefined || value === null) return [fallback, fallback];
  if (typeof value === 'number') return [value, value];
  const list = value as number[];
  return [list[0] ?? fallback, list[1] ?? list[0] ?? fallback];
}

function dims(shape: Shape, layer: TfLayer): number[] {
  const rest = shape.slice(1);
  if (rest.some((d) => d === null || d === undefined)) {
    throw unsupported(
      `${layer.getClassName()} with unknown dimensions [${shape.join(', ')}]`,
      layer,
      'Give the model a fixed input shape (e.g. `inputShape: [28, 28, 1]`) and re-save it.',
    );
  }
  return rest as number[];
}

function inputShapeOf(layer: TfLayer): Shape {
  const shapes = layer.inboundNodes[0]!.inputShapes as Shape | Shape[];
  return (Array.isArray(shapes[0]) ? shapes[0] : shapes) as Shape;
}

function permuteDims(layer: TfLayer): string {
  return ((layer.getConfig() as { dims?: number[] }).dims ?? []).join(',');
}

/**
 * Converts a tfjs LayersModel (Sequential or functional) to the network representation. Fused activations
 * of Dense and Conv2D become separate `activation` (or `softmax`) layers named `<layer>/<activation>`.
 * Models built by `toTfjsModel` from an `nchw` network (a Permute after the input, and before each
 * Flatten/Reshape of a spatial tensor) convert back to an `nchw` network. A language model (one whose
 * token ids feed a `ModscopeTokenPositionEmbedding`, as `toTfjsModel` builds them) converts to a `sequence`
 * network with the same layers, weights and tied unembeddings.
 */
export function fromTfjsModel(model: tf.LayersModel, options: FromTfjsModelOptions = {}): Network {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new UnsupportedOpError({
      op: `a model with ${model.inputs.length} inputs and ${model.outputs.length} outputs`,
      node: model.name,
      format,
      hint: 'modscope analyses models with exactly one input and one output; export a single-input, single-output model.',
    });
  }
  if (isTfjsLanguageModel(model)) return fromTfjsLanguageModel(model, options);
  const inputTfLayer = model.inputs[0]!.sourceLayer as TfLayer;
  const outputTfLayer = model.outputs[0]!.sourceLayer as TfLayer;
  const layersInOrder = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const rawInput = dims(model.inputs[0]!.shape as Shape, inputTfLayer);

  // An nchw network was saved as input → Permute([2,3,1]) → … (see toTfjsModel).
  const first = layersInOrder[0];
  const nchw =
    rawInput.length === 3 &&
    first !== undefined &&
    first.getClassName() === 'Permute' &&
    permuteDims(first) === '2,3,1' &&
    first.inboundNodes[0]!.inboundLayers[0] === inputTfLayer &&
    inputTfLayer.outboundNodes.length === 1;
  const layout: DataLayout = nchw ? 'nchw' : rawInput.length === 3 ? 'nhwc' : rawInput.length === 1 ? 'flat' : 'nhwc';
  if (rawInput.length !== 1 && rawInput.length !== 3) {
    throw unsupported(
      `an input of rank ${rawInput.length} ([${rawInput.join(', ')}])`,
      inputTfLayer,
      'modscope takes flat inputs ([features]) or images ([height, width, channels]).',
    );
  }
  /** Shape of a tfjs (NHWC) output in the network layout. */
  const toLayout = (shape: number[]): number[] => (layout === 'nchw' && shape.length === 3 ? [shape[2]!, shape[0]!, shape[1]!] : shape);
  const unitsOf = (shape: number[]): number => (shape.length === 3 ? (layout === 'nchw' ? shape[0]! : shape[2]!) : shapeSize(shape));

  const layers: Layer[] = [];
  /** tfjs layer name → id of the network layer holding its value. */
  const alias = new Map<string, string>();
  const shapeOf = new Map<string, number[]>();
  const ids = new Set<string>();
  const uniqueId = (base: string) => {
    let id = base;
    for (let i = 2; ids.has(id); i++) id = `${base}_${i}`;
    ids.add(id);
    return id;
  };
  const push = (layer: Layer) => {
    layers.push(layer);
    shapeOf.set(layer.id, layer.outputShape);
  };

  /** ZeroPadding2D layers, folded into the convolution or average pool reading them. */
  const paddingOf = new Map<string, [number, number, number, number]>();
  const inputId = uniqueId(inputTfLayer.name);
  push({ kind: 'input', id: inputId, name: inputTfLayer.name, inputs: [], units: unitsOf(rawInput), outputShape: rawInput });
  alias.set(inputTfLayer.name, inputId);

  for (const tfLayer of layersInOrder) {
    const className = tfLayer.getClassName();
    if (tfLayer.inboundNodes.length !== 1) {
      throw unsupported(
        `${className} shared by ${tfLayer.inboundNodes.length} call sites`,
        tfLayer,
        'modscope needs every layer applied once; re-export the model without shared layers.',
      );
    }
    const inputs = tfLayer.inboundNodes[0]!.inboundLayers.map((l) => {
      const id = alias.get(l.name);
      if (id === undefined) throw unsupported(`${className} reading '${l.name}', which is not part of the model`, tfLayer);
      return id;
    });
    const config = tfLayer.getConfig() as Record<string, unknown>;
    const outShape = toLayout(dims(tfLayer.outputShape as Shape, tfLayer));
    const inShape = dims(inputShapeOf(tfLayer), tfLayer);
    const inbound = tfLayer.inboundNodes[0]!.inboundLayers;
    const zeroPads = inbound.length === 1 ? paddingOf.get(inbound[0]!.name) : undefined;
    if (zeroPads && !['Conv2D', 'DepthwiseConv2D', 'AveragePooling2D'].includes(className)) {
      throw unsupported(
        `ZeroPadding2D before ${className}`,
        inbound[0] as TfLayer,
        'modscope folds zero padding into the convolution or average pool that follows it.',
      );
    }
    const addPads = (pads: [number, number, number, number]): [number, number, number, number] =>
      zeroPads ? [pads[0] + zeroPads[0], pads[1] + zeroPads[1], pads[2] + zeroPads[2], pads[3] + zeroPads[3]] : pads;
    const base = { id: uniqueId(tfLayer.name), name: tfLayer.name, inputs, units: unitsOf(outShape), outputShape: outShape };
    const channelsLast = () => {
      const dataFormat = config.dataFormat as string | undefined;
      if (dataFormat !== undefined && dataFormat !== 'channelsLast') {
        throw unsupported(
          `${className} with dataFormat '${dataFormat}'`,
          tfLayer,
          'Re-export the model with channels-last (NHWC) data, which is what tfjs computes on cpu and wasm.',
        );
      }
    };
    /** Appends the fused activation of a Dense or Conv2D layer, returning the id now holding its value. */
    const fused = (id: string): string => {
      const name = (config.activation as string | undefined) ?? 'linear';
      if (name === 'linear') return id;
      const kind = coreActivation(name);
      if (!kind)
        throw unsupported(`${className} activation '${name}'`, tfLayer, `modscope supports ${tfjsActivationNames.join(', ')} activations.`);
      const act = {
        id: uniqueId(`${tfLayer.name}/${name}`),
        name: `${tfLayer.name}/${name}`,
        inputs: [id],
        units: base.units,
        outputShape: outShape,
      };
      push(kind === 'softmax' ? { kind: 'softmax', ...act } : { kind: 'activation', ...act, activation: kind });
      return act.id;
    };
    let valueId = base.id;
    switch (className) {
      case 'Dense': {
        if (inShape.length !== 1)
          throw unsupported(`Dense on a rank-${inShape.length} input`, tfLayer, 'Add a Flatten layer before the Dense layer.');
        const w = layerWeights(tfLayer);
        const units = config.units as number;
        push({ kind: 'dense', ...base, kernel: w.get('kernel')!, kernelShape: [inShape[0]!, units], bias: w.get('bias') ?? null });
        valueId = fused(base.id);
        break;
      }
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        channelsLast();
        const depthwise = className === 'DepthwiseConv2D';
        const [h, w, cin] = inShape as [number, number, number];
        const kernelSize = pair(config.kernelSize, 1);
        const strides = pair(config.strides, 1);
        const dilations = pair(config.dilationRate, 1);
        const padding = config.padding as string;
        if (padding !== 'same' && padding !== 'valid') throw unsupported(`${className} with padding '${padding}'`, tfLayer);
        const pads =
          padding === 'same' ? samePadding([h, w], kernelSize, strides, dilations) : ([0, 0, 0, 0] as [number, number, number, number]);
        const weights = layerWeights(tfLayer);
        const multiplier = (config.depthMultiplier as number | undefined) ?? 1;
        const cout = depthwise ? cin * multiplier : (config.filters as number);
        push({
          kind: 'conv2d',
          ...base,
          kernel: weights.get(depthwise ? 'depthwise_kernel' : 'kernel')!,
          kernelShape: [kernelSize[0], kernelSize[1], depthwise ? 1 : cin, cout],
          bias: weights.get('bias') ?? null,
          strides,
          pads: addPads(pads),
          dilations,
          groups: depthwise ? cin : 1,
        });
        valueId = fused(base.id);
        break;
      }
      case 'BatchNormalization': {
        const axis = (config.axis as number | undefined) ?? -1;
        if (axis !== -1 && axis !== inShape.length)
          throw unsupported(`BatchNormalization over axis ${axis}`, tfLayer, 'modscope normalizes channels (the last axis in tfjs).');
        const w = layerWeights(tfLayer);
        const c = inShape[inShape.length - 1]!;
        push({
          kind: 'batchnorm',
          ...base,
          gamma: w.get('gamma') ?? new Float32Array(c).fill(1),
          beta: w.get('beta') ?? new Float32Array(c),
          mean: w.get('moving_mean')!,
          variance: w.get('moving_variance')!,
          epsilon: (config.epsilon as number | undefined) ?? 1e-3,
        });
        break;
      }
      case 'Activation': {
        const name = config.activation as string;
        const kind = coreActivation(name);
        if (!kind) throw unsupported(`Activation '${name}'`, tfLayer, `modscope supports ${tfjsActivationNames.join(', ')} activations.`);
        push(kind === 'softmax' ? { kind: 'softmax', ...base } : { kind: 'activation', ...base, activation: kind });
        break;
      }
      case ModscopeGeluTanh.className:
        push({ kind: 'activation', ...base, activation: 'gelu-tanh' });
        break;
      case 'ReLU': {
        if (config.maxValue !== undefined && config.maxValue !== null)
          throw unsupported('ReLU with maxValue', tfLayer, 'modscope supports plain ReLU; remove maxValue (ReLU6) or open an issue.');
        push({ kind: 'activation', ...base, activation: 'relu' });
        break;
      }
      case 'LeakyReLU':
        push({ kind: 'activation', ...base, activation: 'leaky-relu', alpha: (config.alpha as number | undefined) ?? 0.3 });
        break;
      case 'Softmax': {
        const axis = (config.axis as number | undefined) ?? -1;
        if (inShape.length !== 1 || (axis !== -1 && axis !== 1))
          throw unsupported(
            `Softmax over axis ${axis} of a rank-${inShape.length} input`,
            tfLayer,
            'modscope supports softmax over a flat vector.',
          );
        push({ kind: 'softmax', ...base });
        break;
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        channelsLast();
        const size = pair(config.poolSize, 2);
        const strides = pair(config.strides ?? config.poolSize, 2);
        const padding = config.padding as string;
        const pads =
          padding === 'same' ? samePadding([inShape[0]!, inShape[1]!], size, strides) : ([0, 0, 0, 0] as [number, number, number, number]);
        const mode = className === 'MaxPooling2D' ? 'max' : 'avg';
        if (zeroPads && padding === 'same') throw unsupported('ZeroPadding2D before a same-padded AveragePooling2D', tfLayer);
        // tfjs 'same' average pooling divides by the number of real (unpadded) elements; explicit zero padding counts.
        const countIncludePad = zeroPads !== undefined;
        push({
          kind: 'pool',
          ...base,
          mode,
          global: false,
          size,
          strides,
          pads: addPads(pads),
          ...(mode === 'avg' ? { countIncludePad } : {}),
        });
        break;
      }
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D': {
        channelsLast();
        const mode = className === 'GlobalMaxPooling2D' ? 'max' : 'avg';
        push({ kind: 'pool', ...base, mode, global: true, size: [inShape[0]!, inShape[1]!], strides: [1, 1], pads: [0, 0, 0, 0] });
        break;
      }
      case 'Flatten':
        push({ kind: 'flatten', ...base });
        break;
      case 'Reshape':
        push({ kind: 'reshape', ...base });
        break;
      case 'Add':
        push({ kind: 'add', ...base });
        break;
      case 'Dropout':
      case 'SpatialDropout2D':
      case 'GaussianDropout':
      case 'AlphaDropout':
      case 'GaussianNoise':
        push({
          kind: 'identity',
          ...base,
          origin: className.toLowerCase(),
          ...(typeof config.rate === 'number' ? { rate: config.rate } : {}),
        });
        break;
      case 'ZeroPadding2D': {
        channelsLast();
        const padding = config.padding as number | [number, number] | [[number, number], [number, number]];
        const [[t, b], [l, r]] =
          typeof padding === 'number'
            ? [
                [padding, padding],
                [padding, padding],
              ]
            : typeof padding[0] === 'number'
              ? [
                  [padding[0], padding[0]],
                  [padding[1] as number, padding[1] as number],
                ]
              : (padding as [[number, number], [number, number]]);
        const consumers = tfLayer.outboundNodes.length;
        if (consumers !== 1) throw unsupported(`ZeroPadding2D read by ${consumers} layers`, tfLayer);
        paddingOf.set(tfLayer.name, [t, l, b, r]);
        valueId = inputs[0]!;
        ids.delete(base.id);
        break;
      }
      case 'Permute': {
        const dimsText = permuteDims(tfLayer);
        const consumers = tfLayer.outboundNodes.map((n) => n.outboundLayer.getClassName());
        if (layout === 'nchw' && tfLayer === first) {
          valueId = inputs[0]!;
          ids.delete(base.id);
          break;
        }
        // Before Flatten/Reshape (or at the output), toTfjsModel restores channel-first order.
        if (
          layout === 'nchw' &&
          dimsText === '3,1,2' &&
          (tfLayer === outputTfLayer || consumers.every((c) => c === 'Flatten' || c === 'Reshape'))
        ) {
          valueId = inputs[0]!;
          ids.delete(base.id);
          break;
        }
        throw unsupported(`Permute(${dimsText})`, tfLayer);
      }
      default:
        throw unsupported(className, tfLayer);
    }
    alias.set(tfLayer.name, valueId);
  }
  if (paddingOf.has(outputTfLayer.name)) throw unsupported('ZeroPadding2D as the output', outputTfLayer);
  const output = alias.get(outputTfLayer.name)!;
  return {
    specificationVersion: 'v1',
    name: options.name ?? model.name,
    layout,
    layers,
    output,
    source: { format: 'tfjs-layers', ...(options.path ? { path: options.path } : {}) },
  };
}
