import { createRandom } from '@modscope/core';
import { adjustedRandIndex } from '@modscope/core/testing';
import { describe, expect, it } from 'vitest';
import { kmeans, kmeansPlusPlus, lloyd } from './kmeans.js';

/** Gaussian blobs around well-separated centers. */
function blobs(k: number, perBlob: number, d: number, spread: number, seed: number) {
  const rng = createRandom(seed);
  const n = k * perBlob;
  const data = new Float64Array(n * d);
  const truth = new Int32Array(n);
  const centers = Array.from({ length: k }, () => Array.from({ length: d }, () => rng.normal() * 10));
  for (let i = 0; i < n; i++) {
    const b = i % k;
    truth[i] = b;
    for (let t = 0; t < d; t++) data[i * d + t] = centers[b]![t]! + rng.normal() * spread;
  }
  return { data, n, d, truth };
}

/** Plain Lloyd without bounds, for checking the bounded version. */
function naiveLloyd(data: Float64Array, n: number, d: number, k: number, init: Float64Array, iterations: number) {
  const centers = init.slice();
  const labels = new Int32Array(n);
  for (let it = 0; it < iterations; it++) {
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let t = 0; t < d; t++) s += (data[i * d + t]! - centers[j * d + t]!) ** 2;
        if (s < bestD) {
          bestD = s;
          best = j;
        }
      }
      labels[i] = best;
    }
    const sums = new Float64Array(k * d);
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      counts[labels[i]!]!++;
      for (let t = 0; t < d; t++) sums[labels[i]! * d + t]! += data[i * d + t]!;
    }
    for (let j = 0; j < k; j++) if (counts[j]! > 0) for (let t = 0; t < d; t++) centers[j * d + t] = sums[j * d + t]! / counts[j]!;
  }
  return labels;
}

describe('kmeans', () => {
  it('recovers well-separated blobs exactly', () => {
    const { data, n, d, truth } = blobs(8, 50, 5, 0.5, 1);
    const result = kmeans(data, n, d, { k: 8, nInit: 5, random: createRandom(0) });
    expect(adjustedRandIndex(result.labels, truth)).toBe(1);
  });

  it('Hamerly bounds give the same labels as plain Lloyd', () => {
    const { data, n, d } = blobs(6, 80, 4, 6, 2); // overlapping blobs: many label changes
    const seeds = kmeansPlusPlus(data, n, d, 6, createRandom(5));
    const fast = lloyd(data, n, d, 6, seeds, 300, 0);
    const slow = naiveLloyd(data, n, d, 6, seeds, fast.iterations + 1);
    expect([...fast.labels]).toEqual([...slow]);
  });

  it('lowest inertia over restarts; more restarts never do worse', () => {
    const { data, n, d } = blobs(10, 30, 3, 4, 3);
    const one = kmeans(data, n, d, { k: 10, nInit: 1, random: createRandom(7) });
    const many = kmeans(data, n, d, { k: 10, nInit: 20, random: createRandom(7) });
    expect(many.inertia).toBeLessThanOrEqual(one.inertia);
    // inertia is what it says
    let inertia = 0;
    for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) inertia += (data[i * d + t]! - many.centers[many.labels[i]! * d + t]!) ** 2;
    expect(many.inertia).toBeCloseTo(inertia, 8);
  });

  it('is deterministic for a seed', () => {
    const { data, n, d } = blobs(5, 40, 3, 3, 4);
    const a = kmeans(data, n, d, { k: 5, nInit: 4, random: createRandom(11) });
    const b = kmeans(data, n, d, { k: 5, nInit: 4, random: createRandom(11) });
    expect([...a.labels]).toEqual([...b.labels]);
  });

  it('handles duplicate rows and k equal to the number of distinct rows without empty clusters', () => {
    const data = new Float64Array([0, 0, 0, 0, 1, 1, 1, 1, 5, 5]);
    const result = kmeans(data, 5, 2, { k: 3, nInit: 3, random: createRandom(0) });
    expect(new Set(result.labels).size).toBe(3);
    expect(result.inertia).toBe(0);
  });

  it('refuses bad arguments with clear messages', () => {
    expect(() => kmeans(new Float64Array(6), 3, 2, { k: 4, random: createRandom(0) })).toThrow(/k = 4 clusters for 3 rows/);
    expect(() => kmeans(new Float64Array(5), 3, 2, { k: 2, random: createRandom(0) })).toThrow(/not n × d/);
    expect(() => kmeans(new Float64Array([0, Number.NaN]), 2, 1, { k: 1, random: createRandom(0) })).toThrow(/non-finite/);
  });
});
