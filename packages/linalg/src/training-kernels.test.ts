import { describe, expect, it } from 'vitest';
import { createRandom } from '@modscope/core';
import { trainingKernels } from './training-kernels.js';

/** The WebAssembly memory constructor (the project's TypeScript libs do not declare it). */
const Memory = (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number }) => { buffer: ArrayBuffer } } }).WebAssembly
  .Memory;

/** A fresh memory filled with a pattern, the kernels on it, and a bump allocator of arrays in it. */
function setup() {
  const memory = new Memory({ initial: 64 });
  new Uint8Array(memory.buffer).fill(0xab);
  const kernels = trainingKernels(memory)!;
  let next = 4096 + 4; // deliberately not 16-aligned
  const f32 = (values: ArrayLike<number> | number) => {
    const n = typeof values === 'number' ? values : values.length;
    const a = new Float32Array(memory.buffer, next, n);
    if (typeof values !== 'number') a.set(values);
    next += n * 4 + 12;
    return a;
  };
  const i32 = (values: ArrayLike<number>) => {
    const a = new Int32Array(memory.buffer, next, values.length);
    a.set(values);
    next += values.length * 4 + 4;
    return a;
  };
  return { memory, kernels, f32, i32 };
}

const normals = (n: number, seed: number, std = 1) => {
  const random = createRandom(seed);
  return Float64Array.from({ length: n }, () => random.normal() * std);
};

/** erf by its Taylor series (|x| ≤ 3) or 1 − its asymptotic tail, float64. */
function erf(x: number): number {
  const a = Math.abs(x);
  if (a > 5) return Math.sign(x);
  let term = a;
  let sum = a;
  for (let n = 1; n < 200; n++) {
    term *= (-a * a) / n;
    sum += term / (2 * n + 1);
    if (Math.abs(term) < 1e-17) break;
  }
  return (Math.sign(x) * 2 * sum) / Math.sqrt(Math.PI);
}
const gelu = (u: number) => 0.5 * u * (1 + erf(u / Math.SQRT2));

describe('trainingKernels', () => {
  it('instantiates on a foreign memory without writing into it', () => {
    const memory = new Memory({ initial: 2 });
    new Uint8Array(memory.buffer).fill(7);
    expect(trainingKernels(memory)).not.toBeNull();
    expect(new Uint8Array(memory.buffer).every((b) => b === 7)).toBe(true);
  });

  it('layer-normalizes rows after a residual add, and its gradient matches the float64 one', () => {
    const { kernels, f32 } = setup();
    const rows = 5;
    const d = 11;
    const x0 = normals(rows * d, 1, 2);
    const add0 = normals(rows * d, 2);
    const gamma0 = normals(d, 3);
    const beta0 = normals(d, 4);
    const dy0 = normals(rows * d, 5);
    const dres0 = normals(rows * d, 6);
    const [x, add, sum, gamma, beta, y, stats] = [f32(x0), f32(add0), f32(rows * d), f32(gamma0), f32(beta0), f32(rows * d), f32(2 * rows)];
    kernels.layerNorm(
      x.byteOffset,
      add.byteOffset,
      sum.byteOffset,
      gamma.byteOffset,
      beta.byteOffset,
      y.byteOffset,
      stats.byteOffset,
      rows,
      d,
      1e-5,
    );
    const [dy, dres, dx, dg, db] = [f32(dy0), f32(dres0), f32(rows * d), f32(d), f32(d)];
    kernels.layerNormBackward(
      dy.byteOffset,
      sum.byteOffset,
      stats.byteOffset,
      gamma.byteOffset,
      dres.byteOffset,
      dx.byteOffset,
      dg.byteOffset,
      db.byteOffset,
      rows,
      d,
    );
    const dgRef = new Float64Array(d);
    const dbRef = new Float64Array(d);
    for (let r = 0; r < rows; r++) {
      const s = Array.from({ length: d }, (_, c) => Math.fround(x0[r * d + c]!) + Math.fround(add0[r * d + c]!));
      const mean = s.reduce((a, v) => a + v, 0) / d;
      const rstd = 1 / Math.sqrt(s.reduce((a, v) => a + (v - mean) ** 2, 0) / d + 1e-5);
      const xh = s.map((v) => (v - mean) * rstd);
      const g = xh.map((_, c) => Math.fround(dy0[r * d + c]!) * Math.fround(gamma0[c]!));
      const m1 = g.reduce((a, v) => a + v, 0) / d;
      const m2 = g.reduce((a, v, c) => a + v * xh[c]!, 0) / d;
      for (let c = 0; c < d; c++) {
        expect(sum[r * d + c]).toBeCloseTo(s[c]!, 6);
        expect(y[r * d + c]).toBeCloseTo(xh[c]! * Math.fround(gamma0[c]!) + Math.fround(beta0[c]!), 5);
        expect(dx[r * d + c]).toBeCloseTo(rstd * (g[c]! - m1 - xh[c]! * m2) + Math.fround(dres0[r * d + c]!), 4);
        dgRef[c]! += Math.fround(dy0[r * d + c]!) * xh[c]!;
        dbRef[c]! += Math.fround(dy0[r * d + c]!);
      }
    }
    for (let c = 0; c < d; c++) {
      expect(dg[c]).toBeCloseTo(dgRef[c]!, 4);
      expect(db[c]).toBeCloseTo(dbRef[c]!, 5);
    }
  });

  it('computes the exact GELU and its derivative (with a dropout mask)', () => {
    const { kernels, f32 } = setup();
    const n = 203;
    const u0 = Float64Array.from({ length: n }, (_, i) => -9 + (18 * i) / (n - 1));
    const mask0 = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : 1.25));
    const dg0 = normals(n, 7);
    const [u, mask, g, dg, du] = [f32(u0), f32(mask0), f32(n), f32(dg0), f32(n)];
    kernels.gelu(u.byteOffset, 0, g.byteOffset, 0, n);
    for (let i = 0; i < n; i++) expect(Math.abs(g[i]! - gelu(u[i]!))).toBeLessThan(2e-6 * Math.max(1, Math.abs(u[i]!)));
    const slopes = f32(n);
    kernels.gelu(u.byteOffset, mask.byteOffset, g.byteOffset, slopes.byteOffset, n);
    for (let i = 0; i < n; i++) expect(g[i]).toBeCloseTo(gelu(u[i]!) * mask[i]!, 5);
    kernels.geluBackward(u.byteOffset, dg.byteOffset, mask.byteOffset, du.byteOffset, n);
    const product = f32(n);
    kernels.multiply(dg.byteOffset, slopes.byteOffset, product.byteOffset, n);
    for (let i = 0; i < n; i++) {
      const x = u[i]!;
      const slope = 0.5 * (1 + erf(x / Math.SQRT2)) + (x * Math.exp((-x * x) / 2)) / Math.sqrt(2 * Math.PI);
      expect(du[i]).toBeCloseTo(dg[i]! * mask[i]! * slope, 5);
      expect(slopes[i]).toBeCloseTo(mask[i]! * slope, 5);
      expect(product[i]).toBe(Math.fround(dg[i]! * slopes[i]!));
    }
  });

  it('computes softmax cross-entropy, its gradient and the correct arg-maxes', () => {
    const { kernels, f32, i32 } = setup();
    const rows = 7;
    const cols = 13;
    const logits0 = normals(rows * cols, 8, 3);
    logits0[2 * cols + 4] = logits0[2 * cols + 9] = 20; // a tie: the first index wins
    const targets0 = [4, 0, 4, 12, 5, 5, 1];
    const [logits, targets, dl] = [f32(logits0), i32(targets0), f32(rows * cols)];
    const loss = kernels.crossEntropy(logits.byteOffset, targets.byteOffset, dl.byteOffset, rows, cols, 0.5);
    let want = 0;
    let correct = 0;
    for (let r = 0; r < rows; r++) {
      const row = Array.from(logits.subarray(r * cols, (r + 1) * cols));
      const max = Math.max(...row);
      const z = row.reduce((a, v) => a + Math.exp(v - max), 0);
      want += Math.log(z) + max - row[targets0[r]!]!;
      if (row.indexOf(max) === targets0[r]) correct++;
      for (let c = 0; c < cols; c++)
        expect(dl[r * cols + c]).toBeCloseTo(0.5 * (Math.exp(row[c]! - max) / z - (c === targets0[r] ? 1 : 0)), 6);
    }
    expect(loss).toBeCloseTo(want, 4);
    expect(kernels.crossEntropyCorrect()).toBe(correct);
    expect(correct).toBeGreaterThan(0);
  });

  it('computes xᵀ·dy (a weight gradient) on every edge case of its tiles', () => {
    const { kernels, f32 } = setup();
    for (const [rows, m, n] of [
      [300, 9, 19],
      [5, 4, 8],
      [130, 3, 5],
    ] as const) {
      const x0 = normals(rows * m, rows + m);
      const dy0 = normals(rows * n, n);
      const [x, dy, out] = [f32(x0), f32(dy0), f32(m * n)];
      kernels.weightGradient(x.byteOffset, dy.byteOffset, out.byteOffset, rows, m, n);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let want = 0;
          for (let r = 0; r < rows; r++) want += x[r * m + i]! * dy[r * n + j]!;
          expect(out[i * n + j]).toBeCloseTo(want, 4);
        }
      }
    }
  });

  it('computes a·b + bias on every edge case of its tiles', () => {
    const { kernels, f32 } = setup();
    for (const [m, k, n] of [
      [9, 7, 19],
      [4, 3, 8],
      [6, 5, 5],
    ] as const) {
      const [a, b, bias, out, plain] = [f32(normals(m * k, m)), f32(normals(k * n, k)), f32(normals(n, n)), f32(m * n), f32(m * n)];
      kernels.matMul(a.byteOffset, b.byteOffset, bias.byteOffset, out.byteOffset, m, k, n);
      kernels.matMul(a.byteOffset, b.byteOffset, 0, plain.byteOffset, m, k, n);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let want = 0;
          for (let q = 0; q < k; q++) want += a[i * k + q]! * b[q * n + j]!;
          expect(plain[i * n + j]).toBeCloseTo(want, 5);
          expect(out[i * n + j]).toBeCloseTo(want + bias[j]!, 5);
        }
      }
    }
  });

  it('computes GELU(a·b + bias) and its derivative in one pass as matMul then gelu would', () => {
    const { kernels, f32 } = setup();
    const [m, k, n] = [37, 6, 10];
    const [a, b, bias, mask] = [
      f32(normals(m * k, 1)),
      f32(normals(k * n, 2)),
      f32(normals(n, 3)),
      f32(Float64Array.from({ length: m * n }, (_, i) => (i % 4 ? 1.5 : 0))),
    ];
    const [u, g, slope, g2, slope2] = [f32(m * n), f32(m * n), f32(m * n), f32(m * n), f32(m * n)];
    kernels.matMul(a.byteOffset, b.byteOffset, bias.byteOffset, u.byteOffset, m, k, n);
    kernels.gelu(u.byteOffset, mask.byteOffset, g.byteOffset, slope.byteOffset, m * n);
    kernels.matMulGelu(a.byteOffset, b.byteOffset, bias.byteOffset, mask.byteOffset, g2.byteOffset, slope2.byteOffset, m, k, n);
    expect(g2).toEqual(g);
    expect(slope2).toEqual(slope);
  });

  it('sums columns, embeds tokens and positions, and scatters the gradient back', () => {
    const { kernels, f32, i32 } = setup();
    const rows = 6;
    const d = 7;
    const t = 3;
    const vocabulary = 4;
    const x0 = normals(rows * d, 9);
    const [x, sums] = [f32(x0), f32(d)];
    kernels.columnSums(x.byteOffset, sums.byteOffset, rows, d);
    for (let c = 0; c < d; c++)
      expect(sums[c]).toBeCloseTo(
        [0, 1, 2, 3, 4, 5].reduce((a, r) => a + Math.fround(x0[r * d + c]!), 0),
        5,
      );
    const ids0 = [3, 1, 3, 0, 3, 2];
    const tokens0 = normals(vocabulary * d, 10);
    const positions0 = normals(5 * d, 11);
    const [ids, tokens, positions, out] = [i32(ids0), f32(tokens0), f32(positions0), f32(rows * d)];
    kernels.embed(ids.byteOffset, tokens.byteOffset, positions.byteOffset, out.byteOffset, rows, t, d);
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < d; c++) expect(out[r * d + c]).toBeCloseTo(tokens[ids0[r]! * d + c]! + positions[(r % t) * d + c]!, 6);
    const [dTokens, dPositions] = [f32(vocabulary * d), f32(5 * d)];
    kernels.embedBackward(ids.byteOffset, x.byteOffset, dTokens.byteOffset, dPositions.byteOffset, rows, t, d, vocabulary, 5);
    for (let c = 0; c < d; c++) {
      expect(dTokens[3 * d + c]).toBeCloseTo(x[c]! + x[2 * d + c]! + x[4 * d + c]!, 5);
      expect(dTokens[2 * d + c]).toBeCloseTo(x[5 * d + c]!, 6);
      expect(dPositions[d + c]).toBeCloseTo(x[d + c]! + x[4 * d + c]!, 5);
      expect(dPositions[4 * d + c]).toBe(0);
    }
  });
});
