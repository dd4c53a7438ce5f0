import { CorruptFileError, InvalidArgumentError } from '@modscope/core';
import { plainBytes, readSource, type PathOrBytes } from './read-source.js';

/** NPY element types this reader understands (numpy `descr` without the byte-order character). */
export type NpyDtype = 'f4' | 'f8' | 'i4' | 'i8' | 'u1' | 'i1' | 'u2' | 'i2' | 'b1';

export type NpyData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Uint16Array | Int16Array;

/** An array read from an NPY file, C (row-major) order. */
export interface NpyArray {
  /** The dtype stored in the file (`i8` even when converted to Int32Array). */
  dtype: NpyDtype;
  shape: number[];
  data: NpyData;
}

export interface ReadNpyOptions {
  /**
   * (`'int32' | 'bigint'`, default `'int32'`) — how to return `<i8` data: converted to an Int32Array
   * (an `InvalidArgumentError` when a value does not fit) or as a BigInt64Array.
   */
  int64?: 'int32' | 'bigint';
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const sizes: Record<NpyDtype, number> = { f4: 4, f8: 8, i4: 4, i8: 8, u1: 1, i1: 1, u2: 2, i2: 2, b1: 1 };

/**
 * Reads a NumPy `.npy` file (format versions 1, 2 and 3), little-endian, C order. Supported dtypes:
 * `<f4 <f8 <i4 <i8 |u1 |i1 <u2 <i2 |b1` (booleans come back as a Uint8Array of 0/1). A malformed header,
 * a Fortran-order array or data of the wrong length is a `CorruptFileError` / `InvalidArgumentError`
 * that says how to re-save the array.
 */
export async function readNpy(pathOrBytes: PathOrBytes, options: ReadNpyOptions = {}): Promise<NpyArray> {
  const { bytes, name } = await readSource(pathOrBytes, 'NPY file');
  return parseNpy(bytes, { ...options, name });
}

/** Parses the bytes of an NPY file. */
export function parseNpy(input: Uint8Array, options: ReadNpyOptions & { name?: string } = {}): NpyArray {
  const bytes = plainBytes(input);
  const name = options.name ?? `<${bytes.byteLength} bytes>`;
  const corrupt = (reason: string, hint?: string) => new CorruptFileError({ path: name, format: 'NPY', reason, ...(hint ? { hint } : {}) });
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw corrupt('missing the \\x93NUMPY magic string', 'Save the array with numpy.save (an .npz archive must be unzipped first).');
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw corrupt('truncated before the header length');
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw corrupt(`unknown format version ${major}.${bytes[7]} (known: 1, 2, 3)`);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) {
    throw corrupt(`truncated header: it declares ${headerLength} bytes, file has ${bytes.length - headerStart}`);
  }
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const { descr, fortran, shape } = parseHeader(header, corrupt);

  const order = descr[0]!;
  const dtype = descr.slice(1) as NpyDtype;
  if (!(dtype in sizes) || !['<', '|', '='].includes(order) || (order === '|' && sizes[dtype] !== 1)) {
    if (order === '>' && dtype in sizes) {
      throw new InvalidArgumentError({
        argument: 'pathOrBytes',
        message: `@modscope/datasets: ${name} holds big-endian data ('${descr}').`,
        hint: `Re-save it little-endian: numpy.save(path, a.astype('<${dtype}')).`,
      });
    }
    throw new InvalidArgumentError({
      argument: 'pathOrBytes',
      message: `@modscope/datasets: ${name} has dtype '${descr}', which is not supported.`,
      hint: "Supported: <f4 <f8 <i4 <i8 |u1 |i1 <u2 <i2 |b1; convert with a.astype('<f4') before saving.",
    });
  }
  if (fortran) {
    throw new InvalidArgumentError({
      argument: 'pathOrBytes',
      message: `@modscope/datasets: ${name} is stored in Fortran (column-major) order, which is not supported.`,
      hint: 'Re-save it in C order: numpy.save(path, numpy.ascontiguousarray(a)).',
    });
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * sizes[dtype];
  const actual = bytes.length - dataStart;
  if (expected !== actual) {
    throw corrupt(
      `${actual < expected ? 'truncated' : 'trailing data'}: header declares shape (${shape.join(', ')}) of '${descr}' = ${expected} bytes, file has ${actual}`,
    );
  }
  // Copy into a fresh buffer: the data offset need not be aligned for the element size.
  const buffer = bytes.slice(dataStart).buffer;
  return { dtype, shape, data: typed(dtype, buffer, count, options.int64 ?? 'int32', name) };
}

function parseHeader(header: string, corrupt: (reason: string) => Error): { descr: string; fortran: boolean; shape: number[] } {
  const text = header.trim();
  if (!text.startsWith('{') || !text.endsWith('}'))
    throw corrupt(`header is not a Python dict literal: ${JSON.stringify(text.slice(0, 80))}`);
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]+)['"]/.exec(text)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined) throw corrupt("header has no 'descr' entry (structured dtypes are not supported)");
  if (fortran === undefined) throw corrupt("header has no 'fortran_order' entry");
  if (shapeText === undefined) throw corrupt("header has no 'shape' tuple");
  const parts = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const shape = parts.map((p) => (/^\d+L?$/.test(p) ? Number.parseInt(p, 10) : Number.NaN));
  if (shape.some((d) => !Number.isSafeInteger(d))) throw corrupt(`shape (${shapeText}) is not a tuple of non-negative integers`);
  return { descr, fortran: fortran === 'True', shape };
}

function typed(dtype: NpyDtype, buffer: ArrayBuffer, count: number, int64: 'int32' | 'bigint', name: string): NpyData {
  switch (dtype) {
    case 'f4':
      return new Float32Array(buffer);
    case 'f8':
      return new Float64Array(buffer);
    case 'i4':
      return new Int32Array(buffer);
    case 'u1':
    case 'b1':
      return new Uint8Array(buffer);
    case 'i1':
      return new Int8Array(buffer);
    case 'u2':
      return new Uint16Array(buffer);
    case 'i2':
      return new Int16Array(buffer);
    case 'i8': {
      const big = new BigInt64Array(buffer);
      if (int64 === 'bigint') return big;
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const v = big[i]!;
        if (v > 2147483647n || v < -2147483648n) {
          throw new InvalidArgumentError({
            argument: 'int64',
            message: `@modscope/datasets: ${name}: int64 value ${v} at index ${i} does not fit in int32.`,
            hint: "Read it with { int64: 'bigint' }, or save it as int32.",
          });
        }
        out[i] = Number(v);
      }
      return out;
    }
  }
}
