import { InvalidArgumentError } from '@modscope/core';

/**
 * Empirical p-value of an observed statistic against values drawn under the null (shuffles, random
 * lesions, permutations): p = (r + 1) / (n + 1), so never 0.
 * - `'left'` (is it lower than chance?): r = number of values strictly below `observed` — the convention
 *   of `shuffleStatistics` and the method's shuffle test (§4).
 * - `'right'` (is it higher than chance?): the mirror, r = number of values strictly above `observed`.
 * Ties with `observed` are not counted on either side.
 */
export function empiricalP(observed: number, values: ArrayLike<number>, side: 'left' | 'right'): number {
  if (side !== 'left' && side !== 'right') {
    throw new InvalidArgumentError({
      argument: 'side',
      message: `@modscope/metrics: side '${String(side)}' is neither 'left' nor 'right'.`,
      hint: "Use 'left' for lower-than-chance, 'right' for higher-than-chance.",
    });
  }
  const n = values.length;
  if (n === 0) {
    throw new InvalidArgumentError({
      argument: 'values',
      message: '@modscope/metrics: an empirical p-value needs at least one null value, got none.',
      hint: 'Run at least one shuffle, random lesion or permutation (19 or more is better).',
    });
  }
  if (!Number.isFinite(observed)) {
    throw new InvalidArgumentError({
      argument: 'observed',
      message: `@modscope/metrics: the observed value is ${observed}; it must be a finite number.`,
      hint: 'Check the evaluation that produced it.',
    });
  }
  let r = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      throw new InvalidArgumentError({
        argument: 'values',
        message: `@modscope/metrics: null value ${v} at index ${i} is not a finite number.`,
        hint: 'Leave out the runs that failed before computing the p-value.',
      });
    }
    if (side === 'left' ? v < observed : v > observed) r++;
  }
  return (r + 1) / (n + 1);
}
