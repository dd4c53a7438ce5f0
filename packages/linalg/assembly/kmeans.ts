// AssemblyScript kernel for one k-means run (greedy k-means++ seeding, then Lloyd), compiled to
// WebAssembly with SIMD by `npm run build` (scripts/build-wasm.mjs) and inlined into the JS bundle.
//
// Arithmetic (the JavaScript reference in src/kmeans.ts does the same operations in the same order, so
// both give the same labels, centers and inertia): rows and centers are float32 with a stride dp (d
// rounded up to 4, padding 0). A squared distance is summed in four lanes, coordinate t in lane t mod 4,
// then (lane 0 + lane 1) + (lane 2 + lane 3); the seeding's distances, computed four rows at a time from
// the transposed rows, are summed over the coordinates in order. Lloyd's assignment scores the centers by the
// expansion |c|² − 2·x·c, four rows at a time from the transposed rows: |c|² plus x_t·(−2·c_t) for t in order. Cluster
// sums, the seeding's potentials, the center shift and the inertia are float64. No allocator: the caller
// lays out linear memory.

// @ts-nocheck — AssemblyScript, not TypeScript (excluded from tsc)

/** Start of free linear memory. */
export function heapBase(): usize {
  return __heap_base;
}

/** Squared distance between two rows of `vectors` × 4 float32 (pointers in bytes). */
// @ts-ignore: decorator
@inline
function dist(x: usize, y: usize, vectors: i32): f32 {
  let e = f32x4.sub(v128.load(x), v128.load(y));
  let acc = f32x4.mul(e, e);
  for (let v = 1; v < vectors; v++) {
    const o = <usize>v << 4;
    e = f32x4.sub(v128.load(x + o), v128.load(y + o));
    acc = f32x4.add(acc, f32x4.mul(e, e));
  }
  return (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
}

// @ts-ignore: decorator
@inline
function f32At(base: usize, i: i32): f32 {
  return load<f32>(base + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline
function setF32(base: usize, i: i32, v: f32): void {
  store<f32>(base + (<usize>i << 2), v);
}

// @ts-ignore: decorator
@inline
function f64At(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline
function setF64(base: usize, i: i32, v: f64): void {
  store<f64>(base + (<usize>i << 3), v);
}

// @ts-ignore: decorator
@inline
function i32At(base: usize, i: i32): i32 {
  return load<i32>(base + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline
function setI32(base: usize, i: i32, v: i32): void {
  store<i32>(base + (<usize>i << 2), v);
}

// @ts-ignore: decorator
@inline
function trialsFor(k: i32): i32 {
  return 2 + <i32>Math.floor(Math.log(<f64>k));
}

/** d rounded up to 4: the row stride. */
// @ts-ignore: decorator
@inline
function padRow(d: i32): i32 {
  return (d + 3) & ~3;
}

/** k rounded up to 6: `assign` scores six centers per pass. */
// @ts-ignore: decorator
@inline
function padCenters(k: i32): i32 {
  return ((k + 5) / 6) * 6;
}

// @ts-ignore: decorator
@inline
function up16(x: usize): usize {
  return (x + 15) & ~(<usize>15);
}

/** Bytes of scratch memory `run` needs. */
export function scratchBytes(n: i32, d: i32, k: i32): usize {
  const dp = padRow(d);
  const kp = padCenters(k);
  const trials = trialsFor(k);
  // run: centers and next (k × dp f32), c2 (d × kp × 4 f32), cnS (kp × 4 f32), counts (k i32), sums
  // (k × d f64); seed: closest (np f32), cand (trials × np f32), index (trials i32), pots (trials f64);
  // 16 bytes of alignment slack per array
  const np = (n + 3) & ~3;
  const four = <usize>(2 * k * dp + 4 * d * kp + 4 * kp + k + np + trials * np + trials);
  const eight = <usize>(k * d + trials);
  return (four << 2) + (eight << 3) + 16 * 16 + 64;
}

let iterationsDone: i32 = 0;

/** Iterations of the last `run`. */
export function iterations(): i32 {
  return iterationsDone;
}

/**
 * The rows transposed, d × np (np = n rounded up to 4; padding 0), for the seeding's scores: four rows
 * per SIMD operation.
 */
export function transposeRows(data: usize, n: i32, d: i32, cols: usize): void {
  const dp = padRow(d);
  const np = (n + 3) & ~3;
  memory.fill(cols, 0, <usize>(d * np) << 2);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) setF32(cols, t * np + i, f32At(data, i * dp + t));
}

/** Bytes `transposeRows` writes. */
export function transposedBytes(n: i32, d: i32): usize {
  return <usize>(d * ((n + 3) & ~3)) << 2;
}

/**
 * Each row's squared distance to the row at `y` (float32, summed over the coordinates in order), or the
 * lower of it and `old` unless `initial`, into `out`; returns their float64 sum in row order.
 */
function scoreRows(cols: usize, n: i32, d: i32, y: usize, old: usize, out: usize, initial: bool): f64 {
  const np = (n + 3) & ~3;
  const stride = <usize>np << 2;
  let pot: f64 = 0;
  const full = n & ~3;
  let i = 0;
  // eight rows per pass (two SIMD groups sharing each coordinate of y), then four
  for (; i + 8 <= full; i += 8) {
    const o = <usize>i << 2;
    let a = f32x4.splat(0);
    let b = f32x4.splat(0);
    let c = cols + o;
    for (let t = 0; t < d; t++) {
      const yt = f32x4.splat(load<f32>(y + (<usize>t << 2)));
      const ea = f32x4.sub(v128.load(c), yt);
      const eb = f32x4.sub(v128.load(c, 16), yt);
      a = f32x4.add(a, f32x4.mul(ea, ea));
      b = f32x4.add(b, f32x4.mul(eb, eb));
      c += stride;
    }
    // pmin: one instruction (f32x4.min's NaN and signed-zero rules cost seven); distances are never NaN
    const ma = initial ? a : f32x4.pmin(v128.load(old + o), a);
    const mb = initial ? b : f32x4.pmin(v128.load(old + o, 16), b);
    v128.store(out + o, ma);
    v128.store(out + o, mb, 16);
    pot += <f64>f32x4.extract_lane(ma, 0);
    pot += <f64>f32x4.extract_lane(ma, 1);
    pot += <f64>f32x4.extract_lane(ma, 2);
    pot += <f64>f32x4.extract_lane(ma, 3);
    pot += <f64>f32x4.extract_lane(mb, 0);
    pot += <f64>f32x4.extract_lane(mb, 1);
    pot += <f64>f32x4.extract_lane(mb, 2);
    pot += <f64>f32x4.extract_lane(mb, 3);
  }
  for (; i < full; i += 4) {
    const o = <usize>i << 2;
    let acc = f32x4.splat(0);
    for (let t = 0; t < d; t++) {
      const e = f32x4.sub(v128.load(cols + <usize>t * stride + o), f32x4.splat(load<f32>(y + (<usize>t << 2))));
      acc = f32x4.add(acc, f32x4.mul(e, e));
    }
    const m = initial ? acc : f32x4.pmin(v128.load(old + o), acc);
    v128.store(out + o, m);
    pot += <f64>f32x4.extract_lane(m, 0);
    pot += <f64>f32x4.extract_lane(m, 1);
    pot += <f64>f32x4.extract_lane(m, 2);
    pot += <f64>f32x4.extract_lane(m, 3);
  }
  for (let i = full; i < n; i++) {
    let s: f32 = 0;
    for (let t = 0; t < d; t++) {
      const e = f32At(cols, t * np + i) - f32At(y, t);
      s += e * e;
    }
    const m = initial ? s : select<f32>(s, f32At(old, i), s < f32At(old, i));
    setF32(out, i, m);
    pot += <f64>m;
  }
  return pot;
}

/**
 * Greedy k-means++ seeding into `centers` (k × dp), drawing the first row from u[0] and trial t of center
 * c from u[1 + (c − 1)·trials + t]: the trials of one center sampled from the potentials, then scored one
 * at a time, four rows per SIMD operation from the transposed rows `cols` (see `scoreRows`).
 */
function seed(data: usize, cols: usize, n: i32, d: i32, dp: i32, k: i32, u: usize, centers: usize, scratch: usize): void {
  const trials = trialsFor(k);
  const rowBytes = <usize>dp << 2;
  const np = (n + 3) & ~3;
  const closest = up16(scratch); // np f32
  const cand = up16(closest + (<usize>np << 2)); // trials × np f32
  const index = up16(cand + (<usize>(trials * np) << 2)); // trials i32
  const pots = up16(index + (<usize>trials << 2)); // trials f64

  const first = <i32>Math.floor(f64At(u, 0) * <f64>n);
  memory.copy(centers, data + <usize>first * rowBytes, rowBytes);
  let potential = scoreRows(cols, n, d, centers, closest, closest, true);
  for (let c = 1; c < k; c++) {
    const ub = 1 + (c - 1) * trials;
    // sample the candidates: each subtracts the potentials in row order until it goes below zero
    if (potential > 0) {
      for (let t = 0; t < trials; t++) {
        let r = f64At(u, ub + t) * potential;
        let i = 0;
        for (; i < n; i++) {
          r -= <f64>f32At(closest, i);
          if (r < 0) break;
        }
        setI32(index, t, i < n ? i : n - 1);
      }
    } else {
      for (let t = 0; t < trials; t++) setI32(index, t, <i32>Math.floor(f64At(u, ub + t) * <f64>n));
    }
    // score the candidates: each row's distance to its nearest center, the candidate included
    for (let t = 0; t < trials; t++) {
      setF64(pots, t, scoreRows(cols, n, d, data + <usize>i32At(index, t) * rowBytes, closest, cand + (<usize>(t * np) << 2), false));
    }
    let bestT = 0;
    let bestPot = f64At(pots, 0);
    for (let t = 1; t < trials; t++) {
      if (f64At(pots, t) < bestPot) {
        bestPot = f64At(pots, t);
        bestT = t;
      }
    }
    memory.copy(centers + <usize>c * rowBytes, data + <usize>i32At(index, bestT) * rowBytes, rowBytes);
    memory.copy(closest, cand + (<usize>(bestT * np) << 2), <usize>np << 2);
    potential = bestPot;
  }
}

/**
 * The score table of `assign` from the centers (k × dp): for each coordinate t and center j, −2·c_jt in
 * all four lanes (c2, d × kp vectors), and |c_j|² (float32, summed over t in order) in all four lanes
 * (cnS, kp vectors). Padding centers get −2·c = 0 and |c|² = +∞, so they never win.
 */
function scoreTable(centers: usize, d: i32, dp: i32, k: i32, c2: usize, cnS: usize): void {
  const kp = padCenters(k);
  const stride = <usize>kp << 4;
  for (let j = 0; j < kp; j++) {
    const col = c2 + (<usize>j << 4);
    if (j >= k) {
      v128.store(cnS + (<usize>j << 4), f32x4.splat(Infinity));
      for (let t = 0; t < d; t++) v128.store(col + <usize>t * stride, f32x4.splat(0));
      continue;
    }
    let s: f32 = 0;
    for (let t = 0; t < d; t++) {
      const c = f32At(centers, j * dp + t);
      v128.store(col + <usize>t * stride, f32x4.splat(-2 * c));
      s += c * c;
    }
    v128.store(cnS + (<usize>j << 4), f32x4.splat(s));
  }
}

/** Moves row i to cluster `best` (or puts it there when `first`), keeping counts and sums; returns 1 if it changed cluster. */
// @ts-ignore: decorator
@inline
function place(data: usize, rowBytes: usize, d: i32, i: i32, best: i32, labels: usize, counts: usize, sums: usize, first: bool): i32 {
  const x = data + <usize>i * rowBytes;
  if (first) {
    setI32(labels, i, best);
    setI32(counts, best, i32At(counts, best) + 1);
    const sb = sums + <usize>(best * d) * 8;
    for (let t = 0; t < d; t++) setF64(sb, t, f64At(sb, t) + <f64>f32At(x, t));
    return 0;
  }
  const a0 = i32At(labels, i);
  if (best == a0) return 0;
  setI32(labels, i, best);
  setI32(counts, a0, i32At(counts, a0) - 1);
  setI32(counts, best, i32At(counts, best) + 1);
  const so = sums + <usize>(a0 * d) * 8;
  const sn = sums + <usize>(best * d) * 8;
  for (let t = 0; t < d; t++) {
    const v = <f64>f32At(x, t);
    setF64(so, t, f64At(so, t) - v);
    setF64(sn, t, f64At(sn, t) + v);
  }
  return 1;
}

/**
 * Assigns every row to the center of the lowest score |c|² − 2·x·c (the lowest center on a tie): four
 * rows at a time from the transposed rows `cols` (d × np), six centers per pass, each score summed from
 * |c|² over t in order (see `scoreTable`). Updates labels, counts and sums (all rows when `first`, else
 * the rows that change cluster). Returns the number of rows that changed cluster.
 */
function assign(data: usize, cols: usize, n: i32, d: i32, dp: i32, k: i32, c2: usize, cnS: usize, labels: usize, counts: usize, sums: usize, first: bool): i32 {
  const rowBytes = <usize>dp << 2;
  const kp = padCenters(k);
  const np = (n + 3) & ~3;
  const stride = <usize>np << 2;
  const cstride = <usize>kp << 4;
  let changed = 0;
  for (let i = 0; i < np; i += 4) {
    const o = cols + (<usize>i << 2);
    let m = f32x4.splat(Infinity);
    let idx = i32x4.splat(0);
    for (let g = 0; g < kp; g += 6) {
      const cg = c2 + (<usize>g << 4);
      const ng = cnS + (<usize>g << 4);
      let a0 = v128.load(ng);
      let a1 = v128.load(ng, 16);
      let a2 = v128.load(ng, 32);
      let a3 = v128.load(ng, 48);
      let a4 = v128.load(ng, 64);
      let a5 = v128.load(ng, 80);
      for (let t = 0; t < d; t++) {
        const x = v128.load(o + <usize>t * stride);
        const c = cg + <usize>t * cstride;
        a0 = f32x4.add(a0, f32x4.mul(x, v128.load(c)));
        a1 = f32x4.add(a1, f32x4.mul(x, v128.load(c, 16)));
        a2 = f32x4.add(a2, f32x4.mul(x, v128.load(c, 32)));
        a3 = f32x4.add(a3, f32x4.mul(x, v128.load(c, 48)));
        a4 = f32x4.add(a4, f32x4.mul(x, v128.load(c, 64)));
        a5 = f32x4.add(a5, f32x4.mul(x, v128.load(c, 80)));
      }
      // a strictly lower score takes the row (pmin: one instruction; the scores are finite or +∞)
      let lt = f32x4.lt(a0, m);
      m = f32x4.pmin(m, a0);
      idx = v128.bitselect(i32x4.splat(g), idx, lt);
      lt = f32x4.lt(a1, m);
      m = f32x4.pmin(m, a1);
      idx = v128.bitselect(i32x4.splat(g + 1), idx, lt);
      lt = f32x4.lt(a2, m);
      m = f32x4.pmin(m, a2);
      idx = v128.bitselect(i32x4.splat(g + 2), idx, lt);
      lt = f32x4.lt(a3, m);
      m = f32x4.pmin(m, a3);
      idx = v128.bitselect(i32x4.splat(g + 3), idx, lt);
      lt = f32x4.lt(a4, m);
      m = f32x4.pmin(m, a4);
      idx = v128.bitselect(i32x4.splat(g + 4), idx, lt);
      lt = f32x4.lt(a5, m);
      m = f32x4.pmin(m, a5);
      idx = v128.bitselect(i32x4.splat(g + 5), idx, lt);
    }
    if (!first && i + 4 <= n && i32x4.all_true(i32x4.eq(idx, v128.load(labels + (<usize>i << 2))))) continue;
    changed += place(data, rowBytes, d, i, i32x4.extract_lane(idx, 0), labels, counts, sums, first);
    if (i + 1 < n) changed += place(data, rowBytes, d, i + 1, i32x4.extract_lane(idx, 1), labels, counts, sums, first);
    if (i + 2 < n) changed += place(data, rowBytes, d, i + 2, i32x4.extract_lane(idx, 2), labels, counts, sums, first);
    if (i + 3 < n) changed += place(data, rowBytes, d, i + 3, i32x4.extract_lane(idx, 3), labels, counts, sums, first);
  }
  return changed;
}

/**
 * One run: seeding from the uniforms at `u` (see `seed`), then at most `maxIter` Lloyd iterations, each
 * assigning every row (see `assign`). `data` is n × dp float32; writes labels (n × i32) and centers
 * (k × dp float32); returns the inertia.
 */
export function run(data: usize, cols: usize, n: i32, d: i32, k: i32, u: usize, maxIter: i32, tolAbs: f64, labels: usize, centersOut: usize, scratch: usize): f64 {
  const dp = padRow(d);
  const vectors = dp >> 2;
  const rowBytes = <usize>dp << 2;
  const kd = <usize>(k * dp) << 2;
  const kp = padCenters(k);
  let centers = up16(scratch);
  let next = up16(centers + kd);
  const c2 = up16(next + kd); // d × kp f32x4
  const cnS = up16(c2 + (<usize>(d * kp) << 4)); // kp f32x4
  const counts = up16(cnS + (<usize>kp << 4)); // k i32
  const sums = up16(counts + (<usize>k << 2)); // k × d f64
  const seedScratch = up16(sums + (<usize>(k * d) << 3));

  seed(data, cols, n, d, dp, k, u, centers, seedScratch);

  memory.fill(sums, 0, <usize>(k * d) << 3);
  memory.fill(counts, 0, <usize>k << 2);
  scoreTable(centers, d, dp, k, c2, cnS);
  assign(data, cols, n, d, dp, k, c2, cnS, labels, counts, sums, true);

  let iter = 0;
  while (iter < maxIter) {
    iter++;
    for (let j = 0; j < k; j++) {
      if (i32At(counts, j) != 0) continue;
      // relocate the row farthest from its center into the empty cluster
      let far = -1;
      let farDist: f32 = -1;
      for (let i = 0; i < n; i++) {
        const a = i32At(labels, i);
        if (i32At(counts, a) <= 1) continue;
        const q = dist(data + <usize>i * rowBytes, centers + <usize>a * rowBytes, vectors);
        if (q > farDist) {
          farDist = q;
          far = i;
        }
      }
      if (far < 0) continue;
      const old = i32At(labels, far);
      const x = data + <usize>far * rowBytes;
      const so = sums + <usize>(old * d) * 8;
      const sj = sums + <usize>(j * d) * 8;
      for (let t = 0; t < d; t++) {
        const v = <f64>f32At(x, t);
        setF64(so, t, f64At(so, t) - v);
        setF64(sj, t, v);
      }
      setI32(counts, old, i32At(counts, old) - 1);
      setI32(counts, j, 1);
      setI32(labels, far, j);
    }
    // M-step
    let shift: f64 = 0;
    for (let j = 0; j < k; j++) {
      const c = i32At(counts, j);
      const nj = next + <usize>j * rowBytes;
      const cj = centers + <usize>j * rowBytes;
      const sj = sums + <usize>(j * d) * 8;
      if (c > 0) {
        for (let t = 0; t < d; t++) setF32(nj, t, <f32>(f64At(sj, t) / <f64>c));
        for (let t = d; t < dp; t++) setF32(nj, t, 0);
      } else memory.copy(nj, cj, rowBytes);
      shift += <f64>dist(nj, cj, vectors);
    }
    const swap = centers;
    centers = next;
    next = swap;
    scoreTable(centers, d, dp, k, c2, cnS);
    const changed = assign(data, cols, n, d, dp, k, c2, cnS, labels, counts, sums, false);
    if (changed == 0 || shift <= tolAbs) break;
  }
  iterationsDone = iter;
  let inertia: f64 = 0;
  for (let i = 0; i < n; i++) inertia += <f64>dist(data + <usize>i * rowBytes, centers + <usize>i32At(labels, i) * rowBytes, vectors);
  memory.copy(centersOut, centers, kd);
  return inertia;
}
