import { expect, it } from 'vitest';
import { entropyOf, softmaxEntropy } from './softmax-entropy.js';

it('gives the softmax and its entropy in nats, resolving confident outputs below float32 precision', () => {
  const uniform = softmaxEntropy([2, 2, 2]);
  expect(uniform.entropy).toBeCloseTo(Math.log(3), 12);
  expect(Array.from(uniform.softmax)).toEqual([1 / 3, 1 / 3, 1 / 3].map(Math.fround));
  // p = (1 − ε, ε) with ε = e^−100: H ≈ ε (1 + 100), where float32 probabilities would give exactly 0.
  expect(softmaxEntropy([100, 0]).entropy / (101 * Math.exp(-100))).toBeCloseTo(1, 6);
  expect(entropyOf([0.5, 0.5, 0])).toBeCloseTo(Math.log(2), 12);
});
