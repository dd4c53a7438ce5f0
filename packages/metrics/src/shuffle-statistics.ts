import { InvalidArgumentError } from '@modscope/core';

/** How a real value compares with the values of shuffled (null) networks. */
export interface ShuffleStatistics {
  /** Number of shuffled values. */
  n: number;
  mean: number;
  /** Population standard deviation of the shuffled values. */
  std: number;
  /** (real − mean) / std; ±Infinity when std is 0 and real differs from mean, 0 when both agree. */
  z: number;
  /** Left-sided p = (r + 1) / (n + 1), r = number of shuffled values strictly below the real one. */
  p: number;
  values: number[];
}

/**
 * The statistics of the shuffle test (the method, §4): is the real n-cut lower than the shuffled ones?
 * p is left-sided, z uses the population standard deviation.
 */
export function shuffleStatistics(real: number, values: readonly number[]): ShuffleStatistics {
  const n = values.length;
  if (n === 0) {
    throw new InvalidArgumentError({
      argument: 'values',
      message: '@modscope/metrics: the shuffle test needs at least one shuffled value.',
      hint: 'Run at least one shuffle (50 is the default).',
    });
  }
  if (!Number.isFinite(real) || values.some((v) => !Number.isFinite(v))) {
    throw new InvalidArgumentError({
      argument: 'values',
      message: '@modscope/metrics: the shuffle test got a non-finite n-cut.',
      hint: 'Check the graph for NaN weights.',
    });
  }
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
  const below = values.filter((v) => v < real).length;
  const diff = real - mean;
  const z = std > 0 ? diff / std : diff === 0 ? 0 : diff > 0 ? Infinity : -Infinity;
  return { n, mean, std, z, p: (below + 1) / (n + 1), values: [...values] };
}
