import { createRandom } from '@modscope/core';
import { describe, expect, it } from 'vitest';
// the helper threads' script exists only in the build, so this file tests the built package
import { kmeans, kmeansThreads } from '../dist/index.js';
import { availableParallelism } from 'node:os';

/** Overlapping blobs: restarts end in different local optima, so the winner is a real choice. */
function blobs(n: number, d: number, k: number, seed: number): Float64Array {
  const rng = createRandom(seed);
  const centers = Array.from({ length: k }, () => Array.from({ length: d }, () => rng.normal() * 2));
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) data[i * d + t] = centers[i % k]![t]! + rng.normal();
  return data;
}

describe('kmeans restarts on helper threads', () => {
  it('gives the result of one thread, whatever the number of threads, call after call', () => {
    const n = 900;
    const d = 12;
    const k = 12;
    const data = blobs(n, d, k, 31);
    // helpers exist here (the main thread of a process, the built package) on any machine with two cores
    expect(kmeansThreads(4)).toBe(Math.min(4, availableParallelism(), 16));
    for (const seed of [0, 1, 2]) {
      const one = kmeans(data, n, d, { k, nInit: 25, random: createRandom(seed), threads: 1 });
      for (const threads of [2, 4]) {
        const many = kmeans(data, n, d, { k, nInit: 25, random: createRandom(seed), threads });
        expect(many.inertia).toBe(one.inertia);
        expect(many.bestRun).toBe(one.bestRun);
        expect(many.iterations).toBe(one.iterations);
        expect([...many.labels]).toEqual([...one.labels]);
        expect([...many.centers]).toEqual([...one.centers]);
      }
    }
    // the restarts really disagree, so picking the winner is tested
    const inertias = new Set(
      Array.from({ length: 6 }, (_, r) => kmeans(data, n, d, { k, nInit: 1, random: createRandom(0).fork(r).fork(0), threads: 1 }).inertia),
    );
    expect(inertias.size).toBeGreaterThan(1);
  });

  it('refuses a thread count that is not a positive integer', () => {
    const data = blobs(20, 2, 2, 1);
    expect(() => kmeans(data, 20, 2, { k: 2, random: createRandom(0), threads: 0 })).toThrow(/threads/);
    expect(() => kmeans(data, 20, 2, { k: 2, random: createRandom(0), threads: 1.5 })).toThrow(/threads/);
  });
});
