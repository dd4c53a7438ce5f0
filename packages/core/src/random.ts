/**
 * Seeded randomness. Every random choice in modscope comes from a `Random` made from a seed, so the
 * same seed gives the same result. `Random.derive(seed, stream)` gives independent reproducible streams
 * (one per shuffle, per worker item, ...) that do not depend on how work is scheduled.
 *
 * The generator is sfc32 (Small Fast Counting, 128-bit state), seeded through splitmix32.
 */
export interface Random {
  /** The seed this generator was made from. */
  readonly seed: number;
  /** Uniform float in [0, 1) with 32 random bits. */
  next(): number;
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal sample (Box–Muller). */
  normal(): number;
  /** Shuffles `array` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [index: number]: unknown }>(array: T): T;
  /** `count` distinct integers from [0, n), in random order. */
  sample(n: number, count: number): Int32Array;
  /** A new independent generator for sub-stream `stream`, reproducible from this one's seed. */
  fork(stream: number): Random;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function mixSeed(seed: number, stream: number): number {
  const mix = splitmix32((seed >>> 0) ^ Math.imul(stream + 1, 0x27d4eb2d));
  return mix() ^ mix();
}

class Sfc32 implements Random {
  readonly seed: number;
  /** a, b, c, d: in a typed array, so that 32-bit state never needs boxed numbers (30 ns → a few per draw). */
  private readonly state = new Uint32Array(4);
  private spare: number | undefined;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new TypeError(`@modscope/core: seed must be a finite number, got ${seed}`);
    this.seed = seed;
    const init = splitmix32(Math.floor(seed) >>> 0);
    this.state[0] = init();
    this.state[1] = init();
    this.state[2] = init();
    this.state[3] = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const s = this.state;
    const a = s[0]!;
    const b = s[1]!;
    const c = s[2]!;
    const d = s[3]!;
    const t = (((a + b) >>> 0) + d) >>> 0;
    s[3] = d + 1;
    s[0] = b ^ (b >>> 9);
    s[1] = c + (c << 3);
    s[2] = (((c << 21) | (c >>> 11)) >>> 0) + t;
    return t;
  }

  next(): number {
    return this.nextUint32() / 4294967296;
  }

  int(n: number): number {
    if (!(n > 0)) throw new RangeError(`@modscope/core: int(n) needs n > 0, got ${n}`);
    return Math.floor(this.next() * n);
  }

  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  shuffle<T extends { length: number; [index: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  sample(n: number, count: number): Int32Array {
    if (count > n) throw new RangeError(`@modscope/core: cannot sample ${count} distinct items from ${n}`);
    // partial Fisher–Yates on the identity 0..n−1: step i swaps position i with a uniform j in [i, n)
    // and outputs position i, which no later step reads again
    if (count * 8 >= n) {
      const pool = new Int32Array(n);
      for (let i = 0; i < n; i++) pool[i] = i;
      for (let i = 0; i < count; i++) {
        const j = i + this.int(n - i);
        const tmp = pool[i]!;
        pool[i] = pool[j]!;
        pool[j] = tmp;
      }
      return pool.slice(0, count);
    }
    // few from many: the same steps, with only the moved positions kept, in an open-addressing table
    // (same output, memory and time in count rather than n)
    const out = new Int32Array(count);
    const bits = Math.max(4, Math.ceil(Math.log2(4 * count)));
    const mask = (1 << bits) - 1;
    const keys = new Int32Array(mask + 1).fill(-1);
    const values = new Int32Array(mask + 1);
    const slot = (x: number): number => {
      let h = Math.imul(x, 0x9e3779b1) >>> (32 - bits);
      while (keys[h] !== -1 && keys[h] !== x) h = (h + 1) & mask;
      return h;
    };
    for (let i = 0; i < count; i++) {
      const j = i + this.int(n - i);
      const si = slot(i);
      const vi = keys[si] === i ? values[si]! : i;
      if (j === i) {
        out[i] = vi;
        continue;
      }
      const sj = slot(j);
      out[i] = keys[sj] === j ? values[sj]! : j;
      keys[sj] = j;
      values[sj] = vi;
    }
    return out;
  }

  fork(stream: number): Random {
    return new Sfc32(mixSeed(this.seed, stream));
  }
}

/** A seeded generator. The same seed always yields the same sequence. */
export function createRandom(seed = 0): Random {
  return new Sfc32(seed);
}
