import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CorruptFileError, MissingFileError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { readIdx } from './read-idx.js';
import { writeIdx } from './write-idx.js';

// A 2×3 unsigned-byte matrix, written by hand: magic 00 00 08 02, dims 2 and 3 (big-endian), 6 bytes.
const tiny = Uint8Array.from([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 250, 251, 255]);

describe('readIdx', () => {
  it('reads a raw IDX file from bytes', async () => {
    const a = await readIdx(tiny);
    expect(a.dtype).toBe('uint8');
    expect(a.shape).toEqual([2, 3]);
    expect([...a.data]).toEqual([1, 2, 3, 250, 251, 255]);
  });

  it('detects gzip by its magic bytes, not the file name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modscope-idx-'));
    const path = join(dir, 'no-extension');
    writeFileSync(path, gzipSync(tiny));
    const a = await readIdx(path);
    expect(a.shape).toEqual([2, 3]);
    expect([...a.data]).toEqual([1, 2, 3, 250, 251, 255]);
    const raw = join(dir, 'raw.gz'); // a .gz name on uncompressed data reads fine too
    writeFileSync(raw, tiny);
    expect([...(await readIdx(raw)).data]).toEqual([1, 2, 3, 250, 251, 255]);
  });

  it('decodes big-endian multi-byte types', async () => {
    const ints = await readIdx(writeIdx(Int32Array.from([-1, 2, 70000, -2147483648]), [2, 2]));
    expect(ints.dtype).toBe('int32');
    expect([...ints.data]).toEqual([-1, 2, 70000, -2147483648]);
    const floats = await readIdx(writeIdx(Float32Array.from([0.5, -1.25, 3]), [3]));
    expect(floats.dtype).toBe('float32');
    expect([...floats.data]).toEqual([0.5, -1.25, 3]);
    const shorts = Uint8Array.from([0, 0, 0x0b, 1, 0, 0, 0, 2, 0xff, 0xfe, 0x01, 0x00]);
    expect([...(await readIdx(shorts)).data]).toEqual([-2, 256]);
  });

  it('reports a truncated file with the declared and actual sizes', async () => {
    const header = Uint8Array.from([0, 0, 0x08, 3, 0, 0, 0x27, 0x10, 0, 0, 0, 28, 0, 0, 0, 28]);
    const bytes = new Uint8Array(header.length + 1234);
    bytes.set(header);
    const error = await readIdx(bytes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptFileError);
    expect((error as Error).message).toContain('truncated: header declares 10000×28×28 = 7840000 bytes, file has 1234');
    const gz = await readIdx(gzipSync(bytes)).catch((e: unknown) => e);
    expect(gz).toBeInstanceOf(CorruptFileError);
  });

  it('reports trailing data', async () => {
    const bytes = new Uint8Array([...tiny, 9]);
    await expect(readIdx(bytes)).rejects.toThrow(/trailing data: header declares 2×3 = 6 bytes, file has 7/);
  });

  it('rejects a wrong magic number, an unknown type and a short header', async () => {
    await expect(readIdx(Uint8Array.from([1, 2, 8, 1, 0, 0, 0, 0]))).rejects.toThrow(CorruptFileError);
    await expect(readIdx(Uint8Array.from([1, 2, 8, 1, 0, 0, 0, 0]))).rejects.toThrow(/magic number starts with 0x01 0x02/);
    await expect(readIdx(Uint8Array.from([0, 0, 0x0a, 1, 0, 0, 0, 0]))).rejects.toThrow(/unknown type code 0x0a/);
    await expect(readIdx(Uint8Array.from([0, 0, 8, 3, 0, 0]))).rejects.toThrow(/truncated header/);
    await expect(readIdx(Uint8Array.from([0, 0]))).rejects.toThrow(CorruptFileError);
  });

  it('reports a corrupt gzip stream', async () => {
    const gz = gzipSync(tiny);
    const broken = gz.slice(0, gz.length - 6);
    const error = await readIdx(broken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptFileError);
    expect((error as Error).message).toMatch(/gzip stream is corrupt/);
    const garbage = Uint8Array.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await expect(readIdx(garbage)).rejects.toThrow(CorruptFileError);
  });

  it('reports a missing file', async () => {
    const error = await readIdx('/nonexistent/train-images-idx3-ubyte.gz').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingFileError);
    expect((error as MissingFileError).path).toBe('/nonexistent/train-images-idx3-ubyte.gz');
  });
});

describe('readIdx with Node Buffers', () => {
  it('returns arrays that own their data, also for pooled Buffers', async () => {
    const pooled = Buffer.concat([Buffer.alloc(3, 7), Buffer.from(Uint8Array.from([0, 0, 0x09, 1, 0, 0, 0, 2, 0xff, 5]))]).subarray(3);
    const a = await readIdx(pooled);
    expect(a.data).toBeInstanceOf(Int8Array);
    expect([...a.data]).toEqual([-1, 5]);
    expect(a.data.byteOffset).toBe(0);
    expect(a.data.buffer.byteLength).toBe(2);
  });
});
