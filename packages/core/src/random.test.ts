import { describe, expect, it } from 'vitest';
import { createRandom } from './random.js';

describe('createRandom', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const seqA = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(seqA);
  });

  it('draws uniform floats in [0, 1) with the right mean', () => {
    const rng = createRandom(1);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) {
      const v = rng.next();
      expect(v >= 0 && v < 1).toBe(true);
      sum += v;
    }
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
  });

  it('draws normals with mean 0 and variance 1', () => {
    const rng = createRandom(2);
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = rng.normal();
      s += v;
      s2 += v * v;
    }
    expect(s / n).toBeCloseTo(0, 1);
    expect(s2 / n - (s / n) ** 2).toBeCloseTo(1, 1);
  });

  it('forks reproducible streams that do not depend on the parent having been used', () => {
    const used = createRandom(7);
    used.next();
    used.next();
    expect(used.fork(3).next()).toBe(createRandom(7).fork(3).next());
    expect(createRandom(7).fork(3).next()).not.toBe(createRandom(7).fork(4).next());
  });

  it('samples distinct integers and shuffles to a permutation', () => {
    const rng = createRandom(3);
    const s = rng.sample(50, 20);
    expect(new Set(s).size).toBe(20);
    expect(Math.max(...s)).toBeLessThan(50);
    const arr = Int32Array.from({ length: 30 }, (_, i) => i);
    rng.shuffle(arr);
    expect([...arr].sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(() => rng.sample(3, 4)).toThrow(/cannot sample 4/);
    expect(() => rng.int(0)).toThrow(RangeError);
  });

  it('sample of few from many (kept in a table) equals the partial Fisher–Yates over the whole range', () => {
    const reference = (seed: number, n: number, count: number) => {
      const rng = createRandom(seed);
      const pool = Int32Array.from({ length: n }, (_, i) => i);
      for (let i = 0; i < count; i++) {
        const j = i + rng.int(n - i);
        [pool[i], pool[j]] = [pool[j]!, pool[i]!];
      }
      return [...pool.slice(0, count)];
    };
    for (const [n, count] of [
      [1000, 3],
      [200_704, 4014],
      [65_536, 6553],
      [100, 12],
      [100, 13],
      [1, 1],
      [10, 0],
      [5_000, 624],
    ] as const) {
      for (const seed of [0, 1, 2]) expect([...createRandom(seed).sample(n, count)]).toEqual(reference(seed, n, count));
    }
  });
});
