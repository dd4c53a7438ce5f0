import { transformerView } from '@modscope/core';
import { onnxLoader } from '@modscope/loader-onnx';
import { createTfjsEvaluator } from '@modscope/loader-tfjs';
import { selectBackend } from '@modscope/tfjs-runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture } from './run-cli.js';

// Issue 16: ONNX → network → tfjs parity with onnxruntime (≤ 1e-4) on the fixture language models, with
// head and neuron masks and captured activations.
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('a language model on tfjs computes what onnxruntime computes on its ONNX graph', () => {
  beforeAll(async () => {
    await selectBackend();
  });

  for (const file of ['lm/lm-tiny.onnx', 'lm/lm-gpt2.onnx']) {
    it(file, async () => {
      const model = await onnxLoader.load(fixture(file));
      const view = transformerView(model.network);
      const T = view.context;
      const inputs = Float32Array.from({ length: 3 * T }, (_, i) => (i * 31 + 7) % view.embedding.vocabulary);
      const last = view.blocks[view.blocks.length - 1]!;
      const masks = [
        {
          layer: view.blocks[0]!.attention.id,
          mask: Float32Array.from({ length: view.blocks[0]!.attention.heads }, (_, h) => (h === 2 ? 0 : 1)),
        },
        { layer: last.activation.id, mask: Float32Array.from({ length: last.activation.units }, (_, j) => (j % 5 === 0 ? 0 : 1)) },
      ];
      const capture = [view.blocks[0]!.attention.id, last.activation.id, view.finalNorm.id];
      const onnx = await model.createEvaluator();
      const tfjs = await createTfjsEvaluator(model.network);
      try {
        for (const request of [
          { inputs, count: 3 },
          { inputs, count: 3, masks, capture },
        ]) {
          const a = await onnx.run(request);
          const b = await tfjs.run(request);
          expect(maxAbsDiff(a.logits, b.logits)).toBeLessThan(1e-4);
          for (const id of request.capture ?? [])
            expect(maxAbsDiff(a.activations.get(id)!.data, b.activations.get(id)!.data), id).toBeLessThan(1e-4);
        }
      } finally {
        await onnx.dispose();
        await tfjs.dispose();
      }
    });
  }
});
