import { InvalidArgumentError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { empiricalP } from './empirical-p.js';
import { fisherCombined } from './fisher-combined.js';
import { fewestNullValues, SIGNIFICANCE_LEVEL, smallestEmpiricalP, smallestFisherP } from './p-value-floor.js';
import { shuffleStatistics } from './shuffle-statistics.js';

describe('smallestEmpiricalP', () => {
  it('is 1 / (n + 1): 0.091 with 10 samples, 0.05 with 19, 0.01 with 99', () => {
    expect(smallestEmpiricalP(10)).toBeCloseTo(0.0909, 4);
    expect(smallestEmpiricalP(19)).toBe(0.05);
    expect(smallestEmpiricalP(99)).toBe(0.01);
  });

  it('is what empiricalP (either side) and shuffleStatistics give when no null value is as extreme', () => {
    for (const n of [1, 4, 10, 19, 50]) {
      const values = Array.from({ length: n }, (_, i) => 1 + i);
      expect(empiricalP(0, values, 'left')).toBe(smallestEmpiricalP(n));
      expect(empiricalP(n + 1, values, 'right')).toBe(smallestEmpiricalP(n));
      expect(shuffleStatistics(0, values).p).toBe(smallestEmpiricalP(n));
    }
  });

  it('refuses a count that is not a whole number ≥ 1', () => {
    expect(() => smallestEmpiricalP(0)).toThrow(InvalidArgumentError);
    expect(() => smallestEmpiricalP(2.5)).toThrow(/n = 2.5; it must be a whole number ≥ 1/);
  });
});

describe('smallestFisherP', () => {
  it("is Fisher's combination of k floors; one p-value keeps its floor", () => {
    expect(smallestFisherP(1, 10)).toBeCloseTo(1 / 11, 12);
    expect(smallestFisherP(3, 19)).toBe(fisherCombined([0.05, 0.05, 0.05]).p);
    // two sub-clusters with 10 random lesions each: X = 4 ln 11, P(χ²₄ ≥ X) = e^(−X/2) (1 + X/2)
    const x = 4 * Math.log(11);
    expect(smallestFisherP(2, 10)).toBeCloseTo(Math.exp(-x / 2) * (1 + x / 2), 12);
    expect(smallestFisherP(2, 10)).toBeLessThan(SIGNIFICANCE_LEVEL);
    expect(smallestFisherP(16, 99)).toBeLessThan(1e-15);
  });
});

describe('fewestNullValues', () => {
  it('is the smallest n whose floor reaches the level', () => {
    expect(fewestNullValues()).toBe(19);
    expect(fewestNullValues(0.01)).toBe(99);
    expect(fewestNullValues(0.1)).toBe(9);
    expect(fewestNullValues(1)).toBe(1);
    for (const level of [0.05, 0.01, 0.1, 0.03, 0.2]) {
      const n = fewestNullValues(level);
      expect(smallestEmpiricalP(n)).toBeLessThanOrEqual(level);
      if (n > 1) expect(smallestEmpiricalP(n - 1)).toBeGreaterThan(level);
    }
    expect(() => fewestNullValues(0)).toThrow(/level = 0/);
  });
});
