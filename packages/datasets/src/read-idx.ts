import { CorruptFileError } from '@modscope/core';
import { gunzipIfNeeded, plainBytes, readSource, type PathOrBytes } from './read-source.js';

/** Element types of the IDX format, by their type code. */
export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** An n-dimensional array read from an IDX file, in native typed-array form, row-major. */
export interface IdxArray {
  dtype: IdxDtype;
  shape: number[];
  data: IdxData;
}

const types: Record<number, { dtype: IdxDtype; size: number }> = {
  8: { dtype: 'uint8', size: 1 },
  9: { dtype: 'int8', size: 1 },
  11: { dtype: 'int16', size: 2 },
  12: { dtype: 'int32', size: 4 },
  13: { dtype: 'float32', size: 4 },
  14: { dtype: 'float64', size: 8 },
};

const hex = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;

/**
 * Reads an IDX file (the format of MNIST and Fashion-MNIST), gzipped or raw: gzip is detected by its
 * magic bytes, not by the file name. The header (magic, type code, rank, dimensions) is validated and
 * the data must be exactly as long as the dimensions declare; anything else is a `CorruptFileError`.
 * A missing file is a `MissingFileError`.
 */
export async function readIdx(pathOrBytes: PathOrBytes): Promise<IdxArray> {
  const { bytes, name } = await readSource(pathOrBytes, 'IDX file');
  return parseIdx(await gunzipIfNeeded(bytes, name, 'IDX'), name);
}

/** Parses the bytes of an uncompressed IDX file. `name` is used in error messages. */
export function parseIdx(input: Uint8Array, name = `<${input.byteLength} bytes>`): IdxArray {
  const bytes = plainBytes(input);
  const corrupt = (reason: string, hint?: string) => new CorruptFileError({ path: name, format: 'IDX', reason, ...(hint ? { hint } : {}) });
  if (bytes.length < 4) throw corrupt(`only ${bytes.length} bytes, shorter than the 4-byte magic number`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw corrupt(
      `magic number starts with ${hex(bytes[0]!)} ${hex(bytes[1]!)}, expected 0x00 0x00`,
      'Pass an IDX file such as train-images-idx3-ubyte(.gz); gzip files are decompressed automatically.',
    );
  }
  const type = types[bytes[2]!];
  if (!type) throw corrupt(`unknown type code ${hex(bytes[2]!)} (known: 0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e)`);
  const rank = bytes[3]!;
  if (rank === 0) throw corrupt('rank 0 (no dimensions)');
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw corrupt(`truncated header: rank ${rank} needs ${headerBytes} header bytes, file has ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * type.size;
  const actual = bytes.length - headerBytes;
  if (expected !== actual) {
    const declared = `${shape.join('×')}${type.size > 1 ? ` ${type.dtype} values of ${type.size} bytes` : ''} = ${expected} bytes`;
    const problem = actual < expected ? 'truncated' : 'trailing data';
    throw corrupt(`${problem}: header declares ${declared}, file has ${actual} after the ${headerBytes}-byte header`);
  }
  return { dtype: type.dtype, shape, data: decode(type.dtype, bytes.subarray(headerBytes), count) };
}

/** IDX data is big-endian; converts it to native typed arrays (copying, so the result owns its buffer). */
function decode(dtype: IdxDtype, raw: Uint8Array, count: number): IdxData {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  switch (dtype) {
    case 'uint8':
      return raw.slice();
    case 'int8':
      return new Int8Array(raw.slice().buffer);
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, false);
      return out;
    }
  }
}
