// AssemblyScript kernel for one k-means run (greedy k-means++ seeding, then Lloyd), compiled to
// WebAssembly with SIMD by `npm run build` (scripts/build-wasm.mjs) and inlined into the JS bundle.
//
// Arithmetic (the JavaScript reference in src/kmeans.ts does the same operations in the same order, so
// both give the same labels, centers and inertia): rows and centers are float32 with a stride dp (d
// rounded up to 4, padding 0). A squared distance is summed in four lanes, coordinate t in lane t mod 4,
// then (lane 0 + lane 1) + (lane 2 + lane 3); the seeding's distances, computed four rows at a time from
// the transposed rows, are summed over the coordinates in order. Lloyd's assignment scores every center at once by the
// expansion |c|² − 2·x·c, with x·c summed in two halves (even and odd coordinates) then added. Cluster
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

/** k rounded up to 12: `assign` scores 12 centers per block (three groups of four, even and odd coordinates apart). */
// @ts-ignore: decorator
@inline
function padCenters(k: i32): i32 {
  return ((k + 11) / 12) * 12;
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
  // run: centers and next (k × dp f32), ct (d × kp f32), cn and scores (kp f32), counts (k i32), sums
  // (k × d f64); seed: closest (np f32), cand (trials × np f32), index (trials i32), pots (trials f64);
  // 16 bytes of alignment slack per array
  const np = (n + 3) & ~3;
  const four = <usize>(2 * k * dp + d * kp + 2 * kp + k + np + trials * np + trials);
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
  for (let i = 0; i < full; i += 4) {
    const o = <usize>i << 2;
    let acc = f32x4.splat(0);
    for (let t = 0; t < d; t++) {
      const e = f32x4.sub(v128.load(cols + <usize>t * stride + o), f32x4.splat(load<f32>(y + (<usize>t << 2))));
      acc = f32x4.add(acc, f32x4.mul(e, e));
    }
    const m = initial ? acc : f32x4.min(acc, v128.load(old + o));
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
 * The centers (k × dp) transposed into ct (d × kp) with their squared norms (summed over t in order) in
 * cn (kp); padding 0 and +∞.
 */
function transpose(centers: usize, d: i32, dp: i32, k: i32, ct: usize, cn: usize): void {
  const kp = padCenters(k);
  for (let j = 0; j < kp; j++) {
    if (j >= k) {
      setF32(cn, j, Infinity);
      for (let t = 0; t < d; t++) setF32(ct, t * kp + j, 0);
      continue;
    }
    let s: f32 = 0;
    for (let t = 0; t < d; t++) {
      const c = f32At(centers, j * dp + t);
      setF32(ct, t * kp + j, c);
      s += c * c;
    }
    setF32(cn, j, s);
  }
}

/**
 * Assigns every row to the center of the lowest score |c|² − 2·x·c (the lowest center on a tie), 12
 * centers per block: six accumulators, for the even and the odd coordinates of three groups of four
 * centers. Updates labels, counts and sums (all rows when `first`, else the rows that change cluster).
 * Returns the number of rows that changed cluster.
 */
function assign(data: usize, n: i32, d: i32, dp: i32, k: i32, ct: usize, cn: usize, labels: usize, counts: usize, sums: usize, first: bool, scores: usize): i32 {
  const rowBytes = <usize>dp << 2;
  const kp = padCenters(k);
  const stride = <usize>kp << 2;
  let changed = 0;
  for (let i = 0; i < n; i++) {
    const x = data + <usize>i * rowBytes;
    for (let b = 0; b < kp; b += 12) {
      const col = ct + (<usize>b << 2);
      const zero = f32x4.splat(0);
      let e0 = zero;
      let e1 = zero;
      let e2 = zero;
      let o0 = zero;
      let o1 = zero;
      let o2 = zero;
      let t = 0;
      for (; t + 1 < d; t += 2) {
        const xe = f32x4.splat(load<f32>(x + (<usize>t << 2)));
        const xo = f32x4.splat(load<f32>(x + (<usize>(t + 1) << 2)));
        const re = col + <usize>t * stride;
        const ro = re + stride;
        e0 = f32x4.add(e0, f32x4.mul(xe, v128.load(re)));
        e1 = f32x4.add(e1, f32x4.mul(xe, v128.load(re, 16)));
        e2 = f32x4.add(e2, f32x4.mul(xe, v128.load(re, 32)));
        o0 = f32x4.add(o0, f32x4.mul(xo, v128.load(ro)));
        o1 = f32x4.add(o1, f32x4.mul(xo, v128.load(ro, 16)));
        o2 = f32x4.add(o2, f32x4.mul(xo, v128.load(ro, 32)));
      }
      if (t < d) {
        const xe = f32x4.splat(load<f32>(x + (<usize>t << 2)));
        const re = col + <usize>t * stride;
        e0 = f32x4.add(e0, f32x4.mul(xe, v128.load(re)));
        e1 = f32x4.add(e1, f32x4.mul(xe, v128.load(re, 16)));
        e2 = f32x4.add(e2, f32x4.mul(xe, v128.load(re, 32)));
      }
      const sc = scores + (<usize>b << 2);
      const nc = cn + (<usize>b << 2);
      let dot = f32x4.add(e0, o0);
      v128.store(sc, f32x4.sub(v128.load(nc), f32x4.add(dot, dot)));
      dot = f32x4.add(e1, o1);
      v128.store(sc, f32x4.sub(v128.load(nc, 16), f32x4.add(dot, dot)), 16);
      dot = f32x4.add(e2, o2);
      v128.store(sc, f32x4.sub(v128.load(nc, 32), f32x4.add(dot, dot)), 32);
    }
    let best = 0;
    if (kp <= 32) {
      // the least score in every lane, then the first center that has it
      const groups = kp >> 2;
      let m = v128.load(scores);
      for (let g = 1; g < groups; g++) m = f32x4.min(m, v128.load(scores + (<usize>g << 4)));
      m = f32x4.min(m, v128.shuffle<f32>(m, m, 2, 3, 0, 1));
      m = f32x4.min(m, v128.shuffle<f32>(m, m, 1, 0, 3, 2));
      let mask = 0;
      for (let g = 0; g < groups; g++) mask |= i32x4.bitmask(f32x4.eq(v128.load(scores + (<usize>g << 4)), m)) << (g << 2);
      best = ctz(mask);
    } else {
      let bestS = f32At(scores, 0);
      for (let j = 1; j < k; j++) {
        const sj = f32At(scores, j);
        const better = sj < bestS;
        best = select<i32>(j, best, better);
        bestS = select<f32>(sj, bestS, better);
      }
    }
    const a0 = i32At(labels, i);
    if (first) {
      setI32(labels, i, best);
      setI32(counts, best, i32At(counts, best) + 1);
      const sb = sums + <usize>(best * d) * 8;
      for (let t = 0; t < d; t++) setF64(sb, t, f64At(sb, t) + <f64>f32At(x, t));
    } else if (best != a0) {
      setI32(labels, i, best);
      changed++;
      setI32(counts, a0, i32At(counts, a0) - 1);
      setI32(counts, best, i32At(counts, best) + 1);
      const so = sums + <usize>(a0 * d) * 8;
      const sn = sums + <usize>(best * d) * 8;
      for (let t = 0; t < d; t++) {
        const v = <f64>f32At(x, t);
        setF64(so, t, f64At(so, t) - v);
        setF64(sn, t, f64At(sn, t) + v);
      }
    }
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
  const ct = up16(next + kd); // d × kp f32
  const cn = up16(ct + (<usize>(d * kp) << 2)); // kp f32
  const scores = up16(cn + (<usize>kp << 2)); // kp f32
  const counts = up16(scores + (<usize>kp << 2)); // k i32
  const sums = up16(counts + (<usize>k << 2)); // k × d f64
  const seedScratch = up16(sums + (<usize>(k * d) << 3));

  seed(data, cols, n, d, dp, k, u, centers, seedScratch);

  memory.fill(sums, 0, <usize>(k * d) << 3);
  memory.fill(counts, 0, <usize>k << 2);
  transpose(centers, d, dp, k, ct, cn);
  assign(data, n, d, dp, k, ct, cn, labels, counts, sums, true, scores);

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
    transpose(centers, d, dp, k, ct, cn);
    const changed = assign(data, n, d, dp, k, ct, cn, labels, counts, sums, false, scores);
    if (changed == 0 || shift <= tolAbs) break;
  }
  iterationsDone = iter;
  let inertia: f64 = 0;
  for (let i = 0; i < n; i++) inertia += <f64>dist(data + <usize>i * rowBytes, centers + <usize>i32At(labels, i) * rowBytes, vectors);
  memory.copy(centersOut, centers, kd);
  return inertia;
}
