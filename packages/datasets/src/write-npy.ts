import { InvalidArgumentError, ShapeMismatchError } from '@modscope/core';

/** Arrays `writeNpy` can store: float32 (`<f4`), int32 (`<i4`) and uint8 (`|u1`). */
export type WritableNpyData = Float32Array | Int32Array | Uint8Array;

/**
 * Encodes an array as a NumPy `.npy` file (format 1.0, or 2.0 for a header over 64 KiB), C order,
 * header padded so the data starts on a 64-byte boundary. Write the bytes with `fs.writeFileSync`.
 */
export function writeNpy(array: WritableNpyData, shape: readonly number[]): Uint8Array {
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new InvalidArgumentError({
      argument: 'shape',
      message: `@modscope/datasets: shape [${shape.join(', ')}] must hold non-negative integers.`,
    });
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== array.length) {
    throw new ShapeMismatchError({
      what: 'the array written to NPY',
      expected: `${count} values for shape [${shape.join(', ')}]`,
      actual: `${array.length} values`,
    });
  }
  const descr =
    array instanceof Float32Array ? '<f4' : array instanceof Int32Array ? '<i4' : array instanceof Uint8Array ? '|u1' : undefined;
  if (!descr) {
    throw new InvalidArgumentError({
      argument: 'array',
      message: '@modscope/datasets: writeNpy stores Float32Array, Int32Array or Uint8Array.',
    });
  }
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${tuple}, }`;
  const v1 = Math.ceil((10 + dict.length + 1) / 64) * 64 - 10 <= 0xffff;
  const prefix = v1 ? 10 : 12;
  const padded = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const headerLength = padded - prefix;
  const header = dict.padEnd(headerLength - 1, ' ') + '\n';
  const out = new Uint8Array(padded + array.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, v1 ? 1 : 2, 0]);
  const view = new DataView(out.buffer);
  if (v1) view.setUint16(8, headerLength, true);
  else view.setUint32(8, headerLength, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), padded);
  return out;
}
