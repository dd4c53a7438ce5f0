import { InvalidArgumentError } from '@modscope/core';

/**
 * Shannon entropy, in nats, of the histogram of `labels` over `classes` classes: −Σ_c q_c ln q_c with
 * q_c the share of labels equal to c. 0 when all labels agree, ln(classes) at most. Upstream coherence
 * (method §5) compares it for the examples that activate a sub-cluster most against random sets.
 */
export function labelEntropy(labels: ArrayLike<number>, classes: number): number {
  if (!Number.isInteger(classes) || classes < 1) {
    throw new InvalidArgumentError({
      argument: 'classes',
      message: `@modscope/metrics: classes = ${classes}; the number of classes must be a whole number of at least 1.`,
      hint: 'Pass the dataset’s class count (e.g. 10 for MNIST).',
    });
  }
  const n = labels.length;
  if (n === 0) {
    throw new InvalidArgumentError({
      argument: 'labels',
      message: '@modscope/metrics: the entropy of no labels is undefined.',
      hint: 'Pass at least one label (the method uses the 10 top-activating examples).',
    });
  }
  const counts = new Float64Array(classes);
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (!Number.isInteger(l) || l < 0 || l >= classes) {
      throw new InvalidArgumentError({
        argument: 'labels',
        message: `@modscope/metrics: label ${l} at index ${i} is not a class in 0..${classes - 1}.`,
        hint: 'Pass class indices, and a class count larger than the largest of them.',
      });
    }
    counts[l]! += 1;
  }
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * Math.log(c / n);
  return h;
}
