import type { Random } from '@modscope/core';
import { decodeOnnxModel, encodeOnnxModel } from '@modscope/loader-onnx';
import { byteMutation, HOSTILE_SIZES, pick } from './random-values.js';

// The fields of a decoded ModelProto that the mutations touch (pbf's readers fill every field).
interface Tensor {
  name: string;
  dims: number[];
  data_type: number;
  raw_data?: Uint8Array;
  float_data: number[];
  data_location: number;
}
interface Attribute {
  name: string;
  type: number;
  f: number;
  i: number;
  ints: number[];
}
interface Node {
  input: string[];
  output: string[];
  name: string;
  op_type: string;
  attribute: Attribute[];
}
interface ValueInfo {
  name: string;
  type?: { tensor_type?: { elem_type: number; shape?: { dim: { dim_value: number; dim_param: string }[] } } };
}
interface Model {
  graph?: { node: Node[]; initializer: Tensor[]; input: ValueInfo[]; output: ValueInfo[] };
  opset_import: { domain: string; version: number }[];
}

/** A copy of the model in `bytes` to mutate (decoded afresh, so mutations never leak between cases). */
function modelOf(bytes: Uint8Array): Model {
  return decodeOnnxModel(bytes) as unknown as Model;
}

/** The float32 initializers with raw data (the weights), by index into `initializer`. */
function weightIndices(model: Model): number[] {
  return model.graph!.initializer.flatMap((t, i) => (t.data_type === 1 && (t.raw_data?.length ?? 0) >= 4 ? [i] : []));
}

type Structural = (random: Random, model: Model) => string;

const STRUCTURAL: Structural[] = [
  (random, model) => {
    const t = pick(random, model.graph!.initializer);
    if (t.dims.length === 0 || random.int(4) === 0) {
      t.dims.push(pick(random, HOSTILE_SIZES));
      return `initializer '${t.name}': extra dim`;
    }
    const axis = random.int(t.dims.length);
    const value = random.int(3) === 0 ? t.dims[axis]! + pick(random, [-1, 1]) : pick(random, HOSTILE_SIZES);
    t.dims[axis] = value;
    return `initializer '${t.name}': dims[${axis}] = ${value}`;
  },
  (random, model) => {
    const t = pick(random, model.graph!.initializer);
    t.data_type = pick(random, [0, 2, 6, 7, 8, 10, 11, 999]);
    return `initializer '${t.name}': data_type ${t.data_type}`;
  },
  (random, model) => {
    const t = model.graph!.initializer[pick(random, weightIndices(model))]!;
    const raw = t.raw_data!;
    const how = random.int(3);
    t.raw_data = how === 0 ? new Uint8Array(0) : how === 1 ? raw.slice(0, raw.length >> 1) : Uint8Array.from([...raw, 0, 0, 0, 0]);
    return `initializer '${t.name}': raw data ${['emptied', 'halved', 'one float longer'][how]}`;
  },
  (random, model) => {
    const t = model.graph!.initializer[pick(random, weightIndices(model))]!;
    const raw = t.raw_data!.slice();
    const value = pick(random, [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    const at = random.int(raw.length >> 2);
    new DataView(raw.buffer).setFloat32(at * 4, value, true);
    t.raw_data = raw;
    return `initializer '${t.name}': element ${at} = ${value}`;
  },
  (random, model) => {
    const how = random.int(4);
    if (how === 0) model.opset_import = [];
    else if (how === 1) model.opset_import = [{ domain: 'com.example', version: 1 }];
    else model.opset_import = [{ domain: '', version: pick(random, [0, 1, 5, 999, -3]) }];
    return `opset_import ${JSON.stringify(model.opset_import)}`;
  },
  (random, model) => {
    const inits = model.graph!.initializer;
    const [a, b] = [pick(random, inits), pick(random, inits)];
    if (random.int(2) === 0 || a === b) {
      inits.push({ ...a, dims: [...a.dims] });
      return `initializer '${a.name}' twice`;
    }
    const old = b.name;
    b.name = a.name;
    return `initializer '${old}' renamed to '${a.name}'`;
  },
  (random, model) => {
    const input = model.graph!.input[0]!;
    const tensor = input.type?.tensor_type;
    if (!tensor) return 'graph input without a type';
    if (random.int(2) === 0) {
      tensor.elem_type = pick(random, [0, 6, 7, 8, 11, 16]);
      return `graph input '${input.name}': elem_type ${tensor.elem_type}`;
    }
    const dims = tensor.shape?.dim ?? [];
    if (dims.length === 0 || random.int(4) === 0) {
      if (tensor.shape) tensor.shape.dim = dims.slice(0, random.int(dims.length + 1));
      return `graph input '${input.name}': rank ${tensor.shape?.dim.length ?? 0}`;
    }
    const axis = random.int(dims.length);
    const value = pick(random, HOSTILE_SIZES);
    dims[axis] = { dim_value: value, dim_param: '' };
    return `graph input '${input.name}': dim ${axis} = ${value}`;
  },
  (random, model) => {
    const node = pick(random, model.graph!.node);
    const how = random.int(5);
    if (how === 0) {
      const old = node.op_type;
      node.op_type = pick(random, ['Foo', 'Conv', 'Gemm', 'MatMul', 'Relu', 'Softmax', 'Reshape', 'Add', '']);
      return `node '${node.name}': op ${old} → '${node.op_type}'`;
    }
    if (how === 1 && node.input.length > 0) {
      node.input.splice(random.int(node.input.length), 1);
      return `node '${node.name}': an input removed`;
    }
    if (how === 2 && node.input.length > 0) {
      node.input[random.int(node.input.length)] = 'no-such-tensor';
      return `node '${node.name}': an input renamed to a missing tensor`;
    }
    if (how === 3 && node.input.length > 1) {
      node.input.reverse();
      return `node '${node.name}': inputs reversed`;
    }
    const nodes = model.graph!.node;
    const at = nodes.indexOf(node);
    if (random.int(2) === 0) {
      nodes.splice(at, 1);
      return `node '${node.name}' removed`;
    }
    nodes.splice(at, 0, { ...node, input: [...node.input], output: [...node.output] });
    return `node '${node.name}' twice`;
  },
  (random, model) => {
    const withAttributes = model.graph!.node.filter((n) => n.attribute.length > 0);
    if (withAttributes.length === 0) return 'no attributes to change';
    const node = pick(random, withAttributes);
    const a = pick(random, node.attribute);
    if (a.ints.length > 0) {
      a.ints = random.int(2) === 0 ? [] : a.ints.map(() => pick(random, HOSTILE_SIZES));
      return `node '${node.name}': attribute ${a.name} = [${a.ints}]`;
    }
    a.i = pick(random, HOSTILE_SIZES);
    a.f = pick(random, [Number.NaN, -1, 0, 1e30]);
    return `node '${node.name}': attribute ${a.name} = ${a.type === 1 ? a.f : a.i}`;
  },
  (random, model) => {
    const outputs = model.graph!.output;
    if (random.int(2) === 0) {
      model.graph!.output = [];
      return 'no graph outputs';
    }
    outputs[0]!.name = 'no-such-output';
    return 'graph output renamed to a missing tensor';
  },
  (random, model) => {
    const t = pick(random, model.graph!.initializer);
    t.data_location = 1;
    return `initializer '${t.name}': external data`;
  },
];

/**
 * A mutated copy of an ONNX file: most often a structural mutation (dims, types, data, NaN weights,
 * opsets, duplicate names, graph inputs, nodes, attributes, outputs, external data) re-encoded with the
 * loader's own encoder, else a byte-level one. Returns the bytes and what was done.
 */
export function mutateOnnx(random: Random, file: string, bytes: Uint8Array): { name: string; bytes: Uint8Array } {
  if (random.int(4) === 0) {
    const m = byteMutation(random, bytes);
    return { name: `${file}: ${m.name}`, bytes: m.bytes };
  }
  const model = modelOf(bytes);
  const name = pick(random, STRUCTURAL)(random, model);
  return { name: `${file}: ${name}`, bytes: encodeOnnxModel(model as unknown as Parameters<typeof encodeOnnxModel>[0]) };
}
