import { InvalidArgumentError, ShapeMismatchError } from '@modscope/core';

/** Arrays `writeIdx` can store: uint8 (type 0x08), int32 (0x0c) and float32 (0x0d). */
export type WritableIdxData = Uint8Array | Int32Array | Float32Array;

/** Encodes an array as an uncompressed IDX file (big-endian); gzip it with `zlib.gzipSync` if wanted. */
export function writeIdx(array: WritableIdxData, shape: readonly number[]): Uint8Array {
  if (shape.length < 1 || shape.length > 255 || shape.some((d) => !Number.isInteger(d) || d < 0 || d > 0xffffffff)) {
    throw new InvalidArgumentError({
      argument: 'shape',
      message: `@modscope/datasets: IDX shape [${shape.join(', ')}] must have 1 to 255 non-negative integer dimensions.`,
    });
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== array.length) {
    throw new ShapeMismatchError({
      what: 'the array written to IDX',
      expected: `${count} values for shape [${shape.join(', ')}]`,
      actual: `${array.length} values`,
    });
  }
  const [code, size] = array instanceof Uint8Array ? [0x08, 1] : array instanceof Int32Array ? [0x0c, 4] : [0x0d, 4];
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + count * size);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = shape.length;
  for (const [i, d] of shape.entries()) view.setUint32(4 + 4 * i, d, false);
  if (array instanceof Uint8Array) out.set(array, header);
  else if (array instanceof Int32Array) for (let i = 0; i < array.length; i++) view.setInt32(header + 4 * i, array[i]!, false);
  else for (let i = 0; i < array.length; i++) view.setFloat32(header + 4 * i, array[i]!, false);
  return out;
}
