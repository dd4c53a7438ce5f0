import { ContingencyScorer, pairLabels } from './contingency-scorer.js';

/**
 * Normalized mutual information of two labellings of the same items, in [0, 1]: I(a; b) divided by the
 * arithmetic mean of the entropies, (H(a) + H(b)) / 2 — scikit-learn's `normalized_mutual_info_score`
 * with its default `average_method='arithmetic'`. 1 for the same partition under any relabelling, 0 for
 * independent ones. Only positions where both labels are ≥ 0 count (−1 = left out). As in scikit-learn,
 * two single-cluster labellings give 1, and one single-cluster labelling against a split one gives 0.
 */
export function normalizedMutualInformation(a: Int32Array, b: Int32Array): number {
  const paired = pairLabels(a, b);
  return new ContingencyScorer(paired).score(paired.b).nmi;
}
