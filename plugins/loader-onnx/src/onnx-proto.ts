import protobuf from 'protobufjs/light.js';
import { onnxSchema } from './schema/onnx-schema.js';

/** protobufjs decodes int64 fields as `Long` objects (or numbers); both convert with `Number(...)`. */
export type Int64 = number | { toNumber(): number };

interface TensorShapeDimension {
  dim_value?: Int64 | null;
  dim_param?: string | null;
}

export interface ValueInfoProto {
  name: string;
  type?: {
    tensor_type?: { elem_type?: number; shape?: { dim: TensorShapeDimension[] } | null } | null;
  } | null;
}

export interface TensorProto {
  name?: string;
  dims: Int64[];
  data_type?: number;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: Int64[];
  double_data?: number[];
  raw_data?: Uint8Array | null;
  data_location?: number;
}

export interface AttributeProto {
  name: string;
  type?: number;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: TensorProto | null;
  floats?: number[];
  ints?: Int64[];
}

export interface NodeProto {
  input: string[];
  output: string[];
  name?: string;
  op_type: string;
  domain?: string;
  attribute: AttributeProto[];
}

export interface GraphProto {
  node: NodeProto[];
  name?: string;
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  value_info: ValueInfoProto[];
}

interface OperatorSetIdProto {
  domain?: string;
  version: Int64;
}

export interface ModelProto {
  ir_version?: Int64;
  producer_name?: string;
  producer_version?: string;
  graph?: GraphProto | null;
  opset_import: OperatorSetIdProto[];
}

/** ONNX `TensorProto.DataType` values used here. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, DOUBLE: 11 } as const;

/** ONNX `AttributeProto.AttributeType` values used here. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

const root = protobuf.Root.fromJSON(onnxSchema);

/** The protobufjs message type of `onnx.ModelProto`. */
export const modelProtoType = root.lookupType('onnx.ModelProto');

export function toNumber(value: Int64 | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}
