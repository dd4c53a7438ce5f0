// AssemblyScript kernels of a language model's training step that tfjs's wasm backend runs slowly or in many
// ops: layer normalization (with the residual add before it) and its gradient, the exact (erf) GELU and
// its gradient, softmax cross-entropy with its gradient, column sums (bias gradients), the token and
// position embedding and its gradient; with the attention and transpose kernels of attention.ts and
// transpose.ts. Compiled by `npm run build` (scripts/build-wasm.mjs) with an IMPORTED memory and no data
// segments, so that an instance can work on another module's memory in place (tfjs's wasm heap): every
// pointer is a byte offset into that memory, and the kernels touch nothing else. float32 with SIMD; sums
// run over indices in increasing order.

// @ts-nocheck — AssemblyScript, not TypeScript (excluded from tsc)

export { forward as attentionForward, backward as attentionBackward, forwardScratch as attentionForwardScratch, backwardScratch as attentionBackwardScratch } from './attention';
export { transpose } from './transpose';
import { exp1, expv, logPositive } from './simd-math';

// @ts-ignore: decorator
@inline
function at(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}

// @ts-ignore: decorator
@inline
function splat(x: f32): v128 {
  return f32x4.splat(x);
}

/**
 * Layer normalization of `rows` rows of `d` floats: y = (x − mean)·rstd·gamma + beta, rstd = 1/√(var + eps)
 * (the population variance). Where `add` is not 0, the row normalized is x + add, written to `sum` (the
 * residual stream after a branch). `stats` receives mean and rstd per row (2 floats), which
 * `layerNormBackward` reads.
 */
export function layerNorm(x: usize, add: usize, sum: usize, gamma: usize, beta: usize, y: usize, stats: usize, rows: i32, d: i32, eps: f32): void {
  const d4 = d & ~3;
  const row = <usize>d << 2;
  for (let r = 0; r < rows; r++) {
    let xr = x + <usize>r * row;
    if (add != 0) {
      const ar = add + <usize>r * row;
      const sr = sum + <usize>r * row;
      let c = 0;
      for (; c < d4; c += 4) v128.store(at(sr, c), f32x4.add(v128.load(at(xr, c)), v128.load(at(ar, c))));
      for (; c < d; c++) store<f32>(at(sr, c), load<f32>(at(xr, c)) + load<f32>(at(ar, c)));
      xr = sr;
    }
    let acc = splat(0);
    let c = 0;
    for (; c < d4; c += 4) acc = f32x4.add(acc, v128.load(at(xr, c)));
    let total: f32 = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
    for (; c < d; c++) total += load<f32>(at(xr, c));
    const mean: f32 = total / <f32>d;
    const m4 = splat(mean);
    acc = splat(0);
    c = 0;
    for (; c < d4; c += 4) {
      const z = f32x4.sub(v128.load(at(xr, c)), m4);
      acc = f32x4.add(acc, f32x4.mul(z, z));
    }
    let squares: f32 = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
    for (; c < d; c++) {
      const z = load<f32>(at(xr, c)) - mean;
      squares += z * z;
    }
    const rstd: f32 = <f32>1 / Mathf.sqrt(squares / <f32>d + eps);
    store<f32>(at(stats, 2 * r), mean);
    store<f32>(at(stats, 2 * r + 1), rstd);
    const s4 = splat(rstd);
    const yr = y + <usize>r * row;
    c = 0;
    for (; c < d4; c += 4) {
      const z = f32x4.mul(f32x4.sub(v128.load(at(xr, c)), m4), s4);
      v128.store(at(yr, c), f32x4.add(f32x4.mul(z, v128.load(at(gamma, c))), v128.load(at(beta, c))));
    }
    for (; c < d; c++) store<f32>(at(yr, c), (load<f32>(at(xr, c)) - mean) * rstd * load<f32>(at(gamma, c)) + load<f32>(at(beta, c)));
  }
}

/**
 * The gradient of `layerNorm` (x the row it normalized, `stats` its mean and rstd): dx = rstd·(g − mean(g) −
 * x̂·mean(g·x̂)) with g = dy·gamma, plus `dAdd` where it is not 0 (the residual stream's own gradient);
 * dgamma = Σ dy·x̂ and dbeta = Σ dy over the rows (overwritten).
 */
export function layerNormBackward(
  dy: usize,
  x: usize,
  stats: usize,
  gamma: usize,
  dAdd: usize,
  dx: usize,
  dgamma: usize,
  dbeta: usize,
  rows: i32,
  d: i32,
): void {
  const d4 = d & ~3;
  const row = <usize>d << 2;
  memory.fill(dgamma, 0, row);
  memory.fill(dbeta, 0, row);
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * row;
    const gr = dy + <usize>r * row;
    const mean = load<f32>(at(stats, 2 * r));
    const rstd = load<f32>(at(stats, 2 * r + 1));
    const m4 = splat(mean);
    const s4 = splat(rstd);
    let a1 = splat(0);
    let a2 = splat(0);
    let c = 0;
    for (; c < d4; c += 4) {
      const xh = f32x4.mul(f32x4.sub(v128.load(at(xr, c)), m4), s4);
      const g = v128.load(at(gr, c));
      const gg = f32x4.mul(g, v128.load(at(gamma, c)));
      a1 = f32x4.add(a1, gg);
      a2 = f32x4.add(a2, f32x4.mul(gg, xh));
      v128.store(at(dgamma, c), f32x4.add(v128.load(at(dgamma, c)), f32x4.mul(g, xh)));
      v128.store(at(dbeta, c), f32x4.add(v128.load(at(dbeta, c)), g));
    }
    let s1: f32 = f32x4.extract_lane(a1, 0) + f32x4.extract_lane(a1, 1) + f32x4.extract_lane(a1, 2) + f32x4.extract_lane(a1, 3);
    let s2: f32 = f32x4.extract_lane(a2, 0) + f32x4.extract_lane(a2, 1) + f32x4.extract_lane(a2, 2) + f32x4.extract_lane(a2, 3);
    for (; c < d; c++) {
      const xh = (load<f32>(at(xr, c)) - mean) * rstd;
      const g = load<f32>(at(gr, c));
      const gg = g * load<f32>(at(gamma, c));
      s1 += gg;
      s2 += gg * xh;
      store<f32>(at(dgamma, c), load<f32>(at(dgamma, c)) + g * xh);
      store<f32>(at(dbeta, c), load<f32>(at(dbeta, c)) + g);
    }
    const mean1: f32 = s1 / <f32>d;
    const mean2: f32 = s2 / <f32>d;
    const b1 = splat(mean1);
    const b2 = splat(mean2);
    const dr = dx + <usize>r * row;
    const ar = dAdd + <usize>r * row;
    c = 0;
    for (; c < d4; c += 4) {
      const xh = f32x4.mul(f32x4.sub(v128.load(at(xr, c)), m4), s4);
      const gg = f32x4.mul(v128.load(at(gr, c)), v128.load(at(gamma, c)));
      let v = f32x4.mul(f32x4.sub(f32x4.sub(gg, b1), f32x4.mul(xh, b2)), s4);
      if (dAdd != 0) v = f32x4.add(v, v128.load(at(ar, c)));
      v128.store(at(dr, c), v);
    }
    for (; c < d; c++) {
      const xh = (load<f32>(at(xr, c)) - mean) * rstd;
      const gg = load<f32>(at(gr, c)) * load<f32>(at(gamma, c));
      let v: f32 = (gg - mean1 - xh * mean2) * rstd;
      if (dAdd != 0) v += load<f32>(at(ar, c));
      store<f32>(at(dr, c), v);
    }
  }
}

// Abramowitz & Stegun 7.1.26: erf(a) = 1 − t·(a1 + t·(a2 + t·(a3 + t·(a4 + t·a5))))·e^(−a²), t = 1/(1 + p·a), a ≥ 0, |error| ≤ 1.5e-7.
const P: f32 = 0.3275911;
const A1: f32 = 0.254829592;
const A2: f32 = -0.284496736;
const A3: f32 = 1.421413741;
const A4: f32 = -1.453152027;
const A5: f32 = 1.061405429;
const SQRT1_2: f32 = 0.7071067811865476;
/** 1/√(2π). */
const INV_SQRT_2PI: f32 = 0.3989422804014327;

/** t·(a1 + t·(a2 + t·(a3 + t·(a4 + t·a5)))), t = 1/(1 + p·|z|): erfc(|z|) = that · e^(−z²). */
// @ts-ignore: decorator
@inline
function erfcPoly(z: v128): v128 {
  const t = f32x4.div(splat(1), f32x4.add(splat(1), f32x4.mul(splat(P), f32x4.abs(z))));
  let q = f32x4.add(splat(A4), f32x4.mul(t, splat(A5)));
  q = f32x4.add(splat(A3), f32x4.mul(t, q));
  q = f32x4.add(splat(A2), f32x4.mul(t, q));
  q = f32x4.add(splat(A1), f32x4.mul(t, q));
  return f32x4.mul(t, q);
}

/** Φ(u) = ½(1 + erf(z)), z = u/√2, from e = e^(−z²): ½·erfc(|z|) below 0, 1 − that above. */
// @ts-ignore: decorator
@inline
function cdf(u: v128, z: v128, e: v128): v128 {
  const half = f32x4.mul(splat(0.5), f32x4.mul(erfcPoly(z), e));
  return v128.bitselect(half, f32x4.sub(splat(1), half), f32x4.lt(u, splat(0)));
}

/** u·Φ(u) per lane. */
// @ts-ignore: decorator
@inline
function geluv(u: v128): v128 {
  const z = f32x4.mul(u, splat(SQRT1_2));
  return f32x4.mul(u, cdf(u, z, expv(f32x4.neg(f32x4.mul(z, z)))));
}

/** Φ(u) + u·φ(u) per lane (one exp for both). */
// @ts-ignore: decorator
@inline
function geluSlope(u: v128): v128 {
  const z = f32x4.mul(u, splat(SQRT1_2));
  const e = expv(f32x4.neg(f32x4.mul(z, z)));
  return f32x4.add(cdf(u, z, e), f32x4.mul(u, f32x4.mul(e, splat(INV_SQRT_2PI))));
}

/**
 * g = u·Φ(u) (the exact GELU), times `mask` where it is not 0 (dropout), for n floats; where `slope` is not
 * 0, also its derivative there, Φ(u) + u·φ(u) (times the mask), for the backward pass (`multiply`).
 */
export function gelu(u: usize, mask: usize, g: usize, slope: usize, n: i32): void {
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const x = v128.load(at(u, i));
    const z = f32x4.mul(x, splat(SQRT1_2));
    const e = expv(f32x4.neg(f32x4.mul(z, z)));
    const phi = cdf(x, z, e);
    let v = f32x4.mul(x, phi);
    let s = f32x4.add(phi, f32x4.mul(x, f32x4.mul(e, splat(INV_SQRT_2PI))));
    if (mask != 0) {
      const m = v128.load(at(mask, i));
      v = f32x4.mul(v, m);
      s = f32x4.mul(s, m);
    }
    v128.store(at(g, i), v);
    if (slope != 0) v128.store(at(slope, i), s);
  }
  for (; i < n; i++) {
    const x = splat(load<f32>(at(u, i)));
    let v = f32x4.extract_lane(geluv(x), 0);
    let s = f32x4.extract_lane(geluSlope(x), 0);
    if (mask != 0) {
      v *= load<f32>(at(mask, i));
      s *= load<f32>(at(mask, i));
    }
    store<f32>(at(g, i), v);
    if (slope != 0) store<f32>(at(slope, i), s);
  }
}

/** out = a ⊙ b for n floats (out may be a or b). */
export function multiply(a: usize, b: usize, out: usize, n: i32): void {
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) v128.store(at(out, i), f32x4.mul(v128.load(at(a, i)), v128.load(at(b, i))));
  for (; i < n; i++) store<f32>(at(out, i), load<f32>(at(a, i)) * load<f32>(at(b, i)));
}

/** du = dg·(Φ(u) + u·φ(u)), dg times `mask` first where it is not 0, for n floats (du may be dg). */
export function geluBackward(u: usize, dg: usize, mask: usize, du: usize, n: i32): void {
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const x = v128.load(at(u, i));
    const slope = geluSlope(x);
    let g = v128.load(at(dg, i));
    if (mask != 0) g = f32x4.mul(g, v128.load(at(mask, i)));
    v128.store(at(du, i), f32x4.mul(g, slope));
  }
  for (; i < n; i++) {
    const x = splat(load<f32>(at(u, i)));
    const slope = f32x4.extract_lane(geluSlope(x), 0);
    let g = load<f32>(at(dg, i));
    if (mask != 0) g *= load<f32>(at(mask, i));
    store<f32>(at(du, i), g * slope);
  }
}

let correctCount: i32 = 0;

/** Correct arg-max predictions of the last `crossEntropy`. */
export function crossEntropyCorrect(): i32 {
  return correctCount;
}

/**
 * Softmax cross-entropy of `rows` rows of `cols` logits against int32 `targets`: returns Σ (logsumexp − the
 * target's logit) (float64 sum of float32 terms), writes dlogits = (softmax − onehot)·scale, and counts
 * rows whose first arg-max is the target (`crossEntropyCorrect`).
 */
export function crossEntropy(logits: usize, targets: usize, dlogits: usize, rows: i32, cols: i32, scale: f32): f64 {
  const c4 = cols & ~3;
  const row = <usize>cols << 2;
  let loss: f64 = 0;
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    const xr = logits + <usize>r * row;
    const dr = dlogits + <usize>r * row;
    const target = load<i32>(targets + (<usize>r << 2));
    let max: f32 = load<f32>(xr);
    let best = 0;
    for (let c = 1; c < cols; c++) {
      const v = load<f32>(at(xr, c));
      if (v > max) {
        max = v;
        best = c;
      }
    }
    if (best == target) correct++;
    const m4 = splat(max);
    let acc = splat(0);
    let c = 0;
    for (; c < c4; c += 4) {
      const e = expv(f32x4.sub(v128.load(at(xr, c)), m4));
      v128.store(at(dr, c), e);
      acc = f32x4.add(acc, e);
    }
    let sum: f32 = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
    for (; c < cols; c++) {
      const e = exp1(load<f32>(at(xr, c)) - max);
      store<f32>(at(dr, c), e);
      sum += e;
    }
    loss += logPositive(<f64>sum) + <f64>max - <f64>load<f32>(at(xr, target));
    const k = scale / sum;
    const k4 = splat(k);
    c = 0;
    for (; c < c4; c += 4) v128.store(at(dr, c), f32x4.mul(v128.load(at(dr, c)), k4));
    for (; c < cols; c++) store<f32>(at(dr, c), load<f32>(at(dr, c)) * k);
    store<f32>(at(dr, target), load<f32>(at(dr, target)) - scale);
  }
  correctCount = correct;
  return loss;
}

/** out[c] = Σ_r x[r][c] over `rows` rows of `cols` floats (a bias gradient). */
export function columnSums(x: usize, out: usize, rows: i32, cols: i32): void {
  const c4 = cols & ~3;
  const row = <usize>cols << 2;
  memory.fill(out, 0, row);
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * row;
    let c = 0;
    for (; c < c4; c += 4) v128.store(at(out, c), f32x4.add(v128.load(at(out, c)), v128.load(at(xr, c))));
    for (; c < cols; c++) store<f32>(at(out, c), load<f32>(at(out, c)) + load<f32>(at(xr, c)));
  }
}

/** out[r] = tokens[ids[r]] + positions[r mod positions] for `rows` int32 ids (rows of `d` floats; `positions` 0: none). */
export function embed(ids: usize, tokens: usize, positions: usize, out: usize, rows: i32, t: i32, d: i32): void {
  const d4 = d & ~3;
  const row = <usize>d << 2;
  for (let r = 0; r < rows; r++) {
    const tr = tokens + <usize>load<i32>(ids + (<usize>r << 2)) * row;
    const pr = positions + <usize>(r % t) * row;
    const o = out + <usize>r * row;
    if (positions == 0) {
      memory.copy(o, tr, row);
      continue;
    }
    let c = 0;
    for (; c < d4; c += 4) v128.store(at(o, c), f32x4.add(v128.load(at(tr, c)), v128.load(at(pr, c))));
    for (; c < d; c++) store<f32>(at(o, c), load<f32>(at(tr, c)) + load<f32>(at(pr, c)));
  }
}

/** The gradients of `embed`: dTokens (vocabulary rows) and dPositions (`positionRows` rows, if not 0), overwritten, rows added in order. */
export function embedBackward(ids: usize, dOut: usize, dTokens: usize, dPositions: usize, rows: i32, t: i32, d: i32, vocabulary: i32, positionRows: i32): void {
  const d4 = d & ~3;
  const row = <usize>d << 2;
  memory.fill(dTokens, 0, <usize>vocabulary * row);
  if (dPositions != 0) memory.fill(dPositions, 0, <usize>positionRows * row);
  for (let r = 0; r < rows; r++) {
    const g = dOut + <usize>r * row;
    const tr = dTokens + <usize>load<i32>(ids + (<usize>r << 2)) * row;
    let c = 0;
    for (; c < d4; c += 4) v128.store(at(tr, c), f32x4.add(v128.load(at(tr, c)), v128.load(at(g, c))));
    for (; c < d; c++) store<f32>(at(tr, c), load<f32>(at(tr, c)) + load<f32>(at(g, c)));
    if (dPositions == 0) continue;
    const pr = dPositions + <usize>(r % t) * row;
    c = 0;
    for (; c < d4; c += 4) v128.store(at(pr, c), f32x4.add(v128.load(at(pr, c)), v128.load(at(g, c))));
    for (; c < d; c++) store<f32>(at(pr, c), load<f32>(at(pr, c)) + load<f32>(at(g, c)));
  }
}

/** Rows of a chunk of `weightGradient`: its slices of x and dy stay in cache across the output tiles (64 measured best: 10–15% over 128 and 256). */
const CHUNK: i32 = 64;

/**
 * out = xᵀ·dy (`m × n`) for x `rows × m` and dy `rows × n` (a dense layer's weight gradient), without
 * transposing or packing either: 4 × 8 output tiles in registers, the rows in chunks of 64 and in
 * increasing order within each; tiles off the edges element by element.
 */
export function weightGradient(x: usize, dy: usize, out: usize, rows: i32, m: i32, n: i32): void {
  const m4 = m & ~3;
  const n8 = n & ~7;
  const rowX = <usize>m << 2;
  const rowD = <usize>n << 2;
  const rowO = <usize>n << 2;
  memory.fill(out, 0, <usize>m * rowO);
  for (let r0 = 0; r0 < rows; r0 += CHUNK) {
    const r1 = min(rows, r0 + CHUNK);
    for (let i = 0; i < m4; i += 4) {
      const o0 = out + <usize>i * rowO;
      const o1 = o0 + rowO;
      const o2 = o1 + rowO;
      const o3 = o2 + rowO;
      for (let j = 0; j < n8; j += 8) {
        const jo = <usize>j << 2;
        let a0 = v128.load(o0 + jo);
        let b0 = v128.load(o0 + jo, 16);
        let a1 = v128.load(o1 + jo);
        let b1 = v128.load(o1 + jo, 16);
        let a2 = v128.load(o2 + jo);
        let b2 = v128.load(o2 + jo, 16);
        let a3 = v128.load(o3 + jo);
        let b3 = v128.load(o3 + jo, 16);
        let xp = x + <usize>r0 * rowX + (<usize>i << 2);
        let dp = dy + <usize>r0 * rowD + jo;
        for (let r = r0; r < r1; r++) {
          const d0 = v128.load(dp);
          const d1 = v128.load(dp, 16);
          const s0 = v128.load32_splat(xp);
          const s1 = v128.load32_splat(xp, 4);
          const s2 = v128.load32_splat(xp, 8);
          const s3 = v128.load32_splat(xp, 12);
          a0 = f32x4.add(a0, f32x4.mul(s0, d0));
          b0 = f32x4.add(b0, f32x4.mul(s0, d1));
          a1 = f32x4.add(a1, f32x4.mul(s1, d0));
          b1 = f32x4.add(b1, f32x4.mul(s1, d1));
          a2 = f32x4.add(a2, f32x4.mul(s2, d0));
          b2 = f32x4.add(b2, f32x4.mul(s2, d1));
          a3 = f32x4.add(a3, f32x4.mul(s3, d0));
          b3 = f32x4.add(b3, f32x4.mul(s3, d1));
          xp += rowX;
          dp += rowD;
        }
        v128.store(o0 + jo, a0);
        v128.store(o0 + jo, b0, 16);
        v128.store(o1 + jo, a1);
        v128.store(o1 + jo, b1, 16);
        v128.store(o2 + jo, a2);
        v128.store(o2 + jo, b2, 16);
        v128.store(o3 + jo, a3);
        v128.store(o3 + jo, b3, 16);
      }
      // the last n % 8 columns
      for (let j = n8; j < n; j++) {
        for (let ii = i; ii < i + 4; ii++) {
          let acc = load<f32>(out + <usize>ii * rowO + (<usize>j << 2));
          for (let r = r0; r < r1; r++) acc += load<f32>(x + <usize>r * rowX + (<usize>ii << 2)) * load<f32>(dy + <usize>r * rowD + (<usize>j << 2));
          store<f32>(out + <usize>ii * rowO + (<usize>j << 2), acc);
        }
      }
    }
    // the last m % 4 rows of the output
    for (let ii = m4; ii < m; ii++) {
      for (let j = 0; j < n; j++) {
        let acc = load<f32>(out + <usize>ii * rowO + (<usize>j << 2));
        for (let r = r0; r < r1; r++) acc += load<f32>(x + <usize>r * rowX + (<usize>ii << 2)) * load<f32>(dy + <usize>r * rowD + (<usize>j << 2));
        store<f32>(out + <usize>ii * rowO + (<usize>j << 2), acc);
      }
    }
  }
}

/**
 * out = a·b (+ bias) for row-major a `m × k` and b `k × n` (`bias` 0: none): x·W + b of a dense layer and
 * dy·Wᵀ of its input gradient, with no packing of b. 4 × 8 output tiles in registers, k in increasing
 * order, then the bias; the last m % 4 rows one at a time, the last n % 8 columns four or one at a time.
 */
export function matMul(a: usize, b: usize, bias: usize, out: usize, m: i32, k: i32, n: i32): void {
  const m4 = m & ~3;
  const n8 = n & ~7;
  const n4 = n & ~3;
  const rowA = <usize>k << 2;
  const rowB = <usize>n << 2;
  const rowO = <usize>n << 2;
  for (let i = 0; i < m4; i += 4) {
    const a0 = a + <usize>i * rowA;
    const a1 = a0 + rowA;
    const a2 = a1 + rowA;
    const a3 = a2 + rowA;
    const o0 = out + <usize>i * rowO;
    const o1 = o0 + rowO;
    const o2 = o1 + rowO;
    const o3 = o2 + rowO;
    let j = 0;
    for (; j < n8; j += 8) {
      const jo = <usize>j << 2;
      let x0 = f32x4.splat(0);
      let y0 = f32x4.splat(0);
      let x1 = f32x4.splat(0);
      let y1 = f32x4.splat(0);
      let x2 = f32x4.splat(0);
      let y2 = f32x4.splat(0);
      let x3 = f32x4.splat(0);
      let y3 = f32x4.splat(0);
      let bp = b + jo;
      for (let kk = 0; kk < k; kk++) {
        const ko = <usize>kk << 2;
        const bx = v128.load(bp);
        const by = v128.load(bp, 16);
        const s0 = v128.load32_splat(a0 + ko);
        const s1 = v128.load32_splat(a1 + ko);
        const s2 = v128.load32_splat(a2 + ko);
        const s3 = v128.load32_splat(a3 + ko);
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
      if (bias != 0) {
        const bx = v128.load(bias + jo);
        const by = v128.load(bias + jo, 16);
        x0 = f32x4.add(x0, bx);
        y0 = f32x4.add(y0, by);
        x1 = f32x4.add(x1, bx);
        y1 = f32x4.add(y1, by);
        x2 = f32x4.add(x2, bx);
        y2 = f32x4.add(y2, by);
        x3 = f32x4.add(x3, bx);
        y3 = f32x4.add(y3, by);
      }
      v128.store(o0 + jo, x0);
      v128.store(o0 + jo, y0, 16);
      v128.store(o1 + jo, x1);
      v128.store(o1 + jo, y1, 16);
      v128.store(o2 + jo, x2);
      v128.store(o2 + jo, y2, 16);
      v128.store(o3 + jo, x3);
      v128.store(o3 + jo, y3, 16);
    }
    for (; j < n4; j += 4) {
      const jo = <usize>j << 2;
      let x0 = f32x4.splat(0);
      let x1 = f32x4.splat(0);
      let x2 = f32x4.splat(0);
      let x3 = f32x4.splat(0);
      let bp = b + jo;
      for (let kk = 0; kk < k; kk++) {
        const ko = <usize>kk << 2;
        const bx = v128.load(bp);
        x0 = f32x4.add(x0, f32x4.mul(v128.load32_splat(a0 + ko), bx));
        x1 = f32x4.add(x1, f32x4.mul(v128.load32_splat(a1 + ko), bx));
        x2 = f32x4.add(x2, f32x4.mul(v128.load32_splat(a2 + ko), bx));
        x3 = f32x4.add(x3, f32x4.mul(v128.load32_splat(a3 + ko), bx));
        bp += rowB;
      }
      if (bias != 0) {
        const bx = v128.load(bias + jo);
        x0 = f32x4.add(x0, bx);
        x1 = f32x4.add(x1, bx);
        x2 = f32x4.add(x2, bx);
        x3 = f32x4.add(x3, bx);
      }
      v128.store(o0 + jo, x0);
      v128.store(o1 + jo, x1);
      v128.store(o2 + jo, x2);
      v128.store(o3 + jo, x3);
    }
    for (; j < n; j++) {
      for (let r = 0; r < 4; r++) {
        const ar = a0 + <usize>r * rowA;
        let acc: f32 = 0;
        for (let kk = 0; kk < k; kk++) acc += load<f32>(ar + (<usize>kk << 2)) * load<f32>(b + <usize>kk * rowB + (<usize>j << 2));
        if (bias != 0) acc += load<f32>(bias + (<usize>j << 2));
        store<f32>(o0 + <usize>r * rowO + (<usize>j << 2), acc);
      }
    }
  }
  // the last m % 4 rows
  for (let i = m4; i < m; i++) {
    const ar = a + <usize>i * rowA;
    const or = out + <usize>i * rowO;
    let j = 0;
    for (; j < n4; j += 4) {
      const jo = <usize>j << 2;
      let x0 = f32x4.splat(0);
      let bp = b + jo;
      for (let kk = 0; kk < k; kk++) {
        x0 = f32x4.add(x0, f32x4.mul(v128.load32_splat(ar + (<usize>kk << 2)), v128.load(bp)));
        bp += rowB;
      }
      if (bias != 0) x0 = f32x4.add(x0, v128.load(bias + jo));
      v128.store(or + jo, x0);
    }
    for (; j < n; j++) {
      let acc: f32 = 0;
      for (let kk = 0; kk < k; kk++) acc += load<f32>(ar + (<usize>kk << 2)) * load<f32>(b + <usize>kk * rowB + (<usize>j << 2));
      if (bias != 0) acc += load<f32>(bias + (<usize>j << 2));
      store<f32>(or + (<usize>j << 2), acc);
    }
  }
}

/**
 * One AdamW step over n float32 parameters in float64 arithmetic, two at a time, the very operations (and
 * order) of `@modscope/train`'s flat optimizer in JavaScript, so the same bits: g = gradient·scale; w =
 * w·shrink where decay is 1; m = m·b1 + g·c1; s = s·b2 + g·g·c2 (stored as float32); w −= m/(√s + eps)·step
 * (with the float64 m and s); w·mask where `mask` is not 0.
 */
export function adamUpdate(
  weights: usize,
  gradient: usize,
  first: usize,
  second: usize,
  decay: usize,
  mask: usize,
  n: i32,
  scale: f64,
  b1: f64,
  c1: f64,
  b2: f64,
  c2: f64,
  eps: f64,
  step: f64,
  shrink: f64,
): void {
  const n2 = n & ~1;
  const scale2 = f64x2.splat(scale);
  const b12 = f64x2.splat(b1);
  const c12 = f64x2.splat(c1);
  const b22 = f64x2.splat(b2);
  const c22 = f64x2.splat(c2);
  const eps2 = f64x2.splat(eps);
  const step2 = f64x2.splat(step);
  const shrink2 = f64x2.splat(shrink);
  const one = f64x2.splat(1);
  let i = 0;
  for (; i < n2; i += 2) {
    const o = <usize>i << 2;
    const g = f64x2.mul(f64x2.promote_low_f32x4(v128.load64_zero(gradient + o)), scale2);
    let w = f64x2.promote_low_f32x4(v128.load64_zero(weights + o));
    const decayed = f64x2.eq(f64x2.promote_low_f32x4(v128.load64_zero(decay + o)), one);
    w = v128.bitselect(f64x2.mul(w, shrink2), w, decayed);
    const m = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(v128.load64_zero(first + o)), b12), f64x2.mul(g, c12));
    const s = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(v128.load64_zero(second + o)), b22), f64x2.mul(f64x2.mul(g, g), c22));
    v128.store64_lane(first + o, f32x4.demote_f64x2_zero(m), 0);
    v128.store64_lane(second + o, f32x4.demote_f64x2_zero(s), 0);
    w = f64x2.sub(w, f64x2.mul(f64x2.div(m, f64x2.add(f64x2.sqrt(s), eps2)), step2));
    if (mask != 0) w = f64x2.mul(w, f64x2.promote_low_f32x4(v128.load64_zero(mask + o)));
    v128.store64_lane(weights + o, f32x4.demote_f64x2_zero(w), 0);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const g = <f64>load<f32>(gradient + o) * scale;
    let w = <f64>load<f32>(weights + o);
    if (load<f32>(decay + o) == 1) w = w * shrink;
    const m = <f64>load<f32>(first + o) * b1 + g * c1;
    const s = <f64>load<f32>(second + o) * b2 + g * g * c2;
    store<f32>(first + o, <f32>m);
    store<f32>(second + o, <f32>s);
    w -= (m / (Math.sqrt(s) + eps)) * step;
    if (mask != 0) w = w * <f64>load<f32>(mask + o);
    store<f32>(weights + o, <f32>w);
  }
}

/** Rows of a block of `matMulGelu`: its output stays in the first-level cache for the GELU pass. */
const GELU_ROWS: i32 = 16;

/**
 * g = GELU(a·b + bias) (times `mask` where not 0) and `slope` its derivative, as `matMul` then `gelu` on
 * every block of 16 rows while it is still in cache (an MLP's first layer without its pre-activation).
 */
export function matMulGelu(a: usize, b: usize, bias: usize, mask: usize, g: usize, slope: usize, m: i32, k: i32, n: i32): void {
  for (let i = 0; i < m; i += GELU_ROWS) {
    const rows = min(GELU_ROWS, m - i);
    const at0 = (<usize>i * <usize>n) << 2;
    matMul(a + ((<usize>i * <usize>k) << 2), b, bias, g + at0, rows, k, n);
    gelu(g + at0, mask != 0 ? mask + at0 : 0, g + at0, slope + at0, rows * n);
  }
}
