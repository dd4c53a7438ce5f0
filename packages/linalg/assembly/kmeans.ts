// AssemblyScript kernel for one k-means run (greedy k-means++ seeding, then Lloyd with Elkan's bounds),
// compiled to WebAssembly with SIMD by `npm run build` (scripts/build-wasm.mjs) and inlined into the JS
// bundle. Every floating-point operation matches the JavaScript reference in src/kmeans.ts in value and
// order (squared distances summed in two lanes, even and odd coordinates, then lane 0 + lane 1), so both
// give the same labels, centers and inertia. No allocator: the caller lays out linear memory.

// @ts-nocheck — AssemblyScript, not TypeScript (excluded from tsc)

/** Start of free linear memory. */
export function heapBase(): usize {
  return __heap_base;
}

/** Squared distance between x[xo..xo+d) and y[yo..yo+d), pointers in bytes. */
// @ts-ignore: decorator
@inline
function sqDist(x: usize, y: usize, d: i32): f64 {
  let acc = f64x2.splat(0);
  let t = 0;
  for (; t + 1 < d; t += 2) {
    const e = f64x2.sub(v128.load(x + (<usize>t << 3)), v128.load(y + (<usize>t << 3)));
    acc = f64x2.add(acc, f64x2.mul(e, e));
  }
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (t < d) {
    const e = load<f64>(x + (<usize>t << 3)) - load<f64>(y + (<usize>t << 3));
    s += e * e;
  }
  return s;
}

/** The same for d = 12, unrolled. */
// @ts-ignore: decorator
@inline
function sqDist12(x: usize, y: usize): f64 {
  const e0 = f64x2.sub(v128.load(x), v128.load(y));
  const e1 = f64x2.sub(v128.load(x, 16), v128.load(y, 16));
  const e2 = f64x2.sub(v128.load(x, 32), v128.load(y, 32));
  const e3 = f64x2.sub(v128.load(x, 48), v128.load(y, 48));
  const e4 = f64x2.sub(v128.load(x, 64), v128.load(y, 64));
  const e5 = f64x2.sub(v128.load(x, 80), v128.load(y, 80));
  let acc = f64x2.mul(e0, e0);
  acc = f64x2.add(acc, f64x2.mul(e1, e1));
  acc = f64x2.add(acc, f64x2.mul(e2, e2));
  acc = f64x2.add(acc, f64x2.mul(e3, e3));
  acc = f64x2.add(acc, f64x2.mul(e4, e4));
  acc = f64x2.add(acc, f64x2.mul(e5, e5));
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
}

// @ts-ignore: decorator
@inline
function dist(x: usize, y: usize, d: i32): f64 {
  return d == 12 ? sqDist12(x, y) : sqDist(x, y, d);
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

/** Bytes of scratch memory `run` needs. */
export function scratchBytes(n: i32, d: i32, k: i32): usize {
  const trials = 2 + <i32>Math.floor(Math.log(<f64>k));
  const f = <usize>(n * (5 + trials + k) + k * (3 * d + k + 5) + trials * (k + 3) + 32);
  return (f << 3) + (<usize>n << 3) + 64;
}

let iterationsDone: i32 = 0;

/** Iterations of the last `run`. */
export function iterations(): i32 {
  return iterationsDone;
}

/**
 * Greedy k-means++ seeding into `centers` (k × d), drawing the first row from u[0] and trial t of center c
 * from u[1 + (c − 1)·trials + t]: all trials of one center sampled in one pass over the potentials, then
 * scored in one pass over the rows.
 */
function seed(data: usize, n: i32, d: i32, k: i32, u: usize, centers: usize, scratch: usize): void {
  const trials = 2 + <i32>Math.floor(Math.log(<f64>k));
  const rowBytes = <usize>d << 3;
  let closest = scratch;
  const nearest = closest + (<usize>n << 3);
  const cand = nearest + (<usize>n << 3); // trials × n
  const toCenter = cand + (<usize>(trials * n) << 3); // trials × k, already × 0.25
  const index = toCenter + (<usize>(trials * k) << 3); // trials (i32, in f64 slots)
  const rem = index + (<usize>trials << 3); // trials
  const pots = rem + (<usize>trials << 3); // trials

  const first = <i32>Math.floor(f64At(u, 0) * <f64>n);
  memory.copy(centers, data + <usize>first * rowBytes, rowBytes);
  let potential: f64 = 0;
  for (let i = 0; i < n; i++) {
    const m = dist(data + <usize>i * rowBytes, centers, d);
    setF64(closest, i, m);
    setI32(nearest, i, 0);
    potential += m;
  }
  for (let c = 1; c < k; c++) {
    const ub = 1 + (c - 1) * trials;
    // sample the candidates: each subtracts the potentials in row order until it goes below zero
    if (potential > 0) {
      let left = trials;
      for (let t = 0; t < trials; t++) {
        setF64(rem, t, f64At(u, ub + t) * potential);
        setI32(index, t, n - 1);
      }
      for (let i = 0; i < n && left > 0; i++) {
        const ci = f64At(closest, i);
        for (let t = 0; t < trials; t++) {
          let r = f64At(rem, t);
          if (r < 0) continue;
          r -= ci;
          setF64(rem, t, r);
          if (r < 0) {
            setI32(index, t, i);
            left--;
          }
        }
      }
    } else {
      for (let t = 0; t < trials; t++) setI32(index, t, <i32>Math.floor(f64At(u, ub + t) * <f64>n));
    }
    for (let t = 0; t < trials; t++) {
      const off = data + <usize>i32At(index, t) * rowBytes;
      for (let j = 0; j < c; j++) setF64(toCenter, t * k + j, 0.25 * dist(centers + <usize>j * rowBytes, off, d));
      setF64(pots, t, 0);
    }
    // score the candidates: a row whose nearest center is at least twice its distance away from the
    // candidate cannot get closer to it (triangle inequality)
    for (let i = 0; i < n; i++) {
      const old = f64At(closest, i);
      const near = i32At(nearest, i);
      const x = data + <usize>i * rowBytes;
      for (let t = 0; t < trials; t++) {
        let m = old;
        if (f64At(toCenter, t * k + near) < old) {
          const q = dist(x, data + <usize>i32At(index, t) * rowBytes, d);
          if (q < old) m = q;
        }
        setF64(cand, t * n + i, m);
        setF64(pots, t, f64At(pots, t) + m);
      }
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
    const cb = cand + (<usize>(bestT * n) << 3);
    for (let i = 0; i < n; i++) {
      const m = f64At(cb, i);
      if (m < f64At(closest, i)) {
        setF64(closest, i, m);
        setI32(nearest, i, c);
      }
    }
    potential = bestPot;
  }
}

/**
 * One run: seeding from the uniforms at `u` (see `seed`), then at most `maxIter` Lloyd iterations with
 * Elkan's bounds. Writes labels (n × i32) and centers (k × d); returns the inertia.
 */
export function run(data: usize, n: i32, d: i32, k: i32, u: usize, maxIter: i32, tolAbs: f64, labels: usize, centersOut: usize, scratch: usize): f64 {
  const rowBytes = <usize>d << 3;
  const kd = <usize>(k * d) << 3;
  let centers = scratch;
  let next = centers + kd;
  const sums = next + kd;
  const move = sums + kd;
  const kp = (k + 1) & ~1; // k rounded up to even: rows of the bounds are whole f64x2 vectors
  const mcum = move + (<usize>k << 3); // kp, padded with 0
  const tmp = mcum + (<usize>kp << 3); // kp: one row's lower bounds
  const half = tmp + (<usize>kp << 3); // k × kp: half the center–center distances
  const sHalf = half + (<usize>(k * kp) << 3); // per center: half the distance to its nearest other center
  const counts = sHalf + (<usize>k << 3); // i32 in f64 slots
  const upper = counts + (<usize>k << 3);
  const hlow = upper + (<usize>n << 3); // Hamerly lower bound: min over the other centers
  const lower = hlow + (<usize>n << 3); // n × kp, stored as bound + cumulative movement of the center
  const seedScratch = lower + (<usize>(n * kp) << 3);
  const vectors = kp >> 1;
  const allCenters = k >= 32 ? -1 : (1 << k) - 1; // the caller keeps k ≤ 32

  seed(data, n, d, k, u, centers, seedScratch);

  memory.fill(sums, 0, kd);
  memory.fill(counts, 0, <usize>k << 3);
  memory.fill(mcum, 0, <usize>kp << 3);
  memory.fill(half, 0, <usize>(k * kp) << 3);
  for (let i = 0; i < n; i++) {
    const x = data + <usize>i * rowBytes;
    const lo = lower + (<usize>(i * kp) << 3);
    setF64(lo, kp - 1, Infinity);
    let best = 0;
    let bestD = Infinity;
    let second = Infinity;
    for (let j = 0; j < k; j++) {
      const q = Math.sqrt(dist(x, centers + <usize>j * rowBytes, d));
      setF64(lo, j, q);
      if (q < bestD) {
        second = bestD;
        bestD = q;
        best = j;
      } else if (q < second) {
        second = q;
      }
    }
    setI32(labels, i, best);
    setF64(upper, i, bestD);
    setF64(hlow, i, second);
    setI32(counts, best << 1, i32At(counts, best << 1) + 1);
    const sb = sums + <usize>best * rowBytes;
    for (let t = 0; t < d; t++) setF64(sb, t, f64At(sb, t) + f64At(x, t));
  }

  let iter = 0;
  while (iter < maxIter) {
    iter++;
    for (let j = 0; j < k; j++) {
      if (i32At(counts, j << 1) != 0) continue;
      // relocate the row farthest from its center into the empty cluster
      let far = -1;
      let farDist: f64 = -1;
      for (let i = 0; i < n; i++) {
        const a = i32At(labels, i);
        if (i32At(counts, a << 1) <= 1) continue;
        const q = dist(data + <usize>i * rowBytes, centers + <usize>a * rowBytes, d);
        if (q > farDist) {
          farDist = q;
          far = i;
        }
      }
      if (far < 0) continue;
      const old = i32At(labels, far);
      const x = data + <usize>far * rowBytes;
      const so = sums + <usize>old * rowBytes;
      const sj = sums + <usize>j * rowBytes;
      for (let t = 0; t < d; t++) {
        setF64(so, t, f64At(so, t) - f64At(x, t));
        setF64(sj, t, f64At(x, t));
      }
      setI32(counts, old << 1, i32At(counts, old << 1) - 1);
      setI32(counts, j << 1, 1);
      setI32(labels, far, j);
      // exactly at its new center after the M-step; other distances unknown
      setF64(upper, far, -Infinity);
      setF64(hlow, far, 0);
      const lo = lower + (<usize>(far * kp) << 3);
      for (let j2 = 0; j2 < k; j2++) setF64(lo, j2, f64At(mcum, j2));
    }
    // M-step
    let shift: f64 = 0;
    let m1: f64 = 0;
    let m1j = -1;
    let m2: f64 = 0;
    for (let j = 0; j < k; j++) {
      const c = i32At(counts, j << 1);
      const nj = next + <usize>j * rowBytes;
      const cj = centers + <usize>j * rowBytes;
      const sj = sums + <usize>j * rowBytes;
      if (c > 0) for (let t = 0; t < d; t++) setF64(nj, t, f64At(sj, t) / <f64>c);
      else memory.copy(nj, cj, rowBytes);
      const q = dist(nj, cj, d);
      shift += q;
      const m = Math.sqrt(q);
      setF64(move, j, m);
      setF64(mcum, j, f64At(mcum, j) + m);
      if (m > m1) {
        m2 = m1;
        m1 = m;
        m1j = j;
      } else if (m > m2) {
        m2 = m;
      }
    }
    const swap = centers;
    centers = next;
    next = swap;
    for (let j = 0; j < k; j++) {
      setF64(half, j * kp + j, 0);
      let s = Infinity;
      for (let j2 = 0; j2 < k; j2++) {
        if (j2 == j) continue;
        let h: f64;
        if (j2 < j) h = f64At(half, j * kp + j2);
        else {
          h = 0.5 * Math.sqrt(dist(centers + <usize>j * rowBytes, centers + <usize>j2 * rowBytes, d));
          setF64(half, j * kp + j2, h);
          setF64(half, j2 * kp + j, h);
        }
        if (h < s) s = h;
      }
      setF64(sHalf, j, s);
    }
    // E-step: Hamerly's test on the row, then Elkan's per-center tests
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const a0 = i32At(labels, i);
      const up = f64At(upper, i);
      let u = up == -Infinity ? 0 : up + f64At(move, a0);
      const hl = f64At(hlow, i) - (a0 == m1j ? m2 : m1);
      setF64(hlow, i, hl);
      const sa = f64At(sHalf, a0);
      if (u <= (hl > sa ? hl : sa)) {
        setF64(upper, i, u);
        continue;
      }
      const x = data + <usize>i * rowBytes;
      const lo = lower + (<usize>(i * kp) << 3);
      // the centers that pass neither Elkan test (lower bound, half the center–center distance), at once
      const uv = f64x2.splat(u);
      const ha = half + (<usize>(a0 * kp) << 3);
      let mask = 0;
      for (let v = 0; v < vectors; v++) {
        const o = <usize>v << 4;
        const lv = f64x2.sub(v128.load(lo + o), v128.load(mcum + o));
        v128.store(tmp + o, lv);
        mask |= i64x2.bitmask(v128.and(f64x2.gt(uv, lv), f64x2.gt(uv, v128.load(ha + o)))) << (v << 1);
      }
      mask &= allCenters & ~(1 << a0);
      let a = a0;
      let tight = false;
      while (mask != 0) {
        const j = ctz(mask);
        mask &= mask - 1;
        if (j == a) continue;
        const lj = f64At(tmp, j);
        const hj = f64At(half, a * kp + j);
        if (u <= lj || u <= hj) continue;
        if (!tight) {
          u = Math.sqrt(dist(x, centers + <usize>a * rowBytes, d));
          setF64(lo, a, u + f64At(mcum, a));
          tight = true;
          if (u <= lj || u <= hj) continue;
        }
        const q = Math.sqrt(dist(x, centers + <usize>j * rowBytes, d));
        setF64(lo, j, q + f64At(mcum, j));
        if (q < u) {
          a = j;
          u = q;
        }
      }
      setF64(upper, i, u);
      // Hamerly's bound from the row's bounds to the other centers (unchanged since the mask pass unless a
      // distance was computed)
      if (tight) {
        for (let v = 0; v < vectors; v++) {
          const o = <usize>v << 4;
          v128.store(tmp + o, f64x2.sub(v128.load(lo + o), v128.load(mcum + o)));
        }
      }
      setF64(tmp, a, Infinity);
      let hv = v128.load(tmp);
      for (let v = 1; v < vectors; v++) hv = f64x2.min(hv, v128.load(tmp + (<usize>v << 4)));
      const h0 = f64x2.extract_lane(hv, 0);
      const h1 = f64x2.extract_lane(hv, 1);
      const h = h0 < h1 ? h0 : h1;
      setF64(hlow, i, h);
      if (a != a0) {
        setI32(labels, i, a);
        changed++;
        setI32(counts, a0 << 1, i32At(counts, a0 << 1) - 1);
        setI32(counts, a << 1, i32At(counts, a << 1) + 1);
        const so = sums + <usize>a0 * rowBytes;
        const sn = sums + <usize>a * rowBytes;
        for (let t = 0; t < d; t++) {
          const v = f64At(x, t);
          setF64(so, t, f64At(so, t) - v);
          setF64(sn, t, f64At(sn, t) + v);
        }
      }
    }
    if (changed == 0 || shift <= tolAbs) break;
  }
  iterationsDone = iter;
  let inertia: f64 = 0;
  for (let i = 0; i < n; i++) inertia += dist(data + <usize>i * rowBytes, centers + <usize>i32At(labels, i) * rowBytes, d);
  memory.copy(centersOut, centers, kd);
  return inertia;
}
