import { InvalidArgumentError } from '@modscope/core';
import { DataType, dataTypeName, toNumber, type TensorProto } from './onnx-proto.js';

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function rawCopy(raw: Uint8Array): ArrayBuffer {
  if (!littleEndian) {
    throw new InvalidArgumentError({
      argument: 'tensor',
      message: '@modscope/loader-onnx: raw tensor data is little-endian and this machine is big-endian.',
      hint: 'Run modscope on a little-endian machine (x86-64, arm64).',
    });
  }
  // A fresh, aligned copy: the decoder hands out views into the file's bytes, at any offset.
  const copy = new Uint8Array(raw.length);
  copy.set(raw);
  return copy.buffer;
}

export function tensorDims(tensor: TensorProto): number[] {
  return tensor.dims.map((d) => toNumber(d));
}

/** A tensor's values as float32, from `raw_data` (little-endian) or the typed repeated fields. */
export function tensorToFloat32(tensor: TensorProto): Float32Array {
  const raw = tensor.raw_data && tensor.raw_data.length > 0 ? tensor.raw_data : null;
  switch (tensor.data_type) {
    case DataType.FLOAT:
      return raw ? new Float32Array(rawCopy(raw)) : Float32Array.from(tensor.float_data ?? []);
    case DataType.DOUBLE:
      return Float32Array.from(raw ? new Float64Array(rawCopy(raw)) : (tensor.double_data ?? []));
    case DataType.INT64:
      return Float32Array.from(tensorToNumbers(tensor));
    case DataType.INT32:
      return Float32Array.from(raw ? new Int32Array(rawCopy(raw)) : (tensor.int32_data ?? []));
    default:
      throw new InvalidArgumentError({
        argument: 'tensor',
        message: `@modscope/loader-onnx: tensor '${tensor.name ?? ''}' has data type ${dataTypeName(tensor.data_type)}, not a number type modscope reads.`,
        hint: 'Export the model with float32 weights.',
      });
  }
}

/** An integer tensor's values (int64 shapes of `Reshape`, say) as numbers. */
export function tensorToNumbers(tensor: TensorProto): number[] {
  const raw = tensor.raw_data && tensor.raw_data.length > 0 ? tensor.raw_data : null;
  if (tensor.data_type === DataType.INT64) {
    return raw ? Array.from(new BigInt64Array(rawCopy(raw)), Number) : (tensor.int64_data ?? []).map((v) => toNumber(v));
  }
  if (tensor.data_type === DataType.INT32) return Array.from(raw ? new Int32Array(rawCopy(raw)) : (tensor.int32_data ?? []));
  return Array.from(tensorToFloat32(tensor));
}

/** A float32 initializer stored as little-endian `raw_data`. */
export function float32Tensor(name: string, dims: readonly number[], data: Float32Array): TensorProto {
  return {
    name,
    dims: [...dims],
    data_type: DataType.FLOAT,
    raw_data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice(),
  };
}

/** An int64 initializer (shapes, axes). */
export function int64Tensor(name: string, values: readonly number[]): TensorProto {
  return { name, dims: [values.length], data_type: DataType.INT64, raw_data: new Uint8Array(BigInt64Array.from(values, BigInt).buffer) };
}
