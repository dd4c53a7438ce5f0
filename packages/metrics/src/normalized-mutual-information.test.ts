import { InvalidArgumentError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { normalizedMutualInformation } from './normalized-mutual-information.js';

const labels = (...l: number[]) => Int32Array.from(l);

describe('normalizedMutualInformation', () => {
  it('is 1 for identical and for relabelled partitions', () => {
    const a = labels(0, 0, 1, 1, 2, 2, 2);
    expect(normalizedMutualInformation(a, a)).toBeCloseTo(1, 14);
    expect(normalizedMutualInformation(a, labels(5, 5, 9, 9, 0, 0, 0))).toBeCloseTo(1, 14);
  });

  it('matches scikit-learn (arithmetic-mean normalization, its default) on small examples', () => {
    // Reference values from scikit-learn 1.2.1 (Debian python3-sklearn):
    //   /usr/bin/python3 -c 'from sklearn.metrics import normalized_mutual_info_score as f; print(f(a, b))'
    expect(normalizedMutualInformation(labels(0, 0, 0, 1, 1, 1, 2, 2, 2, 2), labels(0, 0, 1, 1, 1, 2, 2, 2, 0, 0))).toBeCloseTo(
      0.39464837163589433,
      14,
    );
    expect(normalizedMutualInformation(labels(0, 0, 1, 1), labels(0, 1, 0, 1))).toBe(0);
    expect(normalizedMutualInformation(labels(0, 0, 1, 1), labels(0, 0, 1, 2))).toBeCloseTo(0.7999999999999999, 14);
    expect(normalizedMutualInformation(labels(3, 3, 3, 3, 7, 7, 7, 7, 9, 9, 9, 9), labels(1, 1, 1, 2, 2, 2, 2, 1, 5, 5, 5, 5))).toBeCloseTo(
      0.6587603285713901,
      14,
    );
    // scikit-learn's special cases: one cluster against a split is 0, one cluster against one cluster 1
    expect(normalizedMutualInformation(labels(0, 0, 0, 0), labels(0, 1, 2, 3))).toBe(0);
    expect(normalizedMutualInformation(labels(1, 1, 1), labels(0, 0, 0))).toBe(1);
  });

  it('hand check: a = 0 0 1 1, b = 0 0 1 2 gives I = ln 2, H(a) = ln 2, H(b) = 1.5 ln 2, NMI = 0.8', () => {
    // n = 4, cells (0,0) = 2, (1,1) = 1, (1,2) = 1: I = ½ ln(4·2 / (2·2)) + 2 · ¼ ln(4·1 / (2·1)) = ln 2
    expect(normalizedMutualInformation(labels(0, 0, 1, 1), labels(0, 0, 1, 2))).toBeCloseTo(
      Math.LN2 / ((Math.LN2 + 1.5 * Math.LN2) / 2),
      14,
    );
  });

  it('counts only positions where both labels are ≥ 0', () => {
    expect(normalizedMutualInformation(labels(0, 0, -1, 1, 1, 1), labels(0, 0, 1, 1, 2, -1))).toBeCloseTo(0.8, 14);
  });

  it('refuses labellings of different lengths and ones with nothing to compare', () => {
    expect(() => normalizedMutualInformation(labels(0, 1, 2), labels(0, 1))).toThrow(InvalidArgumentError);
    expect(() => normalizedMutualInformation(labels(-1), labels(-1))).toThrow(/nothing to compare/);
  });
});
