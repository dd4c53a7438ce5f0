import { fileURLToPath } from 'node:url';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorruptFileError, MissingFileError, createRandom, inputSize } from '@modscope/core';
import { loaderConformanceCases, tinyCnn } from '@modscope/core/testing';
import { describe, expect, it } from 'vitest';
import { decodeOnnxModel, encodeOnnxModel } from './decode-onnx-model.js';
import { networkToOnnx } from './network-to-onnx.js';
import { createOnnxLoader, onnxLoader } from './onnx-loader.js';

const dir = mkdtempSync(join(tmpdir(), 'modscope-loader-onnx-'));
const validPath = join(dir, 'tiny-cnn.onnx');
const foreignPath = join(dir, 'model.json');
writeFileSync(validPath, networkToOnnx(tinyCnn()));
writeFileSync(foreignPath, JSON.stringify({ format: 'layers-model', modelTopology: {} }));

describe('onnxLoader: core loader conformance', () => {
  for (const c of loaderConformanceCases({ loader: onnxLoader, validPath, foreignPath, missingPath: join(dir, 'missing.onnx') }))
    it(c.name, c.run);
});

describe('createOnnxLoader', () => {
  it('records the source and names the network after the file', async () => {
    const model = await onnxLoader.load(validPath);
    expect(model.format).toBe('onnx');
    expect(model.network.name).toBe('tiny-cnn.onnx');
    expect(model.network.source).toEqual({ format: 'onnx', path: validPath, inputName: 'input', outputName: 'fc' });
    expect((await onnxLoader.load(validPath, { name: 'mine' })).network.name).toBe('mine');
  });

  it('names a language model after its file, or as told', async () => {
    const lm = fileURLToPath(new URL('../../../fixtures/lm/lm-tiny.onnx', import.meta.url));
    expect((await onnxLoader.load(lm)).network.name).toBe('lm-tiny.onnx');
    expect((await onnxLoader.load(lm, { name: 'mine' })).network.name).toBe('mine');
  });

  it('passes evaluator options to the evaluators it creates', async () => {
    const model = await createOnnxLoader({ evaluator: { batchSize: 2 } }).load(validPath);
    const evaluator = await model.createEvaluator();
    const seen: number[] = [];
    await evaluator.run({ inputs: new Float32Array(5 * 64), count: 5, onProgress: (done) => seen.push(done) });
    expect(seen).toEqual([2, 4, 5]);
    await evaluator.dispose();
  });

  it('gives a MissingFileError for a missing file', async () => {
    await expect(onnxLoader.load(join(dir, 'nope', 'model.onnx'))).rejects.toBeInstanceOf(MissingFileError);
  });

  it('gives a CorruptFileError for a truncated file', async () => {
    const path = join(dir, 'truncated.onnx');
    const bytes = readFileSync(validPath);
    writeFileSync(path, bytes.subarray(0, bytes.length >> 1));
    const error = await onnxLoader.load(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptFileError);
    expect(String(error)).toMatch(/truncated\.onnx is not a valid ONNX file: protobuf decoding failed/);
  });

  it('gives a CorruptFileError for every cut that ends inside a field, and reads a cut at a field boundary as the fields before it', () => {
    const bytes = new Uint8Array(readFileSync(validPath));
    const full = decodeOnnxModel(bytes);
    let corrupt = 0;
    for (let length = 1; length < bytes.length; length++) {
      let model: ReturnType<typeof decodeOnnxModel> | undefined;
      try {
        model = decodeOnnxModel(bytes.subarray(0, length));
      } catch (error) {
        expect(error).toBeInstanceOf(CorruptFileError);
        expect(String(error)).toMatch(/protobuf decoding failed \(the file ends inside a field\)|the ModelProto has no graph/);
        corrupt++;
        continue;
      }
      // a protobuf message cut between two top-level fields is a shorter message: the graph came whole
      expect(encodeOnnxModel(model).length).toBeLessThanOrEqual(length);
      expect(model.graph!.initializer.map((t) => t.raw_data?.length)).toEqual(full.graph!.initializer.map((t) => t.raw_data?.length));
    }
    expect(corrupt).toBeGreaterThan(bytes.length - 10);
  });

  it('gives a CorruptFileError for random bytes', async () => {
    const path = join(dir, 'random.onnx');
    const rng = createRandom(9);
    writeFileSync(
      path,
      Uint8Array.from({ length: 4096 }, () => rng.nextUint32() & 255),
    );
    await expect(onnxLoader.load(path)).rejects.toMatchObject({ code: 'corrupt-file', path });
  });

  it('gives a CorruptFileError for an empty file and for a directory', async () => {
    const empty = join(dir, 'empty.onnx');
    writeFileSync(empty, new Uint8Array(0));
    await expect(onnxLoader.load(empty)).rejects.toThrow(/has no graph/);
    const folder = join(dir, 'folder.onnx');
    mkdirSync(folder);
    await expect(onnxLoader.load(folder)).rejects.toMatchObject({ code: 'corrupt-file' });
  });

  it('runs more examples than one default batch holds', async () => {
    const model = await onnxLoader.load(validPath);
    const evaluator = await model.createEvaluator();
    const count = 10_001;
    const result = await evaluator.run({ inputs: new Float32Array(count * inputSize(model.network)).fill(0.5), count });
    expect(result.logits.length).toBe(count * 3);
    expect(result.logits.subarray(0, 3)).toEqual(result.logits.subarray(3 * 10_000));
    await evaluator.dispose();
  });
});
