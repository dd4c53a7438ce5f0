import { describe, expect, it } from 'vitest';
import { magnitudeMask, polynomialSparsity } from './prune-schedule.js';

describe('polynomialSparsity', () => {
  const schedule = { from: 0.5, to: 0.9, startStep: 100, endStep: 200, power: 3 };
  it('rises from `from` to `to` as 1 − (1 − p)³', () => {
    expect(polynomialSparsity(0, schedule)).toBe(0.5);
    expect(polynomialSparsity(100, schedule)).toBe(0.5);
    expect(polynomialSparsity(150, schedule)).toBeCloseTo(0.9 - 0.4 * 0.125, 12);
    expect(polynomialSparsity(200, schedule)).toBe(0.9);
    expect(polynomialSparsity(500, schedule)).toBe(0.9);
  });
});

describe('magnitudeMask', () => {
  it('zeros exactly round(s·n) entries with the smallest |w|, ties by position', () => {
    const w = Float32Array.from([0.5, -0.1, 0.3, 0.1, -0.9, 0.2]);
    expect([...magnitudeMask(w, 0.5)]).toEqual([1, 0, 1, 0, 1, 0]);
    expect([...magnitudeMask(w, 0)]).toEqual([1, 1, 1, 1, 1, 1]);
  });
  it('keeps held zeros pruned first', () => {
    const w = Float32Array.from([0.5, -0.1, 0.3, 0.1, -0.9, 0.2]);
    const held = Float32Array.from([1, 1, 1, 1, 0, 1]);
    expect([...magnitudeMask(w, 1 / 3, held)]).toEqual([1, 0, 1, 1, 0, 1]);
    // more held zeros than the target: all stay
    expect([...magnitudeMask(w, 0, held)]).toEqual([...held]);
  });
});
