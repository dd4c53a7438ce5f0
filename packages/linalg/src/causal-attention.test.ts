import { describe, expect, it } from 'vitest';
import { createRandom } from '@modscope/core';
import { type CausalAttentionShape, causalAttentionKernel } from './causal-attention.js';

/** Straightforward float64 causal attention per example and head, and its gradients for a given dOut. */
function reference(shape: CausalAttentionShape, q: Float32Array, k: Float32Array, v: Float32Array, dOut: Float32Array) {
  const { batch, positions: t, heads, headSize: hs, scale } = shape;
  const d = heads * hs;
  const n = q.length;
  const out = new Float64Array(n);
  const dq = new Float64Array(n);
  const dk = new Float64Array(n);
  const dv = new Float64Array(n);
  const at = (b: number, i: number, h: number, c: number) => (b * t + i) * d + h * hs + c;
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const p: number[][] = [];
      for (let i = 0; i < t; i++) {
        const s: number[] = [];
        for (let j = 0; j <= i; j++) {
          let dot = 0;
          for (let c = 0; c < hs; c++) dot += q[at(b, i, h, c)]! * k[at(b, j, h, c)]!;
          s.push(dot * scale);
        }
        const max = Math.max(...s);
        const e = s.map((x) => Math.exp(x - max));
        const z = e.reduce((a, x) => a + x, 0);
        p.push(e.map((x) => x / z));
        for (let c = 0; c < hs; c++) {
          let o = 0;
          for (let j = 0; j <= i; j++) o += p[i]![j]! * v[at(b, j, h, c)]!;
          out[at(b, i, h, c)] = o;
        }
      }
      for (let i = 0; i < t; i++) {
        const dp: number[] = [];
        for (let j = 0; j <= i; j++) {
          let x = 0;
          for (let c = 0; c < hs; c++) {
            x += dOut[at(b, i, h, c)]! * v[at(b, j, h, c)]!;
            dv[at(b, j, h, c)]! += p[i]![j]! * dOut[at(b, i, h, c)]!;
          }
          dp.push(x);
        }
        const dot = dp.reduce((a, x, j) => a + x * p[i]![j]!, 0);
        for (let j = 0; j <= i; j++) {
          const ds = p[i]![j]! * (dp[j]! - dot) * scale;
          for (let c = 0; c < hs; c++) {
            dq[at(b, i, h, c)]! += ds * k[at(b, j, h, c)]!;
            dk[at(b, j, h, c)]! += ds * q[at(b, i, h, c)]!;
          }
        }
      }
    }
  }
  return { out, dq, dk, dv };
}

function normals(n: number, seed: number): Float32Array {
  const random = createRandom(seed);
  return Float32Array.from({ length: n }, () => random.normal());
}

const maxDifference = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe('causalAttentionKernel', () => {
  const kernel = causalAttentionKernel()!;

  it('is available on Node (WebAssembly SIMD)', () => {
    expect(kernel).not.toBeNull();
  });

  // whole tiles, and positions and head sizes that are not multiples of 4 (zero padding)
  for (const [batch, positions, heads, headSize] of [
    [2, 8, 2, 4],
    [3, 13, 3, 5],
    [1, 1, 1, 1],
    [2, 64, 4, 32],
  ] as const) {
    it(`matches a float64 reference: ${batch} × ${positions} positions × ${heads} heads of ${headSize}`, () => {
      const shape = { batch, positions, heads, headSize, scale: 1 / Math.sqrt(headSize) };
      const n = batch * positions * heads * headSize;
      const [q, k, v, dOut] = [1, 2, 3, 4].map((s) => normals(n, s)) as [Float32Array, Float32Array, Float32Array, Float32Array];
      const want = reference(shape, q, k, v, dOut);
      const qkv = new Float32Array(3 * n);
      const d = heads * headSize;
      for (let r = 0; r < batch * positions; r++) {
        qkv.set(q.subarray(r * d, (r + 1) * d), r * 3 * d);
        qkv.set(k.subarray(r * d, (r + 1) * d), r * 3 * d + d);
        qkv.set(v.subarray(r * d, (r + 1) * d), r * 3 * d + 2 * d);
      }
      const out = new Float32Array(n);
      const probabilities = new Float32Array(kernel.probabilitiesLength(shape));
      kernel.forward(shape, qkv, out, probabilities);
      expect(maxDifference(out, want.out)).toBeLessThan(1e-5);
      const p = (positions + 3) & ~3;
      // zero above the diagonal, rows summing to 1
      for (let i = 0; i < positions; i++) {
        const row = probabilities.subarray(i * p, (i + 1) * p);
        expect(row.subarray(i + 1).every((x) => x === 0)).toBe(true);
        expect(row.reduce((a, x) => a + x, 0)).toBeCloseTo(1, 5);
      }
      const dqkv = new Float32Array(3 * n);
      kernel.backward(shape, { qkv, probabilities, dOut }, dqkv);
      const [dq, dk, dv] = [0, 1, 2].map((part) => {
        const g = new Float32Array(n);
        for (let r = 0; r < batch * positions; r++) g.set(dqkv.subarray(r * 3 * d + part * d, r * 3 * d + (part + 1) * d), r * d);
        return g;
      }) as [Float32Array, Float32Array, Float32Array];
      expect(maxDifference(dq, want.dq)).toBeLessThan(1e-4);
      expect(maxDifference(dk, want.dk)).toBeLessThan(1e-4);
      expect(maxDifference(dv, want.dv)).toBeLessThan(1e-4);
    });
  }

  it('refuses arrays of the wrong length, in one line', () => {
    const shape = { batch: 1, positions: 4, heads: 2, headSize: 2, scale: 1 };
    const a = new Float32Array(16);
    expect(() => kernel.forward(shape, new Float32Array(47), a, new Float32Array(32))).toThrow(/attention qkv holds 47 values, not 48/);
    expect(() => kernel.forward({ ...shape, heads: 0 }, a, a, a)).toThrow(/heads must be an integer ≥ 1/);
  });
});
