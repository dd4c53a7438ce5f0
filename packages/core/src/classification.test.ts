import { describe, expect, it } from 'vitest';
import { classificationReport } from './classification.js';

describe('classificationReport', () => {
  it('computes accuracy, per-class accuracy and the confusion matrix', () => {
    const logits = Float32Array.from([0.9, 0.1, 0.2, 0.8, 0.7, 0.3, 0.6, 0.4]);
    const r = classificationReport(logits, Int32Array.from([0, 1, 1, 0]), 2);
    expect(r.accuracy).toBe(0.75);
    expect(r.perClassAccuracy).toEqual([1, 0.5]);
    expect(r.confusion).toEqual([
      [2, 0],
      [1, 1],
    ]);
  });

  it('refuses labels outside the class range and mismatched sizes', () => {
    expect(() => classificationReport(new Float32Array(4), Int32Array.from([0, 2]), 2)).toThrow(/Label 2 of example 1 is outside 0..1/);
    expect(() => classificationReport(new Float32Array(3), Int32Array.from([0, 1]), 2)).toThrow(/3 output values for 2 labels/);
  });
});
