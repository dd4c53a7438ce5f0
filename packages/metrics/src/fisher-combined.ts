import { InvalidArgumentError } from '@modscope/core';

/** Fisher's combination of k independent p-values. */
export interface FisherCombined {
  /** X = −2 Σ ln p_i. */
  statistic: number;
  /** Degrees of freedom of its chi-square null: 2k. */
  df: number;
  /** Combined p = P(χ²_df ≥ X). */
  p: number;
}

const RESCALE_ABOVE = 1e280;
const LOG_RESCALE = Math.log(RESCALE_ABOVE);

/**
 * Survival function of the chi-square distribution with an even number 2k of degrees of freedom:
 * P(χ²_2k ≥ x) = e^(−x/2) Σ_{i<k} (x/2)^i / i!. Each term comes from the one before (× (x/2) / i); the
 * running sum is rescaled whenever it grows past 1e280 and e^(−x/2) is applied in log space at the end,
 * so large x and k neither overflow the sum nor underflow the factor before the end.
 */
function chiSquareSurvivalEven(x: number, k: number): number {
  const y = x / 2;
  let term = 1;
  let sum = 1;
  let logScale = 0;
  for (let i = 1; i < k; i++) {
    term *= y / i;
    sum += term;
    if (sum > RESCALE_ABOVE) {
      sum /= RESCALE_ABOVE;
      term /= RESCALE_ABOVE;
      logScale += LOG_RESCALE;
    }
  }
  return Math.min(1, Math.exp(Math.log(sum) + logScale - y));
}

/**
 * Fisher's method: combines independent p-values (say those of a network's sub-cluster lesions, method
 * §5) into one. X = −2 Σ ln p_i follows a chi-square distribution with 2k degrees of freedom when every
 * null holds; p is its right tail, computed in closed form. A single p-value comes back unchanged.
 */
export function fisherCombined(pValues: ArrayLike<number>): FisherCombined {
  const k = pValues.length;
  if (k === 0) {
    throw new InvalidArgumentError({
      argument: 'pValues',
      message: "@modscope/metrics: Fisher's method needs at least one p-value, got none.",
      hint: 'Pass the p-values of the tests to combine (e.g. one per sub-cluster).',
    });
  }
  let statistic = 0;
  for (let i = 0; i < k; i++) {
    const p = pValues[i]!;
    if (!(p > 0 && p <= 1)) {
      throw new InvalidArgumentError({
        argument: 'pValues',
        message: `@modscope/metrics: p-value ${p} at index ${i} is not in (0, 1]; Fisher's method needs every p-value in (0, 1].`,
        hint: 'Drop tests that produced no p-value (NaN) before combining; empirical p-values (r + 1)/(n + 1) are never 0.',
      });
    }
    statistic -= 2 * Math.log(p);
  }
  return { statistic, df: 2 * k, p: chiSquareSurvivalEven(statistic, k) };
}
