import { createRandom } from '@modscope/core';
import { adjustedRandIndex } from '@modscope/core/testing';
import { describe, expect, it } from 'vitest';
import { kmeans, kmeansPlusPlus, kmeansWith, lloyd } from './kmeans.js';
import { kmeansKernel } from './kmeans-wasm.js';

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

  it('gives the labels of plain float64 Lloyd (float32 scores by the |c|² − 2·x·c expansion)', () => {
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
    // float32 arithmetic: relative agreement to ~1e-7
    expect(Math.abs(many.inertia - inertia) / inertia).toBeLessThan(1e-6);
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

  it('the WebAssembly kernel is available and gives exactly the JavaScript reference result', () => {
    const kernel = kmeansKernel();
    expect(kernel).not.toBeNull();
    const cases = [
      { k: 12, d: 12, spread: 3, seed: 21 }, // the spectral case: two passes of six centers, three SIMD vectors per row
      { k: 7, d: 5, spread: 5, seed: 22 }, // padded centers (to 12) and rows, odd d, a last group of three rows (n = 175)
      { k: 32, d: 3, spread: 8, seed: 23 }, // six passes, the last with four padded centers
      { k: 40, d: 6, spread: 8, seed: 25 }, // seven passes
      { k: 2, d: 1, spread: 1, seed: 24 }, // one pass of mostly padding, a last group of two rows (n = 50)
    ];
    for (const { k, d, spread, seed } of cases) {
      const { data, n } = blobs(k, 25, d, spread, seed);
      const options = { k, nInit: 4, random: createRandom(seed) };
      const wasm = kmeansWith(data, n, d, options, kernel);
      const js = kmeansWith(data, n, d, options, null);
      expect([...wasm.labels]).toEqual([...js.labels]);
      expect([...wasm.centers]).toEqual([...js.centers]);
      expect(wasm.inertia).toBe(js.inertia);
      expect(wasm.iterations).toBe(js.iterations);
      expect(wasm.bestRun).toBe(js.bestRun);
    }
  });

  it('kernel and reference agree through empty-cluster relocation and duplicate rows', () => {
    const rng = createRandom(31);
    const n = 60;
    const d = 4;
    const data = new Float64Array(n * d);
    // 6 distinct rows, each repeated 10 times: k = 6 forces exact fits, k = 8 cannot fill every cluster
    const base = Array.from({ length: 6 }, () => Array.from({ length: d }, () => rng.normal()));
    for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) data[i * d + t] = base[i % 6]![t]!;
    for (const k of [6, 8]) {
      const options = { k, nInit: 5, random: createRandom(k) };
      const wasm = kmeansWith(data, n, d, options, kmeansKernel());
      const js = kmeansWith(data, n, d, options, null);
      expect([...wasm.labels]).toEqual([...js.labels]);
      expect(wasm.inertia).toBe(js.inertia);
    }
  });

  it('k = 40 (seven passes of six scored centers)', () => {
    const { data, n, d, truth } = blobs(40, 10, 6, 0.2, 41);
    const result = kmeans(data, n, d, { k: 40, nInit: 2, random: createRandom(1) });
    expect(new Set(result.labels).size).toBe(40);
    expect(adjustedRandIndex(result.labels, truth)).toBeGreaterThan(0.9);
  });

  it('seeding draws its candidates from the uniforms of one run only', () => {
    const { data, n, d } = blobs(5, 20, 3, 2, 51);
    const a = kmeansPlusPlus(data, n, d, 5, createRandom(9).fork(2));
    const b = kmeansPlusPlus(data, n, d, 5, createRandom(9).fork(2));
    expect([...a]).toEqual([...b]);
    // every center is a data row
    for (let c = 0; c < 5; c++) {
      let found = false;
      // (to float32 precision: the arithmetic is float32 on centred rows)
      for (let i = 0; i < n && !found; i++)
        found = [0, 1, 2].every((t) => Math.abs(data[i * d + t]! - a[c * d + t]!) < 1e-5 * (1 + Math.abs(data[i * d + t]!)));
      expect(found).toBe(true);
    }
  });
});
