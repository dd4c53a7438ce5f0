import { describe, expect, it } from 'vitest';
import {
  fraction,
  integerIn,
  epochCount,
  MAX_PERMUTATIONS,
  MAX_RANDOM_LESIONS,
  MAX_SEED,
  MAX_SHUFFLES,
  MAX_WORKERS,
  numberList,
  permutationCount,
  positiveInt,
  randomLesionCount,
  seed,
  shuffleCount,
  stepCount,
  stepCountOrZero,
  workerCount,
} from './option-values.js';

const message = (parse: (v: string) => unknown, value: string) => {
  try {
    parse(value);
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
};

describe('option values', () => {
  it('accept the bounds and refuse one past them, stating the range', () => {
    expect([shuffleCount('0'), shuffleCount(String(MAX_SHUFFLES))]).toEqual([0, 10_000]);
    expect(message(shuffleCount, '10001')).toBe('expected an integer from 0 to 10,000 (0 skips the test).');
    expect(workerCount(String(MAX_WORKERS))).toBe(64);
    expect(message(workerCount, '65')).toBe('expected an integer from 0 to 64 (0 runs the shuffles in the main thread).');
    expect(permutationCount(String(MAX_PERMUTATIONS))).toBe(100_000);
    expect(message(permutationCount, '0')).toBe('expected an integer from 1 to 100,000.');
    expect(seed(String(MAX_SEED))).toBe(4294967295);
    expect(message(seed, '-1')).toBe('expected an integer from 0 to 4,294,967,295.');
    expect(message(positiveInt, '0')).toBe('expected an integer ≥ 1.');
    expect(message(integerIn(2), '1')).toBe('expected an integer ≥ 2.');
    // counts of work that a typo (1e7) would turn into a run that never ends
    expect(randomLesionCount(String(MAX_RANDOM_LESIONS))).toBe(10_000);
    expect(message(randomLesionCount, '1e7')).toBe('expected an integer from 1 to 10,000.');
    expect(message(epochCount, '1e9')).toBe('expected an integer from 1 to 10,000.');
    expect(message(stepCount, '1e9')).toBe('expected an integer from 1 to 1,000,000.');
    expect([stepCountOrZero('0'), message(stepCountOrZero, '1000001')]).toEqual([0, 'expected an integer from 0 to 1,000,000.']);
  });

  it('refuse what is not a decimal number: empty, blank, hex, Infinity, separators', () => {
    for (const value of ['', ' ', '0x10', 'Infinity', '1_000', '1e400', '3.5', 'ten']) expect(message(positiveInt, value)).toBeDefined();
    for (const value of ['', ' ', '1', 'NaN']) expect(message(fraction, value)).toBeDefined();
    expect(message(numberList, '')).toMatch(/^expected finite numbers/);
    expect(message(numberList, '0.1,,0.3')).toMatch(/^expected finite numbers/);
  });

  it('read what a user types', () => {
    expect([positiveInt(' 12 '), positiveInt('1e3'), fraction('.9'), fraction('0')]).toEqual([12, 1000, 0.9, 0]);
    expect(numberList('0.1, 0.2,3e-1')).toEqual([0.1, 0.2, 0.3]);
  });
});
