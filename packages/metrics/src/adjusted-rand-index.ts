import { ContingencyScorer, pairLabels } from './contingency-scorer.js';

/**
 * Adjusted Rand index of two labellings of the same items (Hubert & Arabie 1985), as scikit-learn's
 * `adjusted_rand_score`: 1 for the same partition under any relabelling, about 0 for independent ones,
 * negative when they agree less than chance. Only positions where both labels are ≥ 0 count (−1 = left
 * out). Both all-in-one-cluster or both all-singletons give 1, as in scikit-learn.
 */
export function adjustedRandIndex(a: Int32Array, b: Int32Array): number {
  const paired = pairLabels(a, b);
  return new ContingencyScorer(paired).score(paired.b).ari;
}
