import { transformerView } from '@modscope/core';
import { referenceEvaluator, tinyLanguageModel } from '@modscope/core/testing';
import type { TokenWindows } from '@modscope/text';
import { describe, expect, it } from 'vitest';
import { scoreWindows } from './evaluate-text.js';
import { textLesionSweep } from './text-lesion-sweep.js';

/** Hand-made windows of a tiny model's vocabulary: two domains, four windows each. */
function windowsFor(vocabulary: number, context: number): TokenWindows {
  const count = 8;
  return {
    tokens: Int32Array.from({ length: count * context }, (_, i) =>
      Math.floor(i / context) < 4 ? (i * 3) % 5 : 5 + ((i * 7) % (vocabulary - 5)),
    ),
    count,
    context,
    domains: ['low', 'high'],
    domainOf: Int32Array.from({ length: count }, (_, w) => (w < 4 ? 0 : 1)),
    test: new Uint8Array(count).fill(1),
    vocabSize: vocabulary,
  };
}

describe('textLesionSweep', () => {
  const network = tinyLanguageModel({ blocks: 2, width: 8, heads: 2, neurons: 12, seed: 11 });
  const windows = windowsFor(11, 8);
  const evaluator = referenceEvaluator(network);
  const partition = {
    k: 2,
    layers: [
      { layer: 'residual', labels: Int32Array.from({ length: 8 }, (_, i) => i % 2) },
      { layer: 'block0.mlp.act', labels: Int32Array.from({ length: 12 }, (_, j) => (j < 4 ? 0 : 1)) },
      { layer: 'block1.attention', labels: Int32Array.from([0, 1]) },
    ],
  };

  it('lesions every sub-cluster of neurons and heads against random sets of the same block', async () => {
    const sweep = await textLesionSweep(evaluator, windows, partition, { random: 9, seed: 3 });
    expect(sweep.subclusters.map((s) => [s.layer, s.kind, s.block, s.cluster, s.units.length])).toEqual([
      ['block0.mlp.act', 'neurons', 0, 0, 4],
      ['block0.mlp.act', 'neurons', 0, 1, 8],
      ['block1.attention', 'heads', 1, 0, 1],
      ['block1.attention', 'heads', 1, 1, 1],
    ]);
    const first = sweep.subclusters[0]!;
    // The sub-cluster's loss is the loss with its units masked; its increase is measured from the intact loss.
    const mask = Float32Array.from({ length: 12 }, (_, j) => (j < 4 ? 0 : 1));
    const masked = await scoreWindows(evaluator, windows, { masks: [{ layer: 'block0.mlp.act', mask }] });
    expect(first.loss).toBeCloseTo(masked.overall.loss, 10);
    expect(first.increase).toBeCloseTo(masked.overall.loss - sweep.baseline.loss, 10);
    expect(first.domainIncrease).toHaveLength(2);
    for (const s of sweep.subclusters) {
      expect(s.importanceP).toBeGreaterThanOrEqual(1 / 10);
      expect(s.random.increase).toHaveLength(9);
    }
    expect(sweep.fisher.importance).not.toBeNull();
    expect(sweep.evaluations).toBe(4 * 10 + 1);
  });

  it('mean ablation leaves a neuron whose output never changes as it is; zero ablation does not', async () => {
    const constant = tinyLanguageModel({ blocks: 1, width: 8, heads: 2, neurons: 12, seed: 12 });
    const { mlpIn } = transformerView(constant).blocks[0]!;
    // Neuron 0 reads nothing: its output is GELU(b_in[0]) at every position.
    for (let i = 0; i < 8; i++) mlpIn.kernel[i * 12]! = 0;
    mlpIn.bias![0] = 1.5;
    const one = { k: 2, layers: [{ layer: 'block0.mlp.act', labels: Int32Array.from({ length: 12 }, (_, j) => (j === 0 ? 0 : 1)) }] };
    const run = (ablation: 'zero' | 'mean') => textLesionSweep(referenceEvaluator(constant), windows, one, { random: 3, ablation });
    const mean = await run('mean');
    const zero = await run('zero');
    expect(mean.ablation).toBe('mean');
    expect(Math.abs(mean.subclusters[0]!.increase)).toBeLessThan(1e-6);
    expect(Math.abs(zero.subclusters[0]!.increase)).toBeGreaterThan(1e-4);
  });

  it('refuses a partition of another model', async () => {
    const wrong = { k: 2, layers: [{ layer: 'block0.mlp.act', labels: new Int32Array(5) }] };
    await expect(textLesionSweep(evaluator, windows, wrong)).rejects.toThrow(
      /gives 5 labels for layer 'block0.mlp.act', which has 12 units/,
    );
  });
});
