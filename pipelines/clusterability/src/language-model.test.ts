import { tinyLanguageModel } from '@modscope/core/testing';
import { spectralPartitioner } from '@modscope/partition-spectral';
import { describe, expect, it } from 'vitest';
import { analyzeClusterability } from './analyze.js';

// Language models (method §9): the residual view with its per-matrix nulls, and the per-block view.
describe('analyzeClusterability on a language model', () => {
  const network = tinyLanguageModel({ blocks: 2, width: 8, heads: 2, neurons: 16, seed: 4 });

  it('clusters the residual view (the stream, every neuron, with --attention every head) and shuffles each matrix', async () => {
    const spec = { module: '@modscope/partition-spectral', factory: 'createSpectralPartitioner' };
    const result = await analyzeClusterability(network, {
      k: 3,
      shuffles: 5,
      nulls: ['layer', 'layer-nonzero'],
      partitioner: spec,
      // asked for, but a language model's shuffler runs in this thread
      workers: 2,
      languageModel: { attention: true },
    });
    expect(result.view).toEqual({ view: 'residual', attention: true, block: null });
    expect(result.layers.map((l) => [l.id, l.units])).toEqual([
      ['residual', 8],
      ['block0.attention', 2],
      ['block0.mlp.act', 16],
      ['block1.attention', 2],
      ['block1.mlp.act', 16],
    ]);
    expect(result.nodes).toBe(44);
    expect(result.labels.map((l) => l.length)).toEqual([8, 2, 16, 2, 16]);
    for (const model of ['layer', 'layer-nonzero']) {
      expect(result.nulls[model]!.values).toHaveLength(5);
      expect(new Set(result.nulls[model]!.values).size).toBeGreaterThan(1);
    }
  });

  it('gives the same shuffles whatever the seed of the call, per seed', async () => {
    const run = (seed: number) =>
      analyzeClusterability(network, { k: 3, shuffles: 3, nulls: ['layer'], partitioner: spectralPartitioner, seed });
    const [a, b, c] = await Promise.all([run(1), run(1), run(2)]);
    expect(a.nulls.layer!.values).toEqual(b.nulls.layer!.values);
    expect(a.nulls.layer!.values).not.toEqual(c.nulls.layer!.values);
    expect(a.view).toEqual({ view: 'residual', attention: false, block: null });
  });

  it("clusters one block's MLP as a three-layer network in the per-block view", async () => {
    const result = await analyzeClusterability(network, {
      k: 3,
      shuffles: 0,
      partitioner: spectralPartitioner,
      languageModel: { view: 'per-block', block: 1 },
    });
    expect(result.view).toEqual({ view: 'per-block', attention: false, block: 1 });
    expect(result.network).toBe('tiny-lm');
    expect(result.layers.map((l) => [l.id, l.units])).toEqual([
      ['block1.ln2', 8],
      ['block1.mlp.in', 16],
      ['block1.mlp.out', 8],
    ]);
    await expect(
      analyzeClusterability(network, {
        k: 3,
        shuffles: 0,
        partitioner: spectralPartitioner,
        languageModel: { view: 'per-block', block: 5 },
      }),
    ).rejects.toThrow(/has no block 5/);
  });
});
