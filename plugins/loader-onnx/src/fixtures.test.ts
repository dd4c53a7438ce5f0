// Torch-exported models in the repository's fixtures/ folder (made by fixtures/make-onnx-fixtures.py, checked
// in): each listed in fixtures/manifest.json passes loader conformance and reproduces torch's outputs;
// the bad ones fail with the right errors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { loaderConformanceCases } from '@modscope/core/testing';
import { describe, expect, it } from 'vitest';
import { onnxLoader } from './onnx-loader.js';

interface ManifestEntry {
  file: string;
  format: string;
  first8Outputs?: number[][];
}

const fixtures = fileURLToPath(new URL('../../../fixtures/', import.meta.url));
const manifestPath = join(fixtures, 'manifest.json');
const manifest = (JSON.parse(readFileSync(manifestPath, 'utf8')) as { models: ManifestEntry[] }).models;
const models = manifest.filter((m) => m.format === 'onnx');
const testImages = join(process.env.MODSCOPE_FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist', 't10k-images-idx3-ubyte.gz');

/** The first `count` Fashion-MNIST test images, scaled to [0, 1]. */
function firstTestImages(count: number): Float32Array {
  const raw = gunzipSync(readFileSync(testImages));
  return Float32Array.from(raw.subarray(16, 16 + count * 784), (v) => v / 255);
}

describe('fixtures/*.onnx', () => {
  it('lists the torch-made models', () => {
    expect(models.map((m) => m.file).sort()).toEqual([
      'cnn-fashion.onnx',
      'mlp-fashion-opset11.onnx',
      'mlp-fashion.onnx',
      'mlp-sigmoid-tanh.onnx',
      'resnet-tiny.onnx',
    ]);
  });
  for (const entry of models) {
    describe(entry.file, () => {
      const validPath = join(fixtures, entry.file);
      for (const c of loaderConformanceCases({
        loader: onnxLoader,
        validPath,
        foreignPath: manifestPath,
        missingPath: join(fixtures, 'missing.onnx'),
      }))
        it(c.name, c.run);
      it('reproduces torch outputs on the first 8 test images', async () => {
        const model = await onnxLoader.load(validPath);
        const evaluator = await model.createEvaluator();
        const { logits, outputs } = await evaluator.run({ inputs: firstTestImages(8), count: 8 });
        await evaluator.dispose();
        const want = entry.first8Outputs!.flat();
        expect(outputs * 8).toBe(want.length);
        expect(Math.max(...want.map((v, i) => Math.abs(v - logits[i]!)))).toBeLessThan(1e-4);
      });
    });
  }
  it('unsupported-op.onnx gives an UnsupportedOpError naming CumSum', async () => {
    await expect(onnxLoader.load(join(fixtures, 'unsupported-op.onnx'))).rejects.toMatchObject({ code: 'unsupported-op', op: 'CumSum' });
  });
  for (const file of ['truncated.onnx', 'garbage.onnx']) {
    it(`${file} gives a CorruptFileError`, async () => {
      await expect(onnxLoader.load(join(fixtures, file))).rejects.toMatchObject({ code: 'corrupt-file' });
    });
  }
});
