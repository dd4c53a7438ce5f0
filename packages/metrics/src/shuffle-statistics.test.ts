import { describe, expect, it } from 'vitest';
import { shuffleStatistics } from './shuffle-statistics.js';

describe('shuffleStatistics', () => {
  it('computes p, z, mean and population std by hand', () => {
    // values 9, 10, 11, 10: mean 10, population std sqrt(0.5); real 8.5 is below all of them
    const s = shuffleStatistics(8.5, [9, 10, 11, 10]);
    expect(s.n).toBe(4);
    expect(s.mean).toBe(10);
    expect(s.std).toBeCloseTo(Math.SQRT1_2, 12);
    expect(s.z).toBeCloseTo(-1.5 / Math.SQRT1_2, 12);
    expect(s.p).toBe(1 / 5);
  });

  it('counts only values strictly below the real one', () => {
    expect(shuffleStatistics(10, [9, 10, 11, 10]).p).toBe(2 / 5);
    expect(shuffleStatistics(12, [9, 10, 11, 10]).p).toBe(1);
  });

  it('zero spread: z is 0 when equal, infinite otherwise', () => {
    expect(shuffleStatistics(3, [3, 3]).z).toBe(0);
    expect(shuffleStatistics(2, [3, 3]).z).toBe(-Infinity);
  });

  it('refuses no values and NaN', () => {
    expect(() => shuffleStatistics(1, [])).toThrow(/at least one/);
    expect(() => shuffleStatistics(Number.NaN, [1])).toThrow(/non-finite/);
  });
});
