import { DataType, type NodeProto, type TensorProto } from './onnx-proto.js';

/** The value of a `Constant` node as a tensor, or undefined when it holds none modscope reads (a sparse value, a string). */
export function constantValue(node: NodeProto): TensorProto | undefined {
  for (const a of node.attribute) {
    if (a.name === 'value' && a.t) return a.t;
    if (a.name === 'value_float') return { dims: [], data_type: DataType.FLOAT, float_data: [a.f ?? 0] };
    if (a.name === 'value_floats') return { dims: [a.floats?.length ?? 0], data_type: DataType.FLOAT, float_data: a.floats ?? [] };
    if (a.name === 'value_int') return { dims: [], data_type: DataType.INT64, int64_data: [a.i ?? 0] };
    if (a.name === 'value_ints') return { dims: [a.ints?.length ?? 0], data_type: DataType.INT64, int64_data: a.ints ?? [] };
  }
  return undefined;
}
