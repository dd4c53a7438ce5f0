import { getLayer, type Layer, type Network } from '@modscope/core';
import type { BoundModel } from './model-binding.js';
import { floatValueInfo } from './network-to-onnx.js';
import { AttributeType, DataType, type ModelProto, type NodeProto, type TensorProto, type ValueInfoProto } from './onnx-proto.js';
import { int64Tensor } from './tensor-data.js';

/** What a request changes in the graph: which layers are edited, masked and captured (sorted, unique). */
export interface RunStructure {
  edits: readonly string[];
  masks: readonly string[];
  capture: readonly string[];
}

/** A model rewritten for one structure, with the names of the graph inputs and outputs it added. */
export interface InstrumentedModel {
  model: ModelProto;
  /** Layer id → graph inputs that take the edited kernel (engine layout) and bias. */
  editInputs: Map<string, { kernel: string; bias: string }>;
  /** Layer id → graph input that takes the mask. */
  maskInputs: Map<string, string>;
  /** Layer id → graph output that holds the captured activations (absent for the input layer). */
  captureOutputs: Map<string, string>;
}

/** A fixed-shape float graph input (weights, masks: no batch dimension). */
function floatInput(name: string, shape: readonly number[]): ValueInfoProto {
  return { name, type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: shape.map((d) => ({ dim_value: d })) } } } };
}

/**
 * Shape of a mask input: `[1, 1, C]` for a language model's `[positions, C]` outputs (any sequence length),
 * `[1, C, 1, 1]` for per-example `[C, H, W]` outputs, else `[1, ...shape]`.
 */
export function maskShape(layer: Layer, layout: Network['layout']): number[] {
  if (layout === 'sequence') return [1, 1, layer.outputShape[layer.outputShape.length - 1]!];
  return layer.outputShape.length === 3 ? [1, layer.outputShape[0]!, 1, 1] : [1, ...layer.outputShape];
}

/** Shape of the engine-side kernel input of an edited layer: `[in, out]` (MatMul) or `[cout, cin/g, kh, kw]` (Conv). */
export function editKernelShape(layer: Layer): number[] {
  if (layer.kind === 'dense') return [...layer.kernelShape];
  if (layer.kind === 'conv2d') return [layer.units, layer.kernelShape[2], layer.kernelShape[0], layer.kernelShape[1]];
  return [];
}

/**
 * The model onnxruntime runs for any request: a dynamic batch dimension on the input and output, no
 * intermediate shape annotations, one graph input (initializers are not inputs) and one output, and every
 * flatten/reshape layer's `Reshape` made batch-independent (`[-1, ...shape]`).
 */
export function prepareRuntimeModel(bound: BoundModel): ModelProto {
  const graph = bound.model.graph!;
  if (bound.network.layout === 'sequence') {
    // A language model keeps its integer [batch, sequence] input and computes its own shapes.
    const input = graph.input.find((i) => i.name === bound.inputName)!;
    return { ...bound.model, graph: { ...graph, input: [input], output: [floatValueInfo(bound.outputName)], value_info: [] } };
  }
  const input = graph.input.find((i) => i.name === bound.inputName)!;
  const inputShape = input.type!.tensor_type!.shape!.dim.slice(1).map((d) => d.dim_value ?? 0);
  const node = [...graph.node];
  const initializer = [...graph.initializer];
  for (const layer of bound.network.layers) {
    if (layer.kind !== 'flatten' && layer.kind !== 'reshape') continue;
    for (const index of bound.layers.get(layer.id)!.nodes) {
      const original = node[index]!;
      if (original.op_type !== 'Reshape') continue;
      const shape = int64Tensor(`${original.output[0]}.modscope.shape`, [-1, ...layer.outputShape]);
      initializer.push(shape);
      node[index] = { ...original, input: [original.input[0]!, shape.name!] };
    }
  }
  return {
    ...bound.model,
    graph: {
      ...graph,
      node,
      initializer,
      input: [
        {
          name: input.name,
          type: {
            tensor_type: {
              elem_type: DataType.FLOAT,
              shape: { dim: [{ dim_param: 'batch' }, ...inputShape.map((d) => ({ dim_value: d }))] },
            },
          },
        },
      ],
      output: [floatValueInfo(bound.outputName)],
      value_info: [],
    },
  };
}

/**
 * Rewrites a runtime model for one request structure: edited layers read their weights from new graph
 * inputs, masked layers' outputs pass through a `Mul` by a mask input, captured tensors become outputs.
 */
export function instrumentModel(runtime: ModelProto, bound: BoundModel, structure: RunStructure): InstrumentedModel {
  const graph = runtime.graph!;
  const slots: NodeProto[][] = graph.node.map((n) => [n]);
  const inputs = [...graph.input];
  const outputs = [...graph.output];
  const editInputs = new Map<string, { kernel: string; bias: string }>();
  const maskInputs = new Map<string, string>();
  const captureOutputs = new Map<string, string>();

  structure.edits.forEach((id, k) => {
    const layer = getLayer(bound.network, id);
    const binding = bound.layers.get(id)!;
    const names = { kernel: `modscope.edit${k}.kernel`, bias: `modscope.edit${k}.bias` };
    editInputs.set(id, names);
    inputs.push(floatInput(names.kernel, editKernelShape(layer)), floatInput(names.bias, [layer.units]));
    let replacement: NodeProto[];
    if (layer.kind === 'conv2d') {
      const ints = (name: string, values: readonly number[]) => ({ name, type: AttributeType.INTS, ints: [...values] });
      replacement = [
        {
          op_type: 'Conv',
          name: `modscope.edit${k}`,
          input: [binding.input, names.kernel, names.bias],
          output: [binding.output],
          attribute: [
            ints('kernel_shape', layer.kernelShape.slice(0, 2)),
            ints('strides', layer.strides),
            ints('pads', layer.pads),
            ints('dilations', layer.dilations),
            { name: 'group', type: AttributeType.INT, i: layer.groups },
          ],
        },
      ];
    } else {
      const product = `modscope.edit${k}.product`;
      replacement = [
        { op_type: 'MatMul', name: `modscope.edit${k}.matmul`, input: [binding.input, names.kernel], output: [product], attribute: [] },
        { op_type: 'Add', name: `modscope.edit${k}.add`, input: [product, names.bias], output: [binding.output], attribute: [] },
      ];
    }
    for (const [i, index] of binding.nodes.entries()) slots[index] = i === 0 ? replacement : [];
  });

  const nodes = slots.flat();
  structure.masks.forEach((id, k) => {
    const layer = getLayer(bound.network, id);
    const tensor = bound.layers.get(id)!.output;
    const mask = `modscope.mask${k}`;
    maskInputs.set(id, mask);
    inputs.push(floatInput(mask, maskShape(layer, bound.network.layout)));
    const at = nodes.findIndex((n) => n.output.includes(tensor));
    if (at >= 0) {
      const unmasked = `${tensor}.modscope.unmasked${k}`;
      nodes[at] = { ...nodes[at]!, output: nodes[at]!.output.map((o) => (o === tensor ? unmasked : o)) };
      nodes.splice(at + 1, 0, { op_type: 'Mul', name: `modscope.mask${k}.mul`, input: [unmasked, mask], output: [tensor], attribute: [] });
    } else {
      const masked = `${tensor}.modscope.masked${k}`;
      for (let i = 0; i < nodes.length; i++) {
        const n = nodes[i]!;
        if (n.input.includes(tensor)) nodes[i] = { ...n, input: n.input.map((name) => (name === tensor ? masked : name)) };
      }
      nodes.unshift({ op_type: 'Mul', name: `modscope.mask${k}.mul`, input: [tensor, mask], output: [masked], attribute: [] });
    }
  });

  for (const id of structure.capture) {
    const tensor = bound.layers.get(id)!.output;
    if (tensor === bound.inputName) continue;
    captureOutputs.set(id, tensor);
    if (!outputs.some((o) => o.name === tensor)) outputs.push(floatValueInfo(tensor));
  }

  const used = new Set(nodes.flatMap((n) => n.input));
  const initializer: TensorProto[] = graph.initializer.filter((t) => used.has(t.name ?? ''));
  return {
    model: { ...runtime, graph: { ...graph, node: nodes, initializer, input: inputs, output: outputs } },
    editInputs,
    maskInputs,
    captureOutputs,
  };
}
