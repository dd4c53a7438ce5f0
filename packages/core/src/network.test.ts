import { describe, expect, it } from 'vitest';
import { cloneNetwork, inputSize, outputSize, parameterCount, sparsity, validateNetwork, weightedLayers } from './network.js';
import { tinyCnn, tinyMlp, tinyResidualCnn } from './testing/synthetic-networks.js';

describe('network representation', () => {
  it('accepts the synthetic networks as valid', () => {
    for (const n of [tinyMlp(), tinyCnn(), tinyCnn({ layout: 'nhwc' }), tinyResidualCnn()]) expect(validateNetwork(n)).toEqual([]);
  });

  it('reports structural problems', () => {
    const n = tinyMlp();
    const dense = weightedLayers(n)[0]!;
    dense.kernel = dense.kernel.subarray(1);
    n.layers.push({ kind: 'add', id: 'sum', name: 'sum', inputs: ['nowhere'], units: 3, outputShape: [3] });
    n.output = 'missing';
    const problems = validateNetwork(n);
    expect(problems).toContain(`dense 'dense1' kernel length ≠ 6×8`);
    expect(problems).toContain(`layer 'sum' reads 'nowhere', which does not come before it`);
    expect(problems).toContain(`output layer 'missing' does not exist`);
  });

  it('counts parameters, sizes and sparsity', () => {
    const n = tinyMlp({ sizes: [4, 5, 2] });
    expect(inputSize(n)).toBe(4);
    expect(outputSize(n)).toBe(2);
    const [a, b] = weightedLayers(n);
    expect(parameterCount(a!)).toBe(4 * 5 + 5);
    expect(parameterCount(b!)).toBe(5 * 2 + 2);
    a!.kernel.fill(0, 0, 5);
    expect(sparsity(a!)).toBe(5 / 20);
  });

  it('clones deeply', () => {
    const n = tinyMlp();
    const c = cloneNetwork(n);
    weightedLayers(c)[0]!.kernel[0] = 123;
    expect(weightedLayers(n)[0]!.kernel[0]).not.toBe(123);
  });
});
