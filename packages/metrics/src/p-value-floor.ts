import { InvalidArgumentError } from '@modscope/core';
import { fisherCombined } from './fisher-combined.js';

/** The level modscope's verdicts read as significant: p ≤ 0.05. */
export const SIGNIFICANCE_LEVEL = 0.05;

function checkSamples(n: number, argument: string): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError({
      argument,
      message: `@modscope/metrics: ${argument} = ${n}; it must be a whole number ≥ 1.`,
      hint: 'Pass the number of shuffles, random lesions or permutations the p-value was computed from.',
    });
  }
}

/**
 * The smallest p-value an empirical test with n null values can give: p = (r + 1) / (n + 1) (`empiricalP`,
 * `shuffleStatistics`, the permutation nulls of `comparePartitions`) is 1 / (n + 1) when no null value is
 * as extreme as the observed one. The same on either side: a left- and a right-sided p share the floor.
 */
export function smallestEmpiricalP(n: number): number {
  checkSamples(n, 'n');
  return 1 / (n + 1);
}

/**
 * The smallest p-value Fisher's method can give when it combines k empirical p-values of n null values
 * each: every one of them at its floor 1 / (n + 1), so X = 2k ln(n + 1) against a chi-square of 2k degrees
 * of freedom. One p-value (k = 1) keeps its own floor.
 */
export function smallestFisherP(k: number, n: number): number {
  checkSamples(k, 'k');
  return fisherCombined(new Array<number>(k).fill(smallestEmpiricalP(n))).p;
}

/**
 * The fewest null values with which an empirical p can reach `level` (default 0.05): the smallest n with
 * 1 / (n + 1) ≤ level, 19 for 0.05, 99 for 0.01.
 */
export function fewestNullValues(level: number = SIGNIFICANCE_LEVEL): number {
  if (!(level > 0 && level <= 1)) {
    throw new InvalidArgumentError({
      argument: 'level',
      message: `@modscope/metrics: level = ${level}; a significance level is in (0, 1].`,
      hint: 'Use e.g. 0.05.',
    });
  }
  // 1 / level − 1 up to rounding: 1 / 0.05 is 20 exactly in doubles, 1 / 0.1 a hair above 10
  return Math.max(1, Math.ceil(1 / level - 1 - 1e-9));
}

/** A test whose sample count keeps its p-value above `SIGNIFICANCE_LEVEL`, as the result files record it. */
export interface PValueFloorWarning {
  /** The p-values it is about, e.g. `shuffle test`. */
  test: string;
  /** Null values each of those p-values is computed from (shuffles, random lesions, permutations). */
  samples: number;
  /** The smallest p-value they allow. */
  smallestP: number;
  /** The warning in words, as the command prints it. */
  message: string;
}
