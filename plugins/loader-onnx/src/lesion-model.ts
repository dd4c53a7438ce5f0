import { getLayer, type InputLayer, type Layer, type Network } from '@modscope/core';
import { buildOnnxModel, floatValueInfo } from './network-to-onnx.js';
import type { ModelProto, ValueInfoProto } from './onnx-proto.js';
import { DataType } from './onnx-proto.js';
import { float32Tensor, int64Tensor } from './tensor-data.js';

/** Names of the lesion model's graph inputs and output. */
export const LESION_INPUT = 'lesion.activations';
export const LESION_MASKS = 'lesion.masks';

const TAIL_INPUT = 'lesion.tail';

export interface LesionModel {
  model: ModelProto;
  outputName: string;
  /** Shape of one example of the cached activations (the masked layer's output). */
  shape: number[];
  units: number;
}

/**
 * The part of a network after `point`, as a network of its own whose input is `point`'s output; null where
 * a later layer also reads something from before `point` (a skip connection around it), or where `point`
 * is the output itself.
 */
export function tailNetwork(network: Network, point: string): Network | null {
  const at = network.layers.findIndex((l) => l.id === point);
  if (at < 0 || point === network.output) return null;
  const upstream = new Set(network.layers.slice(0, at + 1).map((l) => l.id));
  const layer = network.layers[at]!;
  const input: InputLayer = {
    kind: 'input',
    id: TAIL_INPUT,
    name: `${layer.name} (lesioned)`,
    inputs: [],
    units: layer.units,
    outputShape: [...layer.outputShape],
  };
  const layers: Layer[] = [input];
  for (const later of network.layers.slice(at + 1)) {
    if (later.inputs.some((id) => id !== point && upstream.has(id))) return null;
    layers.push({ ...later, inputs: later.inputs.map((id) => (id === point ? TAIL_INPUT : id)) } as Layer);
  }
  return { ...network, name: `${network.name} after ${point}`, layers };
}

/**
 * An ONNX model that evaluates many lesions at once from cached activations of `point`: inputs
 * `activations [n, ...shape]` and `masks [L, units]`; it multiplies every example by every mask
 * (`[L, n, ...shape]`), folds lesions into the batch and runs the rest of the network, so the output's row
 * `l·n + e` is example e under lesion l. Null where the network cannot be cut at `point`.
 */
export function buildLesionModel(network: Network, point: string): LesionModel | null {
  const tail = tailNetwork(network, point);
  if (!tail) return null;
  const layer = getLayer(network, point);
  const shape = [...layer.outputShape];
  const bound = buildOnnxModel(tail);
  const graph = bound.model.graph!;
  const spatialOnes = shape.slice(1).map(() => 1);
  const constants = [
    int64Tensor('lesion.axes', [0]),
    int64Tensor('lesion.mask-shape', [-1, 1, layer.units, ...spatialOnes]),
    int64Tensor('lesion.fold-shape', [-1, ...shape]),
  ];
  const prefix = [
    { op_type: 'Unsqueeze', name: 'lesion.unsqueeze', input: [LESION_INPUT, 'lesion.axes'], output: ['lesion.expanded'], attribute: [] },
    {
      op_type: 'Reshape',
      name: 'lesion.mask-reshape',
      input: [LESION_MASKS, 'lesion.mask-shape'],
      output: ['lesion.mask-broadcast'],
      attribute: [],
    },
    { op_type: 'Mul', name: 'lesion.mul', input: ['lesion.expanded', 'lesion.mask-broadcast'], output: ['lesion.masked'], attribute: [] },
    { op_type: 'Reshape', name: 'lesion.fold', input: ['lesion.masked', 'lesion.fold-shape'], output: [TAIL_INPUT], attribute: [] },
  ];
  const masks: ValueInfoProto = {
    name: LESION_MASKS,
    type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: [{ dim_param: 'lesions' }, { dim_value: layer.units }] } } },
  };
  const model: ModelProto = {
    ...bound.model,
    graph: {
      ...graph,
      node: [...prefix, ...graph.node],
      initializer: [...constants, ...graph.initializer],
      input: [floatValueInfo(LESION_INPUT, shape), masks],
    },
  };
  return { model, outputName: bound.outputName, shape, units: layer.units };
}

export const LESION_INDEX = 'lesion.index';
export const LESION_NEXT = 'lesion.next-output';

export interface GatherLesionModel {
  model: ModelProto;
  outputName: string;
  /** Cached inputs: the post-activation values of the lesioned units' layer and the next layer's output. */
  activationLayer: string;
  nextLayer: string;
  units: number;
  nextUnits: number;
}

const ACTIVATION_AT_ZERO: Record<string, (alpha: number) => number> = {
  relu: () => 0,
  'leaky-relu': () => 0,
  tanh: () => 0,
  linear: () => 0,
  sigmoid: () => 0.5,
};

/**
 * A cheaper lesion model for a dense layer whose units feed (through one activation) straight into
 * another dense layer: the lesion changes that next layer's output by −(a_S − f(0))·W[S, :] only, so
 * the model gathers the lesioned units' activations and weight rows (`index [L, s]`, every lesion of
 * the same size s), subtracts the low-rank product from the cached next-layer output and runs the rest.
 * Null where the layers are not such a chain.
 */
export function buildGatherLesionModel(network: Network, point: string): GatherLesionModel | null {
  const layer = getLayer(network, point);
  if (layer.kind !== 'dense') return null;
  const consumers = (id: string) => network.layers.filter((l) => l.inputs.includes(id));
  let activationLayer = point;
  let zero = 0;
  let next = consumers(point);
  if (next.length === 1 && next[0]!.kind === 'activation') {
    const act = next[0]!;
    if (act.kind !== 'activation') return null;
    activationLayer = act.id;
    zero = ACTIVATION_AT_ZERO[act.activation]!(act.alpha ?? 0.01);
    next = consumers(act.id);
  }
  const dense = next[0];
  if (next.length !== 1 || !dense || dense.kind !== 'dense' || dense.inputs.length !== 1) return null;
  const outputs = dense.units;
  const isOutput = dense.id === network.output;
  const tail = isOutput ? null : tailNetwork(network, dense.id);
  if (!isOutput && !tail) return null;
  const folded = isOutput ? network.output : TAIL_INPUT;
  const nodes = [
    {
      op_type: 'Gather',
      name: 'lesion.gather-activations',
      input: [LESION_INPUT, LESION_INDEX],
      output: ['lesion.gathered'],
      attribute: [{ name: 'axis', type: 2, i: 1 }],
    },
    ...(zero !== 0
      ? [{ op_type: 'Sub', name: 'lesion.shift', input: ['lesion.gathered', 'lesion.zero'], output: ['lesion.shifted'], attribute: [] }]
      : []),
    {
      op_type: 'Transpose',
      name: 'lesion.transpose',
      input: [zero !== 0 ? 'lesion.shifted' : 'lesion.gathered'],
      output: ['lesion.by-lesion'],
      attribute: [{ name: 'perm', type: 7, ints: [1, 0, 2] }],
    },
    {
      op_type: 'Gather',
      name: 'lesion.gather-weights',
      input: ['lesion.weights', LESION_INDEX],
      output: ['lesion.rows'],
      attribute: [{ name: 'axis', type: 2, i: 0 }],
    },
    { op_type: 'MatMul', name: 'lesion.matmul', input: ['lesion.by-lesion', 'lesion.rows'], output: ['lesion.delta'], attribute: [] },
    { op_type: 'Sub', name: 'lesion.sub', input: [LESION_NEXT, 'lesion.delta'], output: ['lesion.next'], attribute: [] },
    { op_type: 'Reshape', name: 'lesion.fold', input: ['lesion.next', 'lesion.fold-shape'], output: [folded], attribute: [] },
  ];
  const constants = [
    float32Tensor('lesion.weights', dense.kernelShape, dense.kernel),
    float32Tensor('lesion.zero', [], Float32Array.of(zero)),
    int64Tensor('lesion.fold-shape', [-1, outputs]),
  ];
  const index: ValueInfoProto = {
    name: LESION_INDEX,
    type: { tensor_type: { elem_type: DataType.INT64, shape: { dim: [{ dim_param: 'lesions' }, { dim_param: 'size' }] } } },
  };
  const inputs = [floatValueInfo(LESION_INPUT, [layer.units]), floatValueInfo(LESION_NEXT, [outputs]), index];
  let model: ModelProto;
  if (tail) {
    const bound = buildOnnxModel(tail);
    const graph = bound.model.graph!;
    model = {
      ...bound.model,
      graph: { ...graph, node: [...nodes, ...graph.node], initializer: [...constants, ...graph.initializer], input: inputs },
    };
  } else {
    const bound = buildOnnxModel({ ...network, layers: [network.layers[0]!], output: network.layers[0]!.id });
    model = {
      ...bound.model,
      graph: {
        ...bound.model.graph!,
        node: nodes,
        initializer: constants,
        input: inputs,
        output: [floatValueInfo(network.output, [outputs])],
      },
    };
  }
  return { model, outputName: network.output, activationLayer, nextLayer: dense.id, units: layer.units, nextUnits: outputs };
}
