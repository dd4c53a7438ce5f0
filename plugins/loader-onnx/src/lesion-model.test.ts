// runLesions, the fast path for many lesions of one layer, against one masked evaluation per lesion and
// against a from-scratch evaluation of the lesioned weights, on the repository's trained fixtures.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { getLayer, lesionMask, lesionPoint, unitLayers, type Evaluator } from '@modscope/core';
import { afterAll, describe, expect, it } from 'vitest';
import { tailNetwork } from './lesion-model.js';
import { createOnnxEvaluator } from './onnx-evaluator.js';

const fixtures = fileURLToPath(new URL('../../../fixtures/', import.meta.url));
const testImages = `${process.env.MODSCOPE_FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist'}/t10k-images-idx3-ubyte.gz`;
const count = 300;
const images = (() => {
  const raw = gunzipSync(readFileSync(testImages));
  return Float32Array.from(raw.subarray(16, 16 + count * 784), (v) => v / 255);
})();

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

const opened: Evaluator[] = [];
async function open(file: string, lesionRows?: number): Promise<Evaluator> {
  const ev = await createOnnxEvaluator(`${fixtures}${file}`, lesionRows ? { lesionRows } : {});
  opened.push(ev);
  return ev;
}
afterAll(async () => {
  await Promise.all(opened.map((e) => e.dispose()));
});

describe('runLesions (onnxruntime)', () => {
  it('equals zeroing the lesioned units’ incoming weights and biases, for every hidden layer of the MLP', async () => {
    // Small row budget so lesions and examples are both split across several inference calls.
    const ev = await open('mlp-fashion.onnx', 700);
    for (const unit of unitLayers(ev.network).filter((u) => u.hidden)) {
      const lesions = [Int32Array.of(0, 5, 17, 200), Int32Array.from({ length: 40 }, (_, i) => i * 3), Int32Array.of(), Int32Array.of(255)];
      const fast = await ev.runLesions!({ inputs: images, count, layer: unit.layer, lesions });
      const layer = getLayer(ev.network, unit.layer);
      if (layer.kind !== 'dense') throw new Error('expected dense');
      for (let l = 0; l < lesions.length; l++) {
        const kernel = layer.kernel.slice();
        const bias = layer.bias!.slice();
        for (const u of lesions[l]!) {
          for (let r = 0; r < layer.kernelShape[0]; r++) kernel[r * layer.units + u] = 0;
          bias[u] = 0;
        }
        const scratch = await ev.run({ inputs: images, count, edits: [{ layer: unit.layer, kernel, bias }] });
        expect(maxAbsDiff(fast.logits[l]!, scratch.logits)).toBeLessThan(1e-4);
      }
      const intact = await ev.run({ inputs: images, count });
      expect(maxAbsDiff(fast.logits[2]!, intact.logits)).toBeLessThan(1e-4);
      expect(maxAbsDiff(fast.logits[1]!, intact.logits)).toBeGreaterThan(1e-2);
    }
  });

  it('masks the activation after a batch norm in a CNN, as a masked evaluation does', async () => {
    const ev = await open('cnn-fashion.onnx', 1000);
    for (const unit of unitLayers(ev.network).filter((u) => u.hidden)) {
      const lesions = [Int32Array.of(1, 3), Int32Array.of(0)];
      const fast = await ev.runLesions!({ inputs: images, count, layer: unit.layer, lesions });
      for (let l = 0; l < lesions.length; l++) {
        const masked = await ev.run({
          inputs: images,
          count,
          masks: [{ layer: lesionPoint(unit), mask: lesionMask(unit.units, lesions[l]!) }],
        });
        expect(maxAbsDiff(fast.logits[l]!, masked.logits)).toBeLessThan(1e-4);
      }
    }
    expect(lesionPoint(unitLayers(ev.network)[0]!)).toBe('/features/features.2/Relu');
  });

  it('falls back to masked runs where a skip connection passes around the layer', async () => {
    const ev = await open('resnet-tiny.onnx');
    const [first, stem] = unitLayers(ev.network);
    // The stem conv's output reaches everything after it, so the network can be cut there …
    expect(tailNetwork(ev.network, lesionPoint(first!))).not.toBeNull();
    // … but the first conv of the residual block is bypassed by the skip connection.
    expect(stem!.layer).toBe('/block/block.0/Conv');
    expect(tailNetwork(ev.network, lesionPoint(stem!))).toBeNull();
    const lesions = [Int32Array.of(2, 4)];
    const fast = await ev.runLesions!({ inputs: images, count, layer: stem!.layer, lesions });
    const masked = await ev.run({
      inputs: images,
      count,
      masks: [{ layer: lesionPoint(stem!), mask: lesionMask(stem!.units, lesions[0]!) }],
    });
    expect(maxAbsDiff(fast.logits[0]!, masked.logits)).toBe(0);
  });
});
