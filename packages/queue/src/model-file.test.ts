import { createHash } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const a = new Uint8Array([1, 2, 3, 4, 5]);
const b = new Uint8Array([9, 8, 7]);

// A fresh module per test: a process's directory and files of its own, removed after the tests (the test
// runner's workers do not always exit in a way that runs the module's exit hook).
let modelFile: typeof import('./model-file.js').modelFile;
const made = new Set<string>();
beforeEach(async () => {
  vi.resetModules();
  const module = await import('./model-file.js');
  modelFile = async (hash, bytes) => {
    const path = await module.modelFile(hash, bytes);
    made.add(dirname(path));
    return path;
  };
});
afterEach(() => vi.restoreAllMocks());
afterAll(() => {
  for (const directory of made) rmSync(directory, { recursive: true, force: true });
});

describe('modelFile', () => {
  it('writes the bytes to <hash>.onnx in a private directory of the process (mode 0700)', async () => {
    const path = await modelFile(sha256(a), a);
    expect(basename(path)).toBe(`${sha256(a)}.onnx`);
    expect(dirname(dirname(path))).toBe(tmpdir());
    expect(basename(dirname(path))).toMatch(/^modscope-worker-/);
    expect((await stat(dirname(path))).mode & 0o777).toBe(0o700);
    expect(new Uint8Array(await readFile(path))).toEqual(a);
  });

  it('writes a hash once: concurrent calls share one write and get the same path', async () => {
    let fetched = 0;
    const fetch = async () => {
      fetched++;
      return a;
    };
    const paths = await Promise.all([modelFile(sha256(a), fetch), modelFile(sha256(a), fetch), modelFile(sha256(a), a)]);
    expect(new Set(paths).size).toBe(1);
    expect(fetched).toBe(1);
    expect(await modelFile(sha256(a), fetch)).toBe(paths[0]);
    expect(fetched).toBe(1);
    expect(await readdir(dirname(paths[0]!))).toEqual([`${sha256(a)}.onnx`]);
  });

  it('gives another hash another file in the same directory', async () => {
    const [pa, pb] = await Promise.all([modelFile(sha256(a), a), modelFile(sha256(b), async () => b)]);
    expect(pb).not.toBe(pa);
    expect(dirname(pb)).toBe(dirname(pa));
    expect(new Uint8Array(await readFile(pa))).toEqual(a);
    expect(new Uint8Array(await readFile(pb))).toEqual(b);
    expect((await readdir(dirname(pa))).sort()).toEqual([`${sha256(a)}.onnx`, `${sha256(b)}.onnx`].sort());
  });

  it('refuses what is not a hash, and tries again after a failed fetch', async () => {
    await expect(modelFile('../../etc/passwd', a)).rejects.toThrow('not a SHA-256 hash');
    await expect(modelFile(sha256(a).toUpperCase(), a)).rejects.toThrow('not a SHA-256 hash');
    await expect(modelFile(sha256(a), () => Promise.reject(new Error('gone')))).rejects.toThrow('gone');
    const path = await modelFile(sha256(a), async () => a);
    expect(new Uint8Array(await readFile(path))).toEqual(a);
  });

  it('removes the directory when the process exits', async () => {
    const once = vi.spyOn(process, 'once');
    const path = await modelFile(sha256(a), a);
    const onExit = once.mock.calls.find(([event]) => event === 'exit')?.[1] as (() => void) | undefined;
    expect(onExit).toBeTypeOf('function');
    onExit!();
    expect(existsSync(dirname(path))).toBe(false);
  });
});
