import { ShapeMismatchError } from '@modscope/core';
import { evaluatorConformanceCases, referenceForward, tinyCnn, tinyMlp, tinyResidualCnn } from '@modscope/core/testing';
import { describe, expect, it } from 'vitest';
import { createOnnxEvaluator } from './onnx-evaluator.js';

describe('createOnnxEvaluator: core evaluator conformance', () => {
  for (const c of evaluatorConformanceCases({ createEvaluator: (network) => createOnnxEvaluator(network) })) it(c.name, c.run);
});

describe('createOnnxEvaluator', () => {
  it('names its engine', async () => {
    const evaluator = await createOnnxEvaluator(tinyMlp());
    expect(evaluator.name).toBe('onnxruntime-node (cpu)');
    await evaluator.dispose();
  });

  it('rejects inputs of the wrong size with a ShapeMismatchError', async () => {
    const evaluator = await createOnnxEvaluator(tinyMlp());
    await expect(evaluator.run({ inputs: new Float32Array(13), count: 2 })).rejects.toBeInstanceOf(ShapeMismatchError);
    await evaluator.dispose();
  });

  it('applies edits, masks and captures together, and reuses the session for new values', async () => {
    const network = tinyCnn();
    const evaluator = await createOnnxEvaluator(network);
    const count = 3;
    const inputs = Float32Array.from({ length: count * 64 }, (_, i) => Math.sin(i));
    for (const scale of [0.5, 2]) {
      const conv2 = network.layers.find((l) => l.id === 'conv2');
      if (conv2?.kind !== 'conv2d') throw new Error('tinyCnn changed');
      const request = {
        inputs,
        count,
        edits: [{ layer: 'conv2', kernel: conv2.kernel.map((v) => v * scale) }],
        masks: [
          { layer: 'relu1', mask: Float32Array.from([1, 0, scale, 1]) },
          { layer: 'input', mask: Float32Array.from([scale]) },
        ],
        capture: ['input', 'pool1', 'conv2', 'flatten'],
      };
      const got = await evaluator.run(request);
      const want = referenceForward(network, request);
      expect(Math.max(...got.logits.map((v, i) => Math.abs(v - want.logits[i]!)))).toBeLessThan(1e-4);
      for (const id of request.capture) {
        const g = got.activations.get(id)!;
        const w = want.activations.get(id)!;
        expect(g.shape).toEqual(w.shape);
        expect(Math.max(...g.data.map((v, i) => Math.abs(v - w.data[i]!)))).toBeLessThan(1e-4);
      }
    }
    await evaluator.dispose();
  });

  it('reports progress per batch', async () => {
    const evaluator = await createOnnxEvaluator(tinyResidualCnn());
    const seen: number[] = [];
    await evaluator.run({ inputs: new Float32Array(5 * 72), count: 5, batchSize: 2, onProgress: (done) => seen.push(done) });
    expect(seen).toEqual([2, 4, 5]);
    await evaluator.dispose();
  });
});
