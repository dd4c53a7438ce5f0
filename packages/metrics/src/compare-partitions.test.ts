import { createRandom, InvalidArgumentError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from './adjusted-rand-index.js';
import { comparePartitions } from './compare-partitions.js';
import { normalizedMutualInformation } from './normalized-mutual-information.js';

const labels = (...l: number[]) => Int32Array.from(l);

describe('comparePartitions', () => {
  it('reports the same ARI and NMI as the single functions, and the compared count', () => {
    const a = labels(3, 3, 3, 3, 7, 7, 7, 7, 9, 9, 9, 9, -1);
    const b = labels(1, 1, 1, 2, 2, 2, 2, 1, 5, 5, 5, 5, 0);
    const c = comparePartitions(a, b, { permutations: 19 });
    expect(c.ari).toBe(adjustedRandIndex(a, b));
    expect(c.nmi).toBe(normalizedMutualInformation(a, b));
    expect(c.n).toBe(12);
    expect(c.permutation.permutations).toBe(19);
    expect(c.permutation.values).toBeUndefined();
  });

  it('exact null of a = 0 0 1 1 against itself: ARI is 1 for 8 of the 24 orders and −0.5 otherwise', () => {
    // mean 8/24 · 1 + 16/24 · (−0.5) = 0; std = sqrt(1/3 · 1 + 2/3 · 0.25) = sqrt(0.5)
    // NMI is 1 for the same 8 orders and 0 otherwise; p ≈ 1/3 for both
    const a = labels(0, 0, 1, 1);
    const c = comparePartitions(a, a, { permutations: 3000, seed: 4 });
    expect(c.ari).toBe(1);
    expect(c.nmi).toBeCloseTo(1, 14);
    expect(c.permutation.ariMean).toBeCloseTo(0, 1);
    expect(c.permutation.ariStd).toBeCloseTo(Math.SQRT1_2, 1);
    expect(c.permutation.ariP).toBeCloseTo(1 / 3, 1);
    expect(c.permutation.nmiMean).toBeCloseTo(1 / 3, 1);
    // the NMI and ARI nulls count the same orders as ties with the observed value
    expect(c.permutation.nmiP).toBe(c.permutation.ariP);
  });

  it('computes p = (r + 1)/(n + 1) from the permuted values, ties counted, mean and population std', () => {
    const rng = createRandom(11);
    const a = Int32Array.from({ length: 60 }, (_, i) => i % 3);
    const b = Int32Array.from(a, (l) => (rng.next() < 0.6 ? l : rng.int(3)));
    const c = comparePartitions(a, b, { permutations: 99, seed: 2, keepValues: true });
    const { values } = c.permutation;
    expect(values!.ari).toHaveLength(99);
    for (const [key, observed, p, mean, std] of [
      ['ari', c.ari, c.permutation.ariP, c.permutation.ariMean, c.permutation.ariStd],
      ['nmi', c.nmi, c.permutation.nmiP, c.permutation.nmiMean, c.permutation.nmiStd],
    ] as const) {
      const v = Array.from(values![key]);
      const m = v.reduce((s, x) => s + x, 0) / v.length;
      expect(mean).toBeCloseTo(m, 12);
      expect(std).toBeCloseTo(Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length), 12);
      expect(p).toBe((v.filter((x) => x >= observed).length + 1) / 100);
    }
    // a clear agreement: nothing in the null reaches it
    expect(c.permutation.ariP).toBe(1 / 100);
    expect(c.permutation.ariMean).toBeCloseTo(0, 1);
  });

  it('permutes b among the compared positions only, one forked generator per permutation', () => {
    const a = labels(0, -1, 0, 1, 1, 2, 2, 2, -1, 0);
    const b = labels(1, 1, 1, 0, 2, 2, 2, -1, 0, 0);
    const seed = 5;
    const c = comparePartitions(a, b, { permutations: 30, seed, keepValues: true });
    const keep = [...a.keys()].filter((i) => a[i]! >= 0 && b[i]! >= 0);
    const fa = Int32Array.from(keep, (i) => a[i]!);
    for (const i of [0, 7, 29]) {
      const permuted = createRandom(seed)
        .fork(i)
        .shuffle(Int32Array.from(keep, (j) => b[j]!));
      expect(c.permutation.values!.ari[i]).toBeCloseTo(adjustedRandIndex(fa, permuted), 14);
      expect(c.permutation.values!.nmi[i]).toBeCloseTo(normalizedMutualInformation(fa, permuted), 14);
    }
  });

  it('is reproducible from its seed and does not depend on how many permutations follow', () => {
    const rng = createRandom(1);
    const a = Int32Array.from({ length: 40 }, () => rng.int(4));
    const b = Int32Array.from({ length: 40 }, () => rng.int(3));
    const long = comparePartitions(a, b, { permutations: 50, seed: 9, keepValues: true });
    const short = comparePartitions(a, b, { permutations: 20, seed: 9, keepValues: true });
    expect(comparePartitions(a, b, { permutations: 50, seed: 9 }).permutation.ariP).toBe(long.permutation.ariP);
    expect(Array.from(short.permutation.values!.ari)).toEqual(Array.from(long.permutation.values!.ari.subarray(0, 20)));
    const other = comparePartitions(a, b, { permutations: 50, seed: 10, keepValues: true });
    expect(Array.from(other.permutation.values!.nmi)).not.toEqual(Array.from(long.permutation.values!.nmi));
  });

  it('uses 999 permutations and seed 0 by default', () => {
    const a = labels(0, 0, 1, 1, 2, 2);
    const c = comparePartitions(a, labels(0, 1, 1, 2, 2, 0));
    expect(c.permutation.permutations).toBe(999);
    expect(c).toEqual(comparePartitions(a, labels(0, 1, 1, 2, 2, 0), { permutations: 999, seed: 0 }));
  });

  it('refuses bad labellings and options, saying how to fix them', () => {
    expect(() => comparePartitions(labels(0, 1), labels(0, 1, 2))).toThrow(/different lengths/);
    expect(() => comparePartitions(labels(-1), labels(0))).toThrow(InvalidArgumentError);
    expect(() => comparePartitions(labels(0, 1), labels(0, 1), { permutations: 0 })).toThrow(/permutations = 0.*Use e\.g\. 999/);
    expect(() => comparePartitions(labels(0, 1), labels(0, 1), { permutations: 2.5 })).toThrow(InvalidArgumentError);
    expect(() => comparePartitions(labels(0, 1), labels(0, 1), { seed: Number.NaN })).toThrow(/seed = NaN/);
  });
});
