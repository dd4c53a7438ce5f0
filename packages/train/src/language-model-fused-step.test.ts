import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '@modscope/core';
import { tinyLanguageModel } from '@modscope/core/testing';
import { selectBackend } from '@modscope/tfjs-runtime';
import { createLanguageModel } from './language-model.js';
import { fusedLanguageModelGradients } from './language-model-fused-step.js';
import { createLanguageModelParams } from './language-model-params.js';
import { createLanguageModelStep, type BatchShare, type LanguageModelStepSettings } from './language-model-step.js';

const settings = (over: Partial<LanguageModelStepSettings> = {}): LanguageModelStepSettings => ({
  optimizer: 'adamw',
  momentum: 0,
  weightDecay: 0.01,
  clipNorm: 1,
  l1: 0,
  l2: 0,
  dropout: 0,
  dropoutSeed: 5,
  parameterMasks: [],
  ...over,
});

/** A share of `count` of `total` windows of `length` seeded ids below `vocabulary`. */
function share(vocabulary: number, count: number, total: number, length: number, penalty: boolean): BatchShare {
  const random = createRandom(9);
  const ids = () => Int32Array.from({ length: count * length }, () => Math.floor(random.next() * vocabulary));
  return { inputs: ids(), targets: ids(), count, first: 1, total, step: 2, penalty };
}

describe('fusedLanguageModelGradients', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm' });
  });

  for (const [name, over] of [
    ['plain', {}],
    ['with dropout, L1 and L2', { dropout: 0.25, l1: 1e-3, l2: 1e-2 }],
  ] as const) {
    it(`gives tfjs autodiff's gradient, loss and accuracy (${name})`, () => {
      expect(tf.getBackend()).toBe('wasm');
      // a trained-looking model: weights far from the initialization's zeros and ones
      const random = createRandom(3);
      const network = createLanguageModel({ vocabulary: 11, context: 12, blocks: 2, width: 12, heads: 3, seed: 1 });
      for (const layer of network.layers)
        for (const v of Object.values(layer))
          if (v instanceof Float32Array) for (let i = 0; i < v.length; i++) v[i]! += random.normal() * 0.3;
      const params = createLanguageModelParams(network);
      expect(fusedLanguageModelGradients(network, params, () => 0)).not.toBeNull();
      const fused = createLanguageModelStep(network, settings(over));
      const plain = createLanguageModelStep(network, settings(over), { fused: false });
      const s = share(11, 3, 5, 10, true);
      const a = new Float32Array(fused.size);
      const b = new Float32Array(plain.size);
      const sa = fused.gradients(s, a);
      const sb = plain.gradients(s, b);
      expect(sa.loss).toBeCloseTo(sb.loss, 4);
      expect(sa.penalty).toBeCloseTo(sb.penalty, 5);
      expect(sa.correct).toBe(sb.correct);
      const scale = b.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(scale).toBeGreaterThan(0.01);
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(2e-5 * scale + 1e-7);
      tf.dispose(params.variables);
      fused.dispose();
      plain.dispose();
    });
  }

  it('does not apply to a tied unembedding (tfjs autodiff then)', () => {
    const network = tinyLanguageModel({ vocabulary: 5, context: 8, width: 8, heads: 2, blocks: 1, tied: true, seed: 1 });
    const params = createLanguageModelParams(network);
    expect(fusedLanguageModelGradients(network, params, () => 0)).toBeNull();
    tf.dispose(params.variables);
  });
});
