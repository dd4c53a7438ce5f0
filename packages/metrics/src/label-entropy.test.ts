import { InvalidArgumentError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { labelEntropy } from './label-entropy.js';

describe('labelEntropy', () => {
  it('is 0 for one class and ln(classes) for a uniform histogram', () => {
    expect(labelEntropy([4, 4, 4], 10)).toBe(0);
    expect(
      labelEntropy(
        Int32Array.from({ length: 10 }, (_, i) => i),
        10,
      ),
    ).toBeCloseTo(Math.log(10), 14);
    expect(labelEntropy([0, 1], 2)).toBeCloseTo(Math.LN2, 14);
  });

  it('matches scipy.stats.entropy on a histogram', () => {
    // counts 3, 3, 2, 1, 1 — SciPy 1.10.1: scipy.stats.entropy([3, 3, 2, 1, 1]) = 1.5047882836811908
    expect(labelEntropy([0, 0, 0, 1, 1, 1, 2, 2, 3, 4], 10)).toBeCloseTo(1.5047882836811908, 14);
  });

  it('refuses no labels, labels outside the classes and a bad class count', () => {
    expect(() => labelEntropy([], 10)).toThrow(InvalidArgumentError);
    expect(() => labelEntropy([0, 10], 10)).toThrow(/label 10 at index 1 is not a class in 0\.\.9/);
    expect(() => labelEntropy([-1], 10)).toThrow(InvalidArgumentError);
    expect(() => labelEntropy([0.5], 10)).toThrow(InvalidArgumentError);
    expect(() => labelEntropy([0], 0)).toThrow(/classes = 0/);
  });
});
