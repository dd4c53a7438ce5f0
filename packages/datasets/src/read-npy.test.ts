import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorruptFileError, InvalidArgumentError, MissingFileError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { readNpy } from './read-npy.js';

/** Builds an NPY file the way numpy does: magic, version, little-endian header length, dict, data. */
function npy(dict: string, data: Uint8Array, major = 1): Uint8Array {
  const prefix = major === 1 ? 10 : 12;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const header = dict.padEnd(total - prefix - 1, ' ') + '\n';
  const out = new Uint8Array(total + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), prefix);
  out.set(data, total);
  return out;
}
const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe('readNpy', () => {
  it('reads every supported dtype', async () => {
    const cases: [string, ArrayBufferView & ArrayLike<number | bigint>][] = [
      ['<f4', Float32Array.from([1.5, -2])],
      ['<f8', Float64Array.from([Math.PI, -1e300])],
      ['<i4', Int32Array.from([-7, 2147483647])],
      ['|u1', Uint8Array.from([0, 255])],
      ['|i1', Int8Array.from([-128, 127])],
      ['<u2', Uint16Array.from([65535, 1])],
      ['<i2', Int16Array.from([-32768, 5])],
      ['|b1', Uint8Array.from([1, 0])],
    ];
    for (const [descr, data] of cases) {
      const a = await readNpy(npy(`{'descr': '${descr}', 'fortran_order': False, 'shape': (2,), }`, bytesOf(data)));
      expect(a.dtype).toBe(descr.slice(1));
      expect(a.shape).toEqual([2]);
      expect(Array.from(a.data as ArrayLike<number>)).toEqual(Array.from(data as ArrayLike<number>));
    }
  });

  it('reads int64 as int32 with a range check, or as BigInt64Array', async () => {
    const small = npy("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", bytesOf(BigInt64Array.from([1n, -2n, 3n])));
    const a = await readNpy(small);
    expect(a.data).toBeInstanceOf(Int32Array);
    expect([...a.data]).toEqual([1, -2, 3]);
    expect((await readNpy(small, { int64: 'bigint' })).data).toEqual(BigInt64Array.from([1n, -2n, 3n]));
    const big = npy("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", bytesOf(BigInt64Array.from([1n << 40n])));
    await expect(readNpy(big)).rejects.toThrow(/does not fit in int32/);
    expect((await readNpy(big, { int64: 'bigint' })).data[0]).toBe(1n << 40n);
  });

  it('reads format versions 2 and 3, multi-dimensional and scalar shapes', async () => {
    const data = bytesOf(Float32Array.from([1, 2, 3, 4, 5, 6]));
    for (const major of [2, 3]) {
      const a = await readNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", data, major));
      expect(a.shape).toEqual([2, 3]);
      expect([...a.data]).toEqual([1, 2, 3, 4, 5, 6]);
    }
    const scalar = await readNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", bytesOf(Float64Array.from([7]))));
    expect(scalar.shape).toEqual([]);
    expect([...scalar.data]).toEqual([7]);
  });

  it('reads from a path', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'modscope-npy-')), 'a.npy');
    writeFileSync(path, npy("{'descr': '<i4', 'fortran_order': False, 'shape': (1, 1), }", bytesOf(Int32Array.from([42]))));
    expect([...(await readNpy(path)).data]).toEqual([42]);
    await expect(readNpy(`${path}.missing`)).rejects.toThrow(MissingFileError);
  });

  it('rejects malformed headers and wrong data lengths', async () => {
    const f4 = bytesOf(Float32Array.from([1, 2]));
    await expect(readNpy(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]))).rejects.toThrow(/magic string/);
    await expect(readNpy(npy("{'fortran_order': False, 'shape': (2,), }", f4))).rejects.toThrow(/no 'descr'/);
    await expect(readNpy(npy("{'descr': '<f4', 'fortran_order': False, }", f4))).rejects.toThrow(/no 'shape'/);
    await expect(readNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (a,), }", f4))).rejects.toThrow(CorruptFileError);
    await expect(readNpy(npy("'descr': '<f4'", f4))).rejects.toThrow(/not a Python dict/);
    await expect(readNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", f4))).rejects.toThrow(
      /truncated: header declares shape \(3\) of '<f4' = 12 bytes, file has 8/,
    );
    const cut = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", f4).slice(0, 40);
    await expect(readNpy(cut)).rejects.toThrow(/truncated header/);
    const v9 = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", f4);
    v9[6] = 9;
    await expect(readNpy(v9)).rejects.toThrow(/unknown format version 9/);
  });

  it('refuses Fortran order, big-endian and unsupported dtypes with a fix', async () => {
    const f4 = bytesOf(Float32Array.from([1, 2, 3, 4]));
    const fortran = readNpy(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", f4));
    await expect(fortran).rejects.toThrow(InvalidArgumentError);
    await expect(readNpy(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", f4))).rejects.toThrow(/ascontiguousarray/);
    await expect(readNpy(npy("{'descr': '>f4', 'fortran_order': False, 'shape': (4,), }", f4))).rejects.toThrow(/big-endian/);
    await expect(readNpy(npy("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", f4))).rejects.toThrow(
      /'<c8', which is not supported/,
    );
  });
});
