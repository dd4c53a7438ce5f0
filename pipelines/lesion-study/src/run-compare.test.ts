import { parseResult } from '@modscope/results';
import { describe, expect, it } from 'vitest';
import { COMPARE_STUDY_DEFAULTS, runCompare } from './run-compare.js';
import { modularStudy } from './test-support/modular-study.js';

describe('runCompare', () => {
  it('returns what modscope compare --json writes, key for key', async () => {
    const { model, dataset } = modularStudy();
    const r = await runCompare(model, dataset, { k: 2, permutations: 19 });
    expect(Object.keys(r)).toEqual(['kind', 'version', 'model', 'dataset', 'examples', 'k', 'partitions', 'overall', 'layers', 'warnings']);
    expect(r.warnings).toEqual([]); // 19 permutations can reach p = 0.05
    expect(r).toMatchObject({
      kind: 'modscope/compare',
      version: 1,
      model: 'modular-mlp-2',
      dataset: 'uniform',
      examples: 96,
      k: 2,
      partitions: { weights: 'weights', coactivation: 'coactivation (spearman, 96 examples)' },
    });
    // The two hidden layers of 32 units, and both together (units never active have no coactivation label).
    expect(r.layers.map((l) => l.layer)).toEqual(['dense1', 'dense2']);
    for (const l of r.layers) {
      expect(l.n).toBeGreaterThan(16);
      expect(l.n).toBeLessThanOrEqual(32);
    }
    expect(r.overall.n).toBe(r.layers[0]!.n + r.layers[1]!.n);
    expect(r.overall.permutation.ariP).toBeGreaterThan(0);
    expect(parseResult(JSON.parse(JSON.stringify(r)), { kinds: ['modscope/compare'] })).toEqual(r);
  });

  it('finds the planted modules in both partitions: they agree more than chance', async () => {
    // No weights between the modules and independent inputs: the weight graph and the coactivations
    // both split the hidden units by module.
    const { model, dataset } = modularStudy();
    const r = await runCompare(model, dataset, { k: 2, permutations: 99, seed: 1 });
    expect(r.overall.ari).toBeGreaterThan(0.7);
    expect(r.overall.permutation.ariP).toBeCloseTo(1 / 100, 12);
  });

  it('uses COMPARE_STUDY_DEFAULTS where an option is missing', async () => {
    const { model, dataset } = modularStudy(48);
    const r = await runCompare(model, dataset, { permutations: 9 });
    expect(r.k).toBe(COMPARE_STUDY_DEFAULTS.k);
    expect(r.partitions.coactivation).toMatch(/^coactivation \(spearman,/);
    expect(r.overall.permutation).toMatchObject({ permutations: 9 });
    // 9 permutations: no p below 0.1
    expect(r.warnings).toEqual([
      {
        test: 'permutation test (ARI and NMI)',
        samples: 9,
        smallestP: 0.1,
        message:
          'with 9 permutations no ARI or NMI p can be below 1/10 = 0.100, so none can reach p ≤ 0.05; use 19 permutations or more (the default 999 allows 0.001).',
      },
    ]);
  });
});
