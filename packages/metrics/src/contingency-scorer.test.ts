import { createRandom } from '@modscope/core';
import { adjustedRandIndex as testingAri } from '@modscope/core/testing';
import { describe, expect, it } from 'vitest';
import { ContingencyScorer, pairLabels } from './contingency-scorer.js';

/** NMI straight from the definition, over a Map contingency table. */
function nmiByDefinition(a: Int32Array, b: Int32Array): number {
  const n = a.length;
  const count = <K>(keys: Iterable<K>) => {
    const m = new Map<K, number>();
    for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
    return m;
  };
  const rows = count(a);
  const cols = count(b);
  const cells = count(Array.from(a, (x, i) => `${x},${b[i]}`));
  const h = (m: Map<unknown, number>) => -[...m.values()].reduce((s, c) => s + (c / n) * Math.log(c / n), 0);
  let mi = 0;
  for (const [key, c] of cells) {
    const [x, y] = key.split(',').map(Number) as [number, number];
    mi += (c / n) * Math.log((n * c) / (rows.get(x)! * cols.get(y)!));
  }
  return mi / ((h(rows) + h(cols)) / 2);
}

describe('pairLabels and ContingencyScorer', () => {
  it('keeps positions where both labels are ≥ 0 and relabels each side to 0..k−1 in order of appearance', () => {
    const p = pairLabels(Int32Array.from([7, -1, 7, 3, 9]), Int32Array.from([0, 5, -1, 2, 2]));
    expect(Array.from(p.a)).toEqual([0, 1, 2]);
    expect(Array.from(p.b)).toEqual([0, 1, 1]);
    expect([p.ka, p.kb]).toEqual([3, 2]);
  });

  it('gives the same scores with a sparse table (many clusters) as the definitions', () => {
    // 3000 × ~2000 clusters is above the dense-table limit, so this runs the Map path
    const rng = createRandom(2);
    const n = 3000;
    const a = Int32Array.from({ length: n }, (_, i) => i);
    const b = Int32Array.from({ length: n }, () => rng.int(2000));
    const paired = pairLabels(a, b);
    expect(paired.ka * paired.kb).toBeGreaterThan(1 << 22);
    const s = new ContingencyScorer(paired).score(paired.b);
    expect(s.ari).toBeCloseTo(testingAri(a, b), 12);
    expect(s.nmi).toBeCloseTo(nmiByDefinition(a, b), 12);
  });

  it('scores many permutations with one scorer, clearing the table between them', () => {
    const rng = createRandom(4);
    const a = Int32Array.from({ length: 200 }, () => rng.int(6));
    const b = Int32Array.from({ length: 200 }, () => rng.int(4));
    const paired = pairLabels(a, b);
    const scorer = new ContingencyScorer(paired);
    for (let t = 0; t < 5; t++) {
      const permuted = rng.shuffle(paired.b.slice());
      const s = scorer.score(permuted);
      expect(s.ari).toBeCloseTo(testingAri(paired.a, permuted), 12);
      expect(s.nmi).toBeCloseTo(nmiByDefinition(paired.a, permuted), 12);
    }
  });
});
