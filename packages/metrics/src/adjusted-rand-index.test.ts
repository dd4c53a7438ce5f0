import { createRandom, InvalidArgumentError } from '@modscope/core';
import { adjustedRandIndex as testingAri } from '@modscope/core/testing';
import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from './adjusted-rand-index.js';

const labels = (...l: number[]) => Int32Array.from(l);

describe('adjustedRandIndex', () => {
  it('is 1 for identical and for relabelled partitions', () => {
    const a = labels(0, 0, 1, 1, 2, 2, 2);
    expect(adjustedRandIndex(a, a)).toBe(1);
    expect(adjustedRandIndex(a, labels(5, 5, 9, 9, 0, 0, 0))).toBe(1);
  });

  it('matches scikit-learn on small examples', () => {
    // Reference values from scikit-learn 1.2.1 (Debian python3-sklearn):
    //   /usr/bin/python3 -c 'from sklearn.metrics import adjusted_rand_score as f; print(f(a, b))'
    expect(adjustedRandIndex(labels(0, 0, 0, 1, 1, 1, 2, 2, 2, 2), labels(0, 0, 1, 1, 1, 2, 2, 2, 0, 0))).toBeCloseTo(
      0.09090909090909091,
      14,
    );
    expect(adjustedRandIndex(labels(0, 0, 1, 1), labels(0, 1, 0, 1))).toBeCloseTo(-0.5, 14);
    expect(adjustedRandIndex(labels(0, 0, 1, 1), labels(0, 0, 1, 2))).toBeCloseTo(0.5714285714285714, 14);
    expect(adjustedRandIndex(labels(3, 3, 3, 3, 7, 7, 7, 7, 9, 9, 9, 9), labels(1, 1, 1, 2, 2, 2, 2, 1, 5, 5, 5, 5))).toBeCloseTo(
      0.5416666666666666,
      14,
    );
    // scikit-learn's special cases: one cluster against singletons is 0; singletons against singletons 1
    expect(adjustedRandIndex(labels(0, 0, 0, 0), labels(0, 1, 2, 3))).toBe(0);
    expect(adjustedRandIndex(labels(0, 1, 2, 3), labels(3, 2, 1, 0))).toBe(1);
    expect(adjustedRandIndex(labels(4), labels(2))).toBe(1);
  });

  it('hand check: 2 × 2 table [[2, 0], [1, 1]]', () => {
    // a = 0 0 1 1, b = 0 0 0 1: Σ C(nij, 2) = 1, Σ C(ai, 2) = 2, Σ C(bj, 2) = 3, C(4, 2) = 6
    // expected = 2 · 3 / 6 = 1, max = (2 + 3) / 2 = 2.5, ARI = (1 − 1) / (2.5 − 1) = 0
    expect(adjustedRandIndex(labels(0, 0, 1, 1), labels(0, 0, 0, 1))).toBeCloseTo(0, 14);
  });

  it('counts only positions where both labels are ≥ 0', () => {
    const a = labels(0, 0, -1, 0, 1, 1, 1, 2, 2, 2, 2, -1);
    const b = labels(0, 0, 3, 1, 1, -1, 1, 2, 2, 2, 0, -1);
    // the same as comparing the arrays without positions 2, 5 and 11
    const keep = [...a.keys()].filter((i) => a[i]! >= 0 && b[i]! >= 0);
    expect(adjustedRandIndex(a, b)).toBe(
      adjustedRandIndex(
        Int32Array.from(keep, (i) => a[i]!),
        Int32Array.from(keep, (i) => b[i]!),
      ),
    );
  });

  it('agrees with the test helper in @modscope/core/testing on random labellings', () => {
    const rng = createRandom(3);
    for (let t = 0; t < 20; t++) {
      const n = 20 + rng.int(200);
      const a = Int32Array.from({ length: n }, () => rng.int(5) - (rng.next() < 0.1 ? 6 : 0));
      const b = Int32Array.from(a, (l) => (rng.next() < 0.5 ? l : rng.int(4)));
      expect(adjustedRandIndex(a, b)).toBeCloseTo(testingAri(a, b), 12);
    }
  });

  it('refuses labellings of different lengths and ones with nothing to compare', () => {
    expect(() => adjustedRandIndex(labels(0, 1), labels(0))).toThrow(InvalidArgumentError);
    expect(() => adjustedRandIndex(labels(0, 1), labels(0))).toThrow(/different lengths \(2 and 1\).*same item order/);
    expect(() => adjustedRandIndex(labels(-1, 0), labels(0, -1))).toThrow(/no position has a label ≥ 0 in both/);
    expect(() => adjustedRandIndex(labels(), labels())).toThrow(InvalidArgumentError);
  });
});
