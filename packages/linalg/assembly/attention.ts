// AssemblyScript kernels for causal multi-head self-attention (a language model's training step), float32
// with SIMD, compiled to WebAssembly by `npm run build` (scripts/build-wasm.mjs) and inlined into the JS
// bundle. The caller lays out linear memory: q, k and v side by side as [batch, positions, 3 × heads ×
// headSize] (a fused projection's output, and its gradient), the output and its gradient as [batch,
// positions, heads × headSize], the probabilities as [batch, heads, tp, tp], then scratch; pointers are
// byte offsets.
//
// Per (example, head) the head's rows are gathered into zero-padded scratch matrices, positions rounded up
// to tp (a multiple of 4) and the head size to hp (a multiple of 4), so that every product runs on whole
// 4 × 4 tiles: scores = Q·Kᵀ only on and below the diagonal's tiles, softmax over j ≤ i (exact zeros
// above), out = P·V over the nonzero columns of P, and the backward products likewise. Products sum over
// k in increasing order, four output columns per SIMD lane group.

// @ts-nocheck — AssemblyScript, not TypeScript (excluded from tsc)

import { expv } from './simd-math';
import { transpose } from './transpose';

/** Start of free linear memory. */
export function heapBase(): usize {
  return __heap_base;
}

/** Product modes: which part of a 4-row tile's k range or columns to compute. */
const FULL: i32 = 0;
/** k < r0 + 4: A is zero right of the diagonal (P, dS). */
const LOWER_K: i32 = 1;
/** k ≥ r0: A is zero left of the diagonal (Pᵀ, dSᵀ). */
const UPPER_K: i32 = 2;
/** columns < r0 + 4: only the output's tiles on and below the diagonal are wanted (scores). */
const LOWER_N: i32 = 3;

// @ts-ignore: decorator
@inline
function at(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}

/**
 * C = A·B for row-major float32 matrices (strides in elements), m and n multiples of 4, restricted by
 * `mode`; C is overwritten where computed.
 */
function product(a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, m: i32, n: i32, kk: i32, mode: i32): void {
  const rowA = <usize>lda << 2;
  const rowB = <usize>ldb << 2;
  for (let r0 = 0; r0 < m; r0 += 4) {
    let kLo = 0;
    let kHi = kk;
    let nHi = n;
    if (mode == LOWER_K) kHi = min(kk, r0 + 4);
    else if (mode == UPPER_K) kLo = r0;
    else if (mode == LOWER_N) nHi = min(n, r0 + 4);
    const a0 = a + <usize>r0 * rowA;
    const a1 = a0 + rowA;
    const a2 = a1 + rowA;
    const a3 = a2 + rowA;
    const c0 = c + ((<usize>r0 * <usize>ldc) << 2);
    const c1 = c0 + (<usize>ldc << 2);
    const c2 = c1 + (<usize>ldc << 2);
    const c3 = c2 + (<usize>ldc << 2);
    let col = 0;
    for (; col + 8 <= nHi; col += 8) {
      let x0 = f32x4.splat(0);
      let x1 = f32x4.splat(0);
      let x2 = f32x4.splat(0);
      let x3 = f32x4.splat(0);
      let y0 = f32x4.splat(0);
      let y1 = f32x4.splat(0);
      let y2 = f32x4.splat(0);
      let y3 = f32x4.splat(0);
      let bp = b + <usize>kLo * rowB + (<usize>col << 2);
      for (let k = kLo; k < kHi; k++) {
        const bx = v128.load(bp);
        const by = v128.load(bp, 16);
        const s0 = f32x4.splat(load<f32>(at(a0, k)));
        const s1 = f32x4.splat(load<f32>(at(a1, k)));
        const s2 = f32x4.splat(load<f32>(at(a2, k)));
        const s3 = f32x4.splat(load<f32>(at(a3, k)));
        x0 = f32x4.add(x0, f32x4.mul(s0, bx));
        y0 = f32x4.add(y0, f32x4.mul(s0, by));
        x1 = f32x4.add(x1, f32x4.mul(s1, bx));
        y1 = f32x4.add(y1, f32x4.mul(s1, by));
        x2 = f32x4.add(x2, f32x4.mul(s2, bx));
        y2 = f32x4.add(y2, f32x4.mul(s2, by));
        x3 = f32x4.add(x3, f32x4.mul(s3, bx));
        y3 = f32x4.add(y3, f32x4.mul(s3, by));
        bp += rowB;
      }
      v128.store(at(c0, col), x0);
      v128.store(at(c0, col), y0, 16);
      v128.store(at(c1, col), x1);
      v128.store(at(c1, col), y1, 16);
      v128.store(at(c2, col), x2);
      v128.store(at(c2, col), y2, 16);
      v128.store(at(c3, col), x3);
      v128.store(at(c3, col), y3, 16);
    }
    for (; col < nHi; col += 4) {
      let x0 = f32x4.splat(0);
      let x1 = f32x4.splat(0);
      let x2 = f32x4.splat(0);
      let x3 = f32x4.splat(0);
      let bp = b + <usize>kLo * rowB + (<usize>col << 2);
      for (let k = kLo; k < kHi; k++) {
        const bx = v128.load(bp);
        x0 = f32x4.add(x0, f32x4.mul(f32x4.splat(load<f32>(at(a0, k))), bx));
        x1 = f32x4.add(x1, f32x4.mul(f32x4.splat(load<f32>(at(a1, k))), bx));
        x2 = f32x4.add(x2, f32x4.mul(f32x4.splat(load<f32>(at(a2, k))), bx));
        x3 = f32x4.add(x3, f32x4.mul(f32x4.splat(load<f32>(at(a3, k))), bx));
        bp += rowB;
      }
      v128.store(at(c0, col), x0);
      v128.store(at(c1, col), x1);
      v128.store(at(c2, col), x2);
      v128.store(at(c3, col), x3);
    }
  }
}

/** dst[j][i] = src[i][j] for a square tp × tp matrix (tp a multiple of 4: SIMD blocks throughout). */
function transposeSquare(src: usize, dst: usize, tp: i32): void {
  transpose(src, dst, tp, tp);
}

/** One head's rows of x (rows of `d` floats, `t` per example; example b, columns h0 …) into rows [tp][hp] (zero-padded). */
function gatherRows(x: usize, b: i32, t: i32, d: i32, h0: i32, hs: i32, out: usize, tp: i32, hp: i32): void {
  memory.fill(out, 0, (<usize>tp * <usize>hp) << 2);
  for (let i = 0; i < t; i++) memory.copy(at(out, i * hp), at(x, (b * t + i) * d + h0), <usize>hs << 2);
}

/** One head's rows of x, transposed: out[c][i] = x[b, i, h0 + c] ([hp][tp], zero-padded), through `temp` ([tp][hp]). */
function gatherColumns(x: usize, b: i32, t: i32, d: i32, h0: i32, hs: i32, out: usize, tp: i32, hp: i32, temp: usize): void {
  gatherRows(x, b, t, d, h0, hs, temp, tp, hp);
  transpose(temp, out, tp, hp);
}

/** The rows [tp][hp] back into x (rows of `d` floats, `t` per example; example b, columns h0 …). */
function scatterRows(rows: usize, hp: i32, x: usize, b: i32, t: i32, d: i32, h0: i32, hs: i32): void {
  for (let i = 0; i < t; i++) memory.copy(at(x, (b * t + i) * d + h0), at(rows, i * hp), <usize>hs << 2);
}

/** Softmax of scale · s[i][j] over j ≤ i, in place, each row of a tp × tp block; zero above the diagonal and in padded rows. */
function causalSoftmax(s: usize, t: i32, tp: i32, scale: f32): void {
  for (let i = 0; i < tp; i++) {
    const row = at(s, i * tp);
    if (i >= t) {
      memory.fill(row, 0, <usize>tp << 2);
      continue;
    }
    let max: f32 = -Infinity;
    for (let j = 0; j <= i; j++) {
      const x = load<f32>(at(row, j)) * scale;
      store<f32>(at(row, j), x);
      if (x > max) max = x;
    }
    // e^(x − max) four at a time up to the diagonal's tile (the row is tp long), the rest zeroed after
    const m4 = f32x4.splat(max);
    for (let j = 0; j <= i; j += 4) v128.store(at(row, j), expv(f32x4.sub(v128.load(at(row, j)), m4)));
    for (let j = i + 1; j < tp; j++) store<f32>(at(row, j), 0);
    let sum: f32 = 0;
    for (let j = 0; j <= i; j++) sum += load<f32>(at(row, j));
    const inv = f32x4.splat(<f32>1 / sum);
    for (let j = 0; j <= i; j += 4) v128.store(at(row, j), f32x4.mul(v128.load(at(row, j)), inv));
  }
}

/**
 * out = softmax(scale · Q·Kᵀ + causal mask)·V per head, q, k and v side by side in qkv ([batch, t, 3d]);
 * p receives the probabilities [batch, heads, tp, tp] (zero above the diagonal and in padded rows), which
 * `backward` reads.
 */
export function forward(qkv: usize, out: usize, p: usize, scratch: usize, batch: i32, t: i32, heads: i32, hs: i32, scale: f32): void {
  const tp = (t + 3) & ~3;
  const hp = (hs + 3) & ~3;
  const d = heads * hs;
  const ld = 3 * d;
  const q = qkv;
  const k = at(qkv, d);
  const v = at(qkv, 2 * d);
  const block = (<usize>tp * <usize>hp) << 2;
  const qh = scratch;
  const kt = qh + block;
  const vh = kt + block;
  const oh = vh + block;
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const h0 = h * hs;
      const ph = p + ((<usize>(b * heads + h) * <usize>tp * <usize>tp) << 2);
      gatherRows(q, b, t, ld, h0, hs, qh, tp, hp);
      gatherColumns(k, b, t, ld, h0, hs, kt, tp, hp, oh);
      gatherRows(v, b, t, ld, h0, hs, vh, tp, hp);
      product(qh, hp, kt, tp, ph, tp, tp, tp, hp, LOWER_N);
      causalSoftmax(ph, t, tp, scale);
      product(ph, tp, vh, hp, oh, hp, tp, hp, tp, LOWER_K);
      scatterRows(oh, hp, out, b, t, d, h0, hs);
    }
  }
}

/** Bytes of scratch `forward` needs. */
export function forwardScratch(t: i32, hs: i32): usize {
  return (4 * <usize>((t + 3) & ~3) * <usize>((hs + 3) & ~3)) << 2;
}

/**
 * The gradient of `forward` with respect to qkv (dqkv, [batch, t, 3d]) from the output's gradient dOut and
 * the probabilities `forward` wrote: dV = Pᵀ·dO, dP = dO·Vᵀ, dS = scale · P ⊙ (dP − Σ_j P ⊙ dP), dQ = dS·K,
 * dK = dSᵀ·Q.
 */
export function backward(qkv: usize, p: usize, dOut: usize, dqkv: usize, scratch: usize, batch: i32, t: i32, heads: i32, hs: i32, scale: f32): void {
  const tp = (t + 3) & ~3;
  const hp = (hs + 3) & ~3;
  const d = heads * hs;
  const ld = 3 * d;
  const q = qkv;
  const k = at(qkv, d);
  const v = at(qkv, 2 * d);
  const dq = dqkv;
  const dk = at(dqkv, d);
  const dv = at(dqkv, 2 * d);
  const block = (<usize>tp * <usize>hp) << 2;
  const square = (<usize>tp * <usize>tp) << 2;
  const qh = scratch;
  const kh = qh + block;
  const vt = kh + block;
  const doh = vt + block;
  const gh = doh + block;
  const ds = gh + block;
  const st = ds + square;
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const h0 = h * hs;
      const ph = p + ((<usize>(b * heads + h) * <usize>tp * <usize>tp) << 2);
      gatherRows(q, b, t, ld, h0, hs, qh, tp, hp);
      gatherRows(k, b, t, ld, h0, hs, kh, tp, hp);
      gatherColumns(v, b, t, ld, h0, hs, vt, tp, hp, gh);
      gatherRows(dOut, b, t, d, h0, hs, doh, tp, hp);
      // dV = Pᵀ·dO
      transposeSquare(ph, st, tp);
      product(st, tp, doh, hp, gh, hp, tp, hp, tp, UPPER_K);
      scatterRows(gh, hp, dv, b, t, ld, h0, hs);
      // dS = scale · P ⊙ (dP − rowsum(P ⊙ dP)), dP = dO·Vᵀ on and below the diagonal
      product(doh, hp, vt, tp, ds, tp, tp, tp, hp, LOWER_N);
      for (let i = 0; i < tp; i++) {
        const prow = at(ph, i * tp);
        const row = at(ds, i * tp);
        if (i >= t) {
          memory.fill(row, 0, <usize>tp << 2);
          continue;
        }
        // four at a time up to the diagonal's tile: P is zero right of the diagonal, so those lanes add nothing
        const end = (i + 4) & ~3;
        let acc = f32x4.splat(0);
        for (let j = 0; j < end; j += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(at(prow, j)), v128.load(at(row, j))));
        const dot = f32x4.splat(f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
        const s4 = f32x4.splat(scale);
        for (let j = 0; j < end; j += 4)
          v128.store(at(row, j), f32x4.mul(f32x4.mul(v128.load(at(prow, j)), f32x4.sub(v128.load(at(row, j)), dot)), s4));
        memory.fill(at(row, end), 0, <usize>(tp - end) << 2);
      }
      // dQ = dS·K, dK = dSᵀ·Q
      product(ds, tp, kh, hp, gh, hp, tp, hp, tp, LOWER_K);
      scatterRows(gh, hp, dq, b, t, ld, h0, hs);
      transposeSquare(ds, st, tp);
      product(st, tp, qh, hp, gh, hp, tp, hp, tp, UPPER_K);
      scatterRows(gh, hp, dk, b, t, ld, h0, hs);
    }
  }
}

/** Bytes of scratch `backward` needs. */
export function backwardScratch(t: i32, hs: i32): usize {
  const tp = <usize>((t + 3) & ~3);
  const hp = <usize>((hs + 3) & ~3);
  return (5 * tp * hp + 2 * tp * tp) << 2;
}
