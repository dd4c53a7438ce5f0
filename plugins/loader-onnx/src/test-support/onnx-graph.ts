// Builds small ONNX models by hand for tests, through the same protobuf encoder and decoder the loader uses.
import { createRandom, inputSize } from '@modscope/core';
import { referenceForward } from '@modscope/core/testing';
import { expect } from 'vitest';
import { decodeOnnxModel, encodeOnnxModel } from '../decode-onnx-model.js';
import { evaluatorForBoundModel } from '../onnx-evaluator.js';
import { AttributeType, DataType, type AttributeProto, type ModelProto, type NodeProto, type TensorProto } from '../onnx-proto.js';
import { onnxToNetwork } from '../onnx-to-network.js';
import { float32Tensor, int64Tensor } from '../tensor-data.js';

type AttrValue = number | string | number[] | { floats: number[] } | { int: number };

interface TestNode {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  attrs?: Record<string, AttrValue>;
  domain?: string;
}

export interface TestModel {
  opset?: number;
  /** The model input; `batch` is a number for a fixed batch or omitted for a dynamic one. */
  input: { name: string; shape: number[]; batch?: number };
  output: string;
  nodes: TestNode[];
  initializers?: TensorProto[];
  /** List initializers among the graph inputs, as older exporters did. */
  initializersAsInputs?: boolean;
}

function attribute(name: string, value: AttrValue): AttributeProto {
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  if (typeof value === 'object' && 'floats' in value) return { name, type: AttributeType.FLOATS, floats: value.floats };
  if (typeof value === 'object') return { name, type: AttributeType.INT, i: value.int };
  return Number.isInteger(value) ? { name, type: AttributeType.INT, i: value } : { name, type: AttributeType.FLOAT, f: value };
}

export function testModel(spec: TestModel): ModelProto {
  const initializers = spec.initializers ?? [];
  const valueInfo = (name: string, dims: { dim_value?: number; dim_param?: string }[]) => ({
    name,
    type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: dims } } },
  });
  const input = valueInfo(spec.input.name, [
    spec.input.batch ? { dim_value: spec.input.batch } : { dim_param: 'N' },
    ...spec.input.shape.map((d) => ({ dim_value: d })),
  ]);
  const nodes: NodeProto[] = spec.nodes.map((n) => ({
    op_type: n.op,
    input: n.inputs,
    output: n.outputs,
    ...(n.name ? { name: n.name } : {}),
    ...(n.domain ? { domain: n.domain } : {}),
    attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)),
  }));
  return {
    ir_version: (spec.opset ?? 13) <= 11 ? 6 : 7,
    producer_name: 'modscope-tests',
    opset_import: [{ domain: '', version: spec.opset ?? 13 }],
    graph: {
      name: 'test',
      node: nodes,
      initializer: initializers,
      input: [
        input,
        ...(spec.initializersAsInputs
          ? initializers.map((t) =>
              valueInfo(
                t.name!,
                t.dims.map((d) => ({ dim_value: Number(d) })),
              ),
            )
          : []),
      ],
      output: [{ name: spec.output, type: { tensor_type: { elem_type: DataType.FLOAT } } }],
      value_info: [],
    },
  };
}

export const testModelBytes = (spec: TestModel) => encodeOnnxModel(testModel(spec));

/** Seeded float32 initializer. */
export function randomTensor(name: string, dims: number[], seed: number, scale = 0.5, offset = 0): TensorProto {
  const rng = createRandom(seed);
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1)).map(() => offset + rng.normal() * scale);
  return float32Tensor(name, dims, data);
}

/** The same tensor stored in `float_data` instead of `raw_data`. */
export function asFloatData(tensor: TensorProto): TensorProto {
  const values = new Float32Array(Uint8Array.from(tensor.raw_data!).buffer);
  return { name: tensor.name!, dims: tensor.dims, data_type: DataType.FLOAT, float_data: Array.from(values) };
}

export { int64Tensor, float32Tensor };

/** Loads model bytes and checks onnxruntime and the reference forward pass on the network agree. */
export async function expectEngineMatchesRepresentation(bytes: Uint8Array, count = 5, batchSize?: number) {
  const bound = onnxToNetwork(decodeOnnxModel(bytes));
  const evaluator = evaluatorForBoundModel(bound);
  try {
    const rng = createRandom(3);
    const inputs = new Float32Array(count * inputSize(bound.network)).map(() => rng.normal());
    const got = await evaluator.run({ inputs, count, ...(batchSize ? { batchSize } : {}) });
    const want = referenceForward(bound.network, { inputs, count });
    const diff = Math.max(...got.logits.map((v, i) => Math.abs(v - want.logits[i]!)));
    expect(diff).toBeLessThan(1e-4);
    return { network: bound.network, logits: got.logits };
  } finally {
    await evaluator.dispose();
  }
}
