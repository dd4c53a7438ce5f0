import { describe, expect, it } from 'vitest';
import { floorText, pText } from './warning-lines.js';

describe('pText', () => {
  it('prints 3 (or the asked) decimals from 0.001 up, and smaller p-values in scientific notation, never 0.0000', () => {
    expect(pText(0.0563)).toBe('0.056');
    expect(pText(0.0563, { digits: 4 })).toBe('0.0563');
    expect(pText(0.001)).toBe('0.001');
    expect(pText(0.0003, { digits: 4 })).toBe('3e-4');
    expect(pText(6.02e-10, { digits: 4 })).toBe('6e-10');
    expect(pText(1.234e-5)).toBe('1.2e-5');
    expect(pText(9.96e-7)).toBe('1e-6');
    expect(pText(1)).toBe('1.000');
    expect(pText(0)).toBe('0.000');
    expect([pText(null), pText(undefined), pText(Number.NaN)]).toEqual(['—', '—', '—']);
  });

  it('says (smallest possible) for a p at its floor, however small', () => {
    expect(pText(1 / 11, { floor: 1 / 11 })).toBe('0.091 (smallest possible)');
    expect(pText(0.2, { floor: 1 / 11 })).toBe('0.200');
    const fisherFloor = 5.871e-23;
    expect(pText(fisherFloor * (1 + 1e-12), { digits: 4, floor: fisherFloor })).toBe('5.9e-23 (smallest possible)');
    expect(pText(2 * fisherFloor, { digits: 4, floor: fisherFloor })).toBe('1.2e-22');
    expect(pText(0.5, { floor: null })).toBe('0.500');
  });

  it('floorText keeps its own form for the sentence that states a floor', () => {
    expect(floorText(0.01)).toBe('0.010');
    expect(floorText(6.02e-10)).toBe('6.0e-10');
  });
});
