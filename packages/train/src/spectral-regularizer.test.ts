import * as tf from '@tensorflow/tfjs';
import { createRandom, getLayer } from '@modscope/core';
import { referenceForward, tinyMlp } from '@modscope/core/testing';
import { describe, expect, it } from 'vitest';
import { createParams, disposeParams } from './forward-pass.js';
import { normalizeUnits } from './normalize-units.js';
import { spectralLayout } from './spectral-layout.js';
import { spectralPenalty, spectralVectors, weightGraphEigenvalues } from './spectral-regularizer.js';

describe('the spectral regularizer (method §7)', () => {
  const network = tinyMlp({ sizes: [6, 9, 8, 4], seed: 3 });

  it('at freshly computed eigenvectors, the penalty is (λ/m)·(λ2 + … + λ(m+1)) of the weight graph', () => {
    const m = 3;
    const lambda = 0.1;
    const layout = spectralLayout(network);
    const fresh = spectralVectors(network, layout, m, createRandom(0));
    expect(fresh).not.toBeNull();
    const eigenvalues = weightGraphEigenvalues(network, { count: m + 1 });
    const expected = (lambda / m) * (eigenvalues[1]! + eigenvalues[2]! + eigenvalues[3]!);
    expect(expected).toBeGreaterThan(0.01); // a real penalty, not a trivially zero one
    const params = createParams(network);
    const vectors = fresh!.vectors.map((v, l) => tf.tensor2d(v, [layout.nodeLayers[l]!.units, m]));
    try {
      const penalty = spectralPenalty(layout, params, vectors, lambda, m);
      expect(penalty.dataSync()[0]).toBeCloseTo(expected, 5);
    } finally {
      tf.dispose(vectors);
      disposeParams(params);
    }
  });

  it('normalizes every hidden unit to incoming weights and bias of norm √2 without changing what the network computes', () => {
    const normalized = normalizeUnits(network);
    const inputs = Float32Array.from({ length: 5 * 6 }, (_, i) => Math.sin(i * 1.3));
    const before = referenceForward(network, { inputs, count: 5 }).logits;
    const after = referenceForward(normalized, { inputs, count: 5 }).logits;
    after.forEach((v, i) => {
      expect(v).toBeCloseTo(before[i]!, 4);
    });
    // the hidden layers: each unit's column of the kernel plus its bias
    for (const id of ['dense1', 'dense2']) {
      const layer = getLayer(normalized, id);
      if (layer.kind !== 'dense') throw new Error('expected a dense layer');
      const [fanIn, units] = layer.kernelShape;
      for (let j = 0; j < units; j++) {
        let sq = (layer.bias?.[j] ?? 0) ** 2;
        for (let i = 0; i < fanIn; i++) sq += layer.kernel[i * units + j]! ** 2;
        expect(Math.sqrt(sq), `${id} unit ${j}`).toBeCloseTo(Math.SQRT2, 4);
      }
    }
    // the input network is left as it was
    expect(getLayer(network, 'dense1')).not.toBe(getLayer(normalized, 'dense1'));
  });
});
