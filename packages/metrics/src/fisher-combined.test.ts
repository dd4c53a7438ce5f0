import { InvalidArgumentError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { fisherCombined } from './fisher-combined.js';

describe('fisherCombined', () => {
  it('gives a single p-value back unchanged (χ²₂ survival is e^(−x/2))', () => {
    for (const p of [1, 0.5, 0.05, 1e-10]) {
      const f = fisherCombined([p]);
      expect(f.df).toBe(2);
      expect(f.statistic).toBeCloseTo(-2 * Math.log(p), 12);
      expect(f.p).toBeCloseTo(p, 14);
    }
  });

  it('hand check with two p-values: P = q (1 − ln q), q = p₁ p₂', () => {
    const q = 0.1 * 0.3;
    const f = fisherCombined(Float64Array.from([0.1, 0.3]));
    expect(f).toMatchObject({ df: 4 });
    expect(f.p).toBeCloseTo(q * (1 - Math.log(q)), 14);
  });

  it('matches scipy.stats.combine_pvalues(method="fisher")', () => {
    // Reference values from SciPy 1.10.1 (Debian python3-scipy):
    //   /usr/bin/python3 -c 'from scipy.stats import combine_pvalues; print(combine_pvalues(ps, method="fisher"))'
    const cases: [number[], number, number][] = [
      [[0.01, 0.2, 0.3], 14.837161805496255, 0.021561751324834632],
      [Array<number>(10).fill(0.05), 59.914645471079815, 7.341634175937026e-6],
      [[1e-5, 0.5], 24.412145291060348, 6.603036322765084e-5],
      [[0.9, 0.95, 0.99, 1], 0.33340829179775666, 0.9999718279876055],
      [Array<number>(200).fill(0.5), 277.2588722239781, 0.999999415559474],
    ];
    for (const [ps, statistic, p] of cases) {
      const f = fisherCombined(ps);
      expect(f.df).toBe(2 * ps.length);
      expect(f.statistic).toBeCloseTo(statistic, 9);
      expect(f.p / p).toBeCloseTo(1, 10);
    }
  });

  it('stays finite where the plain sum of terms would overflow', () => {
    // 400 × p = 0.1: the largest term (x/2)^i / i! is about e^729 and e^(−x/2) about e^(−921).
    // SciPy 1.10.1: chi2.logsf(1842.0680743952366, 800) = −191.60365977154768, sf = 6.131798131398812e-84
    const f = fisherCombined(Array<number>(400).fill(0.1));
    expect(f.statistic).toBeCloseTo(1842.0680743952366, 8);
    expect(Math.log(f.p)).toBeCloseTo(-191.60365977154768, 8);
    expect(fisherCombined(Array<number>(400).fill(0.9)).p).toBe(1);
    expect(fisherCombined(Array<number>(1000).fill(1e-300)).p).toBe(0);
    expect(fisherCombined([1, 1, 1]).p).toBe(1);
  });

  it('refuses no p-values, NaN, 0 and values outside (0, 1], saying how to fix it', () => {
    expect(() => fisherCombined([])).toThrow(InvalidArgumentError);
    expect(() => fisherCombined([])).toThrow(/at least one p-value/);
    expect(() => fisherCombined([0.5, Number.NaN])).toThrow(/p-value NaN at index 1.*Drop tests that produced no p-value/);
    expect(() => fisherCombined([0])).toThrow(/p-value 0 at index 0 is not in \(0, 1\]/);
    expect(() => fisherCombined([1.2])).toThrow(InvalidArgumentError);
    expect(() => fisherCombined([-0.1])).toThrow(InvalidArgumentError);
  });
});
