import { InvalidArgumentError, type Random } from '@modscope/core';
import { parallelRuns } from './kmeans-pool.js';
import { kmeansKernel, type KMeansKernel } from './kmeans-wasm.js';

export interface KMeansOptions {
  k: number;
  /** Independent runs from different k-means++ seedings; the one with the lowest inertia wins. Default 10. */
  nInit?: number;
  /** Iterations per run. Default 300. */
  maxIter?: number;
  /**
   * A run stops when the total squared movement of the centers is at most tol × the mean per-dimension
   * variance of the data (scikit-learn's convention), or when no label changes. Default 1e-4.
   */
  tol?: number;
  /** Seeded generator; run r draws from `random.fork(r)`, so runs do not depend on each other. */
  random: Random;
  /**
   * Threads for the runs: this one plus helper worker threads, which share the runs out and give the
   * result one thread gives. Default 1. Helpers exist only on the main thread of a Node process running
   * the built package, with the WebAssembly kernel; elsewhere the runs stay on this thread.
   */
  threads?: number;
}

export interface KMeansResult {
  /** Cluster of each row, 0..k−1. */
  labels: Int32Array;
  /** Row-major k × d. */
  centers: Float64Array;
  /** Sum of squared distances of the rows to their centers. */
  inertia: number;
  /** Iterations of the winning run. */
  iterations: number;
  /** Index of the winning run. */
  bestRun: number;
}

/**
 * Squared distance, summed in two lanes (even and odd coordinates) and then lane 0 + lane 1, plus the
 * last coordinate when d is odd: the order of the WebAssembly kernel's SIMD sums, so both agree exactly.
 */
function sqDist(x: Float64Array, xo: number, c: Float64Array, co: number, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let t = 0;
  for (; t + 1 < d; t += 2) {
    const e0 = x[xo + t]! - c[co + t]!;
    const e1 = x[xo + t + 1]! - c[co + t + 1]!;
    s0 += e0 * e0;
    s1 += e1 * e1;
  }
  let s = s0 + s1;
  if (t < d) {
    const e = x[xo + t]! - c[co + t]!;
    s += e * e;
  }
  return s;
}

/** Candidates per new center in greedy k-means++: 2 + ⌊ln k⌋, as scikit-learn. */
function seedTrials(k: number): number {
  return 2 + Math.floor(Math.log(k));
}

/** The uniforms one seeding consumes: one for the first center, then one per candidate. */
function drawUniforms(random: Random, k: number): Float64Array {
  const u = new Float64Array(1 + (k - 1) * seedTrials(k));
  for (let p = 0; p < u.length; p++) u[p] = random.next();
  return u;
}

/** Greedy k-means++ from pre-drawn uniforms (the reference for the WebAssembly kernel's seeding). */
function seedFromUniforms(data: Float64Array, n: number, d: number, k: number, u: Float64Array): Float64Array {
  const centers = new Float64Array(k * d);
  const trials = seedTrials(k);
  const first = Math.floor(u[0]! * n);
  centers.set(data.subarray(first * d, first * d + d), 0);
  // per row: squared distance to the nearest center so far, and which center that is
  const closest = new Float64Array(n);
  const nearest = new Int32Array(n);
  let potential = 0;
  for (let i = 0; i < n; i++) {
    closest[i] = sqDist(data, i * d, centers, 0, d);
    potential += closest[i]!;
  }
  const cand = new Float64Array(trials * n);
  const toCenter = new Float64Array(trials * k);
  const index = new Int32Array(trials);
  const rem = new Float64Array(trials);
  const pots = new Float64Array(trials);
  for (let c = 1; c < k; c++) {
    const ub = 1 + (c - 1) * trials;
    if (potential > 0) {
      // each candidate subtracts the potentials in row order until it goes below zero
      let left = trials;
      for (let t = 0; t < trials; t++) {
        rem[t] = u[ub + t]! * potential;
        index[t] = n - 1;
      }
      for (let i = 0; i < n && left > 0; i++) {
        const ci = closest[i]!;
        for (let t = 0; t < trials; t++) {
          let r = rem[t]!;
          if (r < 0) continue;
          r -= ci;
          rem[t] = r;
          if (r < 0) {
            index[t] = i;
            left--;
          }
        }
      }
    } else {
      for (let t = 0; t < trials; t++) index[t] = Math.floor(u[ub + t]! * n);
    }
    for (let t = 0; t < trials; t++) {
      const off = index[t]! * d;
      for (let j = 0; j < c; j++) toCenter[t * k + j] = 0.25 * sqDist(centers, j * d, data, off, d);
      pots[t] = 0;
    }
    // a row whose nearest center is at least twice its distance away from a candidate cannot get closer
    // to the candidate (triangle inequality): skip its distance computation
    for (let i = 0; i < n; i++) {
      const old = closest[i]!;
      const near = nearest[i]!;
      for (let t = 0; t < trials; t++) {
        let m = old;
        if (toCenter[t * k + near]! < old) {
          const q = sqDist(data, i * d, data, index[t]! * d, d);
          if (q < old) m = q;
        }
        cand[t * n + i] = m;
        pots[t]! += m;
      }
    }
    let bestT = 0;
    for (let t = 1; t < trials; t++) if (pots[t]! < pots[bestT]!) bestT = t;
    centers.set(data.subarray(index[bestT]! * d, index[bestT]! * d + d), c * d);
    for (let i = 0; i < n; i++) {
      const m = cand[bestT * n + i]!;
      if (m < closest[i]!) {
        closest[i] = m;
        nearest[i] = c;
      }
    }
    potential = pots[bestT]!;
  }
  return centers;
}

/**
 * Greedy k-means++ seeding (Arthur & Vassilvitskii; the greedy variant scikit-learn uses): each new
 * center is the best of 2 + ⌊ln k⌋ candidates drawn proportionally to the squared distance to the
 * nearest center so far. Draws 1 + (k − 1)(2 + ⌊ln k⌋) uniforms from `random`.
 */
export function kmeansPlusPlus(data: Float64Array, n: number, d: number, k: number, random: Random): Float64Array {
  return seedFromUniforms(data, n, d, k, drawUniforms(random, k));
}

/**
 * One k-means run from the given centers: Lloyd's iterations with Elkan's bounds (an upper bound on each
 * row's distance to its center and a lower bound on its distance to each other center), which skip the
 * distance computations that cannot change a label: the same labels as plain Lloyd with a fraction of
 * the work. A row is first tested against Hamerly's single lower bound (over all other centers) and half
 * the distance from its center to the nearest other one. Lower bounds are stored plus the center's
 * cumulative movement, so they need no update per iteration. Cluster sums are updated only for rows that
 * change cluster. Empty clusters take the row farthest from its center, as in scikit-learn. This is the
 * JavaScript reference of the WebAssembly kernel that `kmeans` uses: same operations, same results.
 */
export function lloyd(
  data: Float64Array,
  n: number,
  d: number,
  k: number,
  initialCenters: Float64Array,
  maxIter: number,
  tolAbs: number,
): { labels: Int32Array; centers: Float64Array; inertia: number; iterations: number } {
  let centers = initialCenters.slice();
  let next = new Float64Array(k * d);
  const labels = new Int32Array(n);
  /** Upper bound on the distance to the own center; −Infinity marks a row just relocated (distance 0 after the move). */
  const upper = new Float64Array(n);
  /** Hamerly's lower bound on the distance to every other center. */
  const hlow = new Float64Array(n);
  /** Elkan's lower bounds, n × k, each stored plus the cumulative movement `mcum` of its center. */
  const lower = new Float64Array(n * k);
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  const move = new Float64Array(k);
  const mcum = new Float64Array(k);
  /** half[a·k + j]: half the distance between centers a and j; sHalf[a]: the least of them. */
  const half = new Float64Array(k * k);
  const sHalf = new Float64Array(k);
  const rowLower = new Float64Array(k);
  const candidates = new Int32Array(k);

  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestD = Infinity;
    let second = Infinity;
    for (let j = 0; j < k; j++) {
      const q = Math.sqrt(sqDist(data, i * d, centers, j * d, d));
      lower[i * k + j] = q;
      if (q < bestD) {
        second = bestD;
        bestD = q;
        best = j;
      } else if (q < second) {
        second = q;
      }
    }
    labels[i] = best;
    upper[i] = bestD;
    hlow[i] = second;
    counts[best]!++;
    for (let t = 0; t < d; t++) sums[best * d + t]! += data[i * d + t]!;
  }

  let iterations = 0;
  while (iterations < maxIter) {
    iterations++;
    for (let j = 0; j < k; j++) {
      if (counts[j] !== 0) continue;
      // relocate the row farthest from its center into the empty cluster
      let far = -1;
      let farDist = -1;
      for (let i = 0; i < n; i++) {
        if (counts[labels[i]!]! <= 1) continue;
        const q = sqDist(data, i * d, centers, labels[i]! * d, d);
        if (q > farDist) {
          farDist = q;
          far = i;
        }
      }
      if (far < 0) continue;
      const old = labels[far]!;
      for (let t = 0; t < d; t++) {
        sums[old * d + t]! -= data[far * d + t]!;
        sums[j * d + t] = data[far * d + t]!;
      }
      counts[old]!--;
      counts[j] = 1;
      labels[far] = j;
      // exactly at its new center after the M-step; other distances unknown
      upper[far] = -Infinity;
      hlow[far] = 0;
      for (let j2 = 0; j2 < k; j2++) lower[far * k + j2] = mcum[j2]!;
    }
    // M-step: centers from the running sums
    let shift = 0;
    let m1 = 0;
    let m1j = -1;
    let m2 = 0;
    for (let j = 0; j < k; j++) {
      const c = counts[j]!;
      if (c > 0) for (let t = 0; t < d; t++) next[j * d + t] = sums[j * d + t]! / c;
      else for (let t = 0; t < d; t++) next[j * d + t] = centers[j * d + t]!;
      const q = sqDist(next, j * d, centers, j * d, d);
      shift += q;
      const m = Math.sqrt(q);
      move[j] = m;
      mcum[j]! += m;
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
      half[j * k + j] = 0;
      let s = Infinity;
      for (let j2 = 0; j2 < k; j2++) {
        if (j2 === j) continue;
        let h: number;
        if (j2 < j) h = half[j * k + j2]!;
        else {
          h = 0.5 * Math.sqrt(sqDist(centers, j * d, centers, j2 * d, d));
          half[j * k + j2] = h;
          half[j2 * k + j] = h;
        }
        if (h < s) s = h;
      }
      sHalf[j] = s;
    }
    // E-step: Hamerly's test on the row, then Elkan's per-center tests
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const a0 = labels[i]!;
      const up = upper[i]!;
      let u = up === -Infinity ? 0 : up + move[a0]!;
      const hl = hlow[i]! - (a0 === m1j ? m2 : m1);
      hlow[i] = hl;
      const sa = sHalf[a0]!;
      if (u <= (hl > sa ? hl : sa)) {
        upper[i] = u;
        continue;
      }
      const xo = i * d;
      const lo = i * k;
      // the centers that pass neither Elkan test (lower bound, half the center–center distance), at once
      let nc = 0;
      for (let j = 0; j < k; j++) {
        const lj = lower[lo + j]! - mcum[j]!;
        rowLower[j] = lj;
        if (j !== a0 && u > lj && u > half[a0 * k + j]!) candidates[nc++] = j;
      }
      let a = a0;
      let tight = false;
      for (let c = 0; c < nc; c++) {
        const j = candidates[c]!;
        if (j === a) continue;
        const lj = rowLower[j]!;
        const hj = half[a * k + j]!;
        if (u <= lj || u <= hj) continue;
        if (!tight) {
          u = Math.sqrt(sqDist(data, xo, centers, a * d, d));
          lower[lo + a] = u + mcum[a]!;
          tight = true;
          if (u <= lj || u <= hj) continue;
        }
        const q = Math.sqrt(sqDist(data, xo, centers, j * d, d));
        lower[lo + j] = q + mcum[j]!;
        if (q < u) {
          a = j;
          u = q;
        }
      }
      upper[i] = u;
      // Hamerly's bound from the row's bounds to the other centers
      let h = Infinity;
      for (let j = 0; j < k; j++) {
        if (j === a) continue;
        const lj = lower[lo + j]! - mcum[j]!;
        if (lj < h) h = lj;
      }
      hlow[i] = h;
      if (a !== a0) {
        labels[i] = a;
        changed++;
        counts[a0]!--;
        counts[a]!++;
        for (let t = 0; t < d; t++) {
          const x = data[xo + t]!;
          sums[a0 * d + t]! -= x;
          sums[a * d + t]! += x;
        }
      }
    }
    if (changed === 0 || shift <= tolAbs) break;
  }
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += sqDist(data, i * d, centers, labels[i]! * d, d);
  return { labels, centers, inertia, iterations };
}

/**
 * k-means on the rows of a row-major n × d matrix: greedy k-means++ seeding, `nInit` runs, lowest
 * inertia wins. Deterministic for a given seed. Runs in a WebAssembly SIMD kernel when the runtime has
 * WebAssembly, else in JavaScript; both give the same result.
 */
export function kmeans(data: Float64Array, n: number, d: number, options: KMeansOptions): KMeansResult {
  return kmeansWith(data, n, d, options, kmeansKernel());
}

/** `kmeans` with a chosen kernel: the WebAssembly one, or null for the JavaScript reference. */
export function kmeansWith(data: Float64Array, n: number, d: number, options: KMeansOptions, kernel: KMeansKernel | null): KMeansResult {
  const { k, random } = options;
  const nInit = options.nInit ?? 10;
  const maxIter = options.maxIter ?? 300;
  const tol = options.tol ?? 1e-4;
  if (data.length !== n * d) {
    throw new InvalidArgumentError({ argument: 'data', message: `kmeans: data has ${data.length} values, not n × d = ${n} × ${d}`, hint: 'pass a row-major n × d Float64Array' });
  }
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new InvalidArgumentError({ argument: 'k', message: `kmeans: k = ${k} clusters for ${n} rows`, hint: `choose an integer k from 1 to ${n}` });
  }
  if (!Number.isInteger(nInit) || nInit < 1) throw new InvalidArgumentError({ argument: 'nInit', message: `kmeans: nInit = ${nInit}`, hint: 'nInit must be a positive integer' });
  for (let p = 0; p < data.length; p++) {
    if (!Number.isFinite(data[p]!)) throw new InvalidArgumentError({ argument: 'data', message: `kmeans: row ${Math.floor(p / d)} has a non-finite value ${data[p]}`, hint: 'remove NaN or infinite values first' });
  }
  // tolerance relative to the data's mean per-dimension variance, as in scikit-learn
  let meanVar = 0;
  for (let t = 0; t < d; t++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += data[i * d + t]!;
    mean /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (data[i * d + t]! - mean) ** 2;
    meanVar += v / n;
  }
  const tolAbs = (meanVar / d) * tol;
  // the kernel tracks candidate centers in a 32-bit mask
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) throw new InvalidArgumentError({ argument: 'threads', message: `kmeans: threads = ${threads}`, hint: 'threads must be a positive integer' });
  if (kernel && k <= 32 && threads > 1 && nInit > 1) {
    const uniforms = Array.from({ length: nInit }, (_, run) => drawUniforms(random.fork(run), k));
    const result = parallelRuns(data, n, d, k, uniforms, maxIter, tolAbs, threads, (rows) => kernel.open(rows, n, d, k));
    if (result) return { labels: result.labels, centers: result.centers, inertia: result.inertia, iterations: result.iterations, bestRun: result.run };
  }
  const session = k <= 32 ? kernel?.open(data, n, d, k) : undefined;
  let best: KMeansResult | undefined;
  for (let run = 0; run < nInit; run++) {
    const u = drawUniforms(random.fork(run), k);
    if (session) {
      const inertia = session.run(u, maxIter, tolAbs);
      if (!best || inertia < best.inertia) best = { ...session.result(), inertia, bestRun: run };
    } else {
      const result = lloyd(data, n, d, k, seedFromUniforms(data, n, d, k, u), maxIter, tolAbs);
      if (!best || result.inertia < best.inertia) best = { ...result, bestRun: run };
    }
  }
  return best!;
}
