import { InvalidArgumentError, getLayer, inputLayer, validateNetwork, type Layer, type Network } from '@modscope/core';
import { encodeOnnxModel } from './decode-onnx-model.js';
import type { BoundModel, LayerBinding } from './model-binding.js';
import {
  AttributeType,
  DataType,
  type AttributeProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './onnx-proto.js';
import { float32Tensor, int64Tensor } from './tensor-data.js';
import { buildTransformerOnnxModel } from './transformer-to-onnx.js';

export interface NetworkToOnnxOptions {
  /** Default-domain opset to declare: 11 to 18, default 13; 17 or 18 for a language model, default 17. */
  opset?: number;
  /** `producer_name` written into the model. Default `modscope`. */
  producerName?: string;
}

const pkg = '@modscope/loader-onnx';

const intAttr = (name: string, i: number): AttributeProto => ({ name, type: AttributeType.INT, i });
const floatAttr = (name: string, f: number): AttributeProto => ({ name, type: AttributeType.FLOAT, f });
const intsAttr = (name: string, ints: readonly number[]): AttributeProto => ({ name, type: AttributeType.INTS, ints: [...ints] });

/** A float tensor value-info with a dynamic batch dimension. */
export function floatValueInfo(name: string, shape?: readonly number[]): ValueInfoProto {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: DataType.FLOAT,
        ...(shape ? { shape: { dim: [{ dim_param: 'batch' }, ...shape.map((d) => ({ dim_value: d }))] } } : {}),
      },
    },
  };
}

/** ONNX conv weight `[cout, cin/g, kh, kw]` from a HWIO kernel. */
export function hwioToOihw(kernel: Float32Array, [kh, kw, cinPer, cout]: readonly [number, number, number, number]): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let o = 0; o < cout; o++)
    for (let ci = 0; ci < cinPer; ci++)
      for (let ky = 0; ky < kh; ky++)
        for (let kx = 0; kx < kw; kx++) out[((o * cinPer + ci) * kh + ky) * kw + kx] = kernel[((ky * kw + kx) * cinPer + ci) * cout + o]!;
  return out;
}

function irVersionFor(opset: number): number {
  return opset <= 11 ? 6 : opset <= 14 ? 7 : opset <= 18 ? 8 : 9;
}

/**
 * Builds an ONNX model computing a network (layout `nchw` or `flat`, or a GPT-style `sequence` network: see
 * `buildTransformerOnnxModel`), with the binding of each layer to its output tensor. Each layer's output
 * tensor and main node are named after the layer id.
 */
export function buildOnnxModel(network: Network, options: NetworkToOnnxOptions = {}): BoundModel {
  const languageModel = network.layout === 'sequence';
  const opset = options.opset ?? (languageModel ? 17 : 13);
  const [min, max] = languageModel ? [17, 18] : [11, 18];
  if (!(opset >= min && opset <= max)) {
    throw new InvalidArgumentError({
      argument: 'opset',
      message: `${pkg}: opset ${opset} is not supported${languageModel ? ' for a language model (LayerNormalization needs 17)' : ''}.`,
      hint: `Use an opset from ${min} to ${max} (default ${languageModel ? 17 : 13}).`,
    });
  }
  const problems = validateNetwork(network);
  if (problems.length > 0) {
    throw new InvalidArgumentError({
      argument: 'network',
      message: `${pkg}: network '${network.name}' is invalid: ${problems.join('; ')}.`,
      hint: 'Fix the network before exporting it.',
    });
  }
  if (languageModel) return buildTransformerOnnxModel(network, opset, options.producerName ?? 'modscope');
  if (network.layout === 'nhwc') {
    throw new InvalidArgumentError({
      argument: 'network',
      message: `${pkg}: network '${network.name}' is channels-last (nhwc); ONNX convolutions are channels-first.`,
      hint: 'Convert the network to nchw first, or export it with its own format (TF.js).',
    });
  }
  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const bindings = new Map<string, LayerBinding>();
  const input = inputLayer(network);
  bindings.set(input.id, { output: input.id, input: input.id, nodes: [] });

  const store = (tensor: TensorProto) => {
    initializers.push(tensor);
    return tensor.name!;
  };
  for (const layer of network.layers.slice(1)) {
    const from = layer.inputs[0]!;
    const fromShape = getLayer(network, layer.inputs[0]!).outputShape;
    const first = nodes.length;
    const emit = (op_type: string, inputs: string[], output: string, attribute: AttributeProto[] = [], suffix = '') =>
      nodes.push({ op_type, name: `${layer.id}${suffix}`, input: inputs, output: [output], attribute });
    emitLayer(layer, from, fromShape, opset, emit, store);
    const last = nodes.length - 1;
    // A dense layer is its Gemm alone: a Flatten before it stays outside, so edits can replace the Gemm.
    bindings.set(
      layer.id,
      layer.kind === 'dense'
        ? { output: layer.id, input: nodes[last]!.input[0]!, nodes: [last] }
        : { output: layer.id, input: from, nodes: nodes.slice(first).map((_, i) => first + i) },
    );
  }
  const outputShape = getLayer(network, network.output).outputShape;
  const model: ModelProto = {
    ir_version: irVersionFor(opset),
    producer_name: options.producerName ?? 'modscope',
    opset_import: [{ domain: '', version: opset }],
    graph: {
      name: network.name,
      node: nodes,
      initializer: initializers,
      input: [floatValueInfo(input.id, input.outputShape)],
      output: [floatValueInfo(network.output, outputShape)],
      value_info: [],
    },
  };
  return { model, network, layers: bindings, inputName: input.id, outputName: network.output };
}

type Emit = (op: string, inputs: string[], output: string, attributes?: AttributeProto[], suffix?: string) => void;

function emitLayer(
  layer: Layer,
  from: string,
  fromShape: readonly number[],
  opset: number,
  emit: Emit,
  store: (tensor: TensorProto) => string,
): void {
  const out = layer.id;
  const weight = (name: string, dims: readonly number[], data: Float32Array) => store(float32Tensor(name, dims, data));
  const reshapeTarget = () => store(int64Tensor(`${out}.shape`, [-1, ...layer.outputShape]));
  const flatInput = () => {
    if (fromShape.length === 1) return from;
    emit('Flatten', [from], `${out}.flat`, [intAttr('axis', 1)], '.flatten');
    return `${out}.flat`;
  };
  switch (layer.kind) {
    case 'input':
      return;
    case 'dense': {
      const x = flatInput();
      const inputs = [x, weight(`${out}.kernel`, layer.kernelShape, layer.kernel)];
      if (layer.bias) inputs.push(weight(`${out}.bias`, [layer.units], layer.bias));
      emit('Gemm', inputs, out);
      return;
    }
    case 'conv2d': {
      const inputs = [
        from,
        weight(
          `${out}.weight`,
          [layer.units, layer.kernelShape[2], layer.kernelShape[0], layer.kernelShape[1]],
          hwioToOihw(layer.kernel, layer.kernelShape),
        ),
      ];
      if (layer.bias) inputs.push(weight(`${out}.bias`, [layer.units], layer.bias));
      emit('Conv', inputs, out, [
        intsAttr('kernel_shape', layer.kernelShape.slice(0, 2)),
        intsAttr('strides', layer.strides),
        intsAttr('pads', layer.pads),
        intsAttr('dilations', layer.dilations),
        intAttr('group', layer.groups),
      ]);
      return;
    }
    case 'batchnorm': {
      const n = [layer.units];
      const inputs = [
        from,
        weight(`${out}.gamma`, n, layer.gamma),
        weight(`${out}.beta`, n, layer.beta),
        weight(`${out}.mean`, n, layer.mean),
        weight(`${out}.variance`, n, layer.variance),
      ];
      emit('BatchNormalization', inputs, out, [floatAttr('epsilon', layer.epsilon)]);
      return;
    }
    case 'embedding':
    case 'layernorm':
    case 'attention':
      throw new InvalidArgumentError({
        argument: 'network',
        message: `${pkg}: layer '${layer.id}' (${layer.kind}) belongs to a language model, and the network's layout is not 'sequence'.`,
        hint: "Give the network layout 'sequence' to write it as a language model.",
      });
    case 'activation': {
      if (layer.activation === 'gelu' || layer.activation === 'gelu-tanh')
        throw new InvalidArgumentError({
          argument: 'network',
          message: `${pkg}: layer '${layer.id}' uses ${layer.activation}, which modscope does not write to ONNX yet.`,
          hint: 'Keep the original ONNX file.',
        });
      const op = { relu: 'Relu', 'leaky-relu': 'LeakyRelu', sigmoid: 'Sigmoid', tanh: 'Tanh', linear: 'Identity' }[layer.activation];
      emit(op, [from], out, layer.activation === 'leaky-relu' ? [floatAttr('alpha', layer.alpha ?? 0.01)] : []);
      return;
    }
    case 'pool': {
      if (layer.global) {
        const op = layer.mode === 'max' ? 'GlobalMaxPool' : 'GlobalAveragePool';
        if (layer.outputShape.length === 3) {
          emit(op, [from], out);
          return;
        }
        emit(op, [from], `${out}.pooled`);
        emit('Flatten', [`${out}.pooled`], out, [intAttr('axis', 1)], '.flatten');
        return;
      }
      const attributes = [intsAttr('kernel_shape', layer.size), intsAttr('strides', layer.strides), intsAttr('pads', layer.pads)];
      if (layer.mode === 'avg') attributes.push(intAttr('count_include_pad', layer.countIncludePad ? 1 : 0));
      emit(layer.mode === 'max' ? 'MaxPool' : 'AveragePool', [from], out, attributes);
      return;
    }
    case 'flatten':
      emit('Flatten', [from], out, [intAttr('axis', 1)]);
      return;
    case 'reshape':
      emit('Reshape', [from, reshapeTarget()], out);
      return;
    case 'add':
      emit(layer.inputs.length > 2 ? 'Sum' : 'Add', [...layer.inputs], out);
      return;
    case 'identity':
      emit('Identity', [from], out);
      return;
    case 'softmax': {
      if (layer.outputShape.length === 1 || opset < 13) {
        emit('Softmax', [from], out, [intAttr('axis', 1)]);
        return;
      }
      emit('Flatten', [from], `${out}.flat`, [intAttr('axis', 1)], '.flatten');
      emit('Softmax', [`${out}.flat`], `${out}.softmax`, [intAttr('axis', 1)]);
      emit('Reshape', [`${out}.softmax`, reshapeTarget()], out, [], '.reshape');
      return;
    }
  }
}

/** Encodes a network (layout `nchw`, `flat` or `sequence`) as the bytes of an `.onnx` file. */
export function networkToOnnx(network: Network, options: NetworkToOnnxOptions = {}): Uint8Array {
  return encodeOnnxModel(buildOnnxModel(network, options).model);
}
