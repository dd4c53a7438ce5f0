import { InvalidArgumentError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { empiricalP } from './empirical-p.js';
import { shuffleStatistics } from './shuffle-statistics.js';

describe('empiricalP', () => {
  const values = [9, 10, 11, 10];

  it('left: counts values strictly below, as shuffleStatistics does', () => {
    expect(empiricalP(8.5, values, 'left')).toBe(1 / 5);
    expect(empiricalP(10, values, 'left')).toBe(2 / 5);
    expect(empiricalP(12, values, 'left')).toBe(1);
    for (const x of [8.5, 9, 10, 10.5, 11, 12]) expect(empiricalP(x, values, 'left')).toBe(shuffleStatistics(x, values).p);
  });

  it('right: counts values strictly above (the mirror)', () => {
    expect(empiricalP(12, values, 'right')).toBe(1 / 5);
    expect(empiricalP(10, values, 'right')).toBe(2 / 5);
    expect(empiricalP(8.5, values, 'right')).toBe(1);
    expect(empiricalP(3, Float64Array.from([3, 3, 3]), 'right')).toBe(1 / 4);
  });

  it('refuses no values, non-finite numbers and an unknown side', () => {
    expect(() => empiricalP(1, [], 'left')).toThrow(InvalidArgumentError);
    expect(() => empiricalP(1, [], 'left')).toThrow(/at least one null value/);
    expect(() => empiricalP(Number.NaN, [1], 'left')).toThrow(/observed value is NaN/);
    expect(() => empiricalP(1, [1, Number.POSITIVE_INFINITY], 'right')).toThrow(/null value Infinity at index 1/);
    expect(() => empiricalP(1, [1], 'both' as 'left')).toThrow(/neither 'left' nor 'right'/);
  });
});
