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
  /** Sum of squared distances of the rows to their centers (float32 distances, summed in float64). */
  inertia: number;
  /** Iterations of the winning run. */
  iterations: number;
  /** Index of the winning run. */
  bestRun: number;
}

const fround = Math.fround;

/** d rounded up to 4: the stride of the float32 rows. */
function padRow(d: number): number {
  return Math.ceil(d / 4) * 4;
}

/**
 * The rows the k-means arithmetic works on: the data less its column means (k-means does not depend on
 * a translation, and centred rows keep |c|² − 2·x·c well conditioned), as float32 with a stride of d
 * rounded up to 4, the padding 0. Float32 is ample: the spectral embedding's eigenvectors are accurate to
 * about 1e-6, float32 to 6e-8.
 */
function prepareRows(data: Float64Array, n: number, d: number): { rows: Float32Array; mean: Float64Array; dp: number } {
  const dp = padRow(d);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) mean[t]! += data[i * d + t]!;
  for (let t = 0; t < d; t++) mean[t]! /= n;
  const rows = new Float32Array(n * dp);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < d; t++) {
      const v = fround(data[i * d + t]! - mean[t]!);
      if (!Number.isFinite(v)) {
        throw new InvalidArgumentError({
          argument: 'data',
          message: `kmeans: row ${i} has a value ${data[i * d + t]} beyond float32 range`,
          hint: 'rescale the data (k-means runs in float32)',
        });
      }
      rows[i * dp + t] = v;
    }
  }
  return { rows, mean, dp };
}

/** Float32 centers (k × dp) back to float64 k × d in the data's coordinates. */
function restoreCenters(centers: Float32Array, mean: Float64Array, k: number, d: number, dp: number): Float64Array {
  const out = new Float64Array(k * d);
  for (let j = 0; j < k; j++) for (let t = 0; t < d; t++) out[j * d + t] = centers[j * dp + t]! + mean[t]!;
  return out;
}

/**
 * Squared distance of two float32 rows (stride dp) in float32 arithmetic: four lanes, coordinate t in
 * lane t mod 4, then (lane 0 + lane 1) + (lane 2 + lane 3), the order of the WebAssembly kernel's SIMD sums.
 */
function sqDist(x: Float32Array, xo: number, c: Float32Array, co: number, dp: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let t = 0; t < dp; t += 4) {
    const e0 = fround(x[xo + t]! - c[co + t]!);
    const e1 = fround(x[xo + t + 1]! - c[co + t + 1]!);
    const e2 = fround(x[xo + t + 2]! - c[co + t + 2]!);
    const e3 = fround(x[xo + t + 3]! - c[co + t + 3]!);
    s0 = fround(s0 + fround(e0 * e0));
    s1 = fround(s1 + fround(e1 * e1));
    s2 = fround(s2 + fround(e2 * e2));
    s3 = fround(s3 + fround(e3 * e3));
  }
  return fround(fround(s0 + s1) + fround(s2 + s3));
}

/**
 * Squared distance of two float32 rows over their d coordinates in order, in float32 arithmetic: the
 * seeding's distances (the kernel computes them four rows at a time, each row in this order).
 */
function seqDist(x: Float32Array, xo: number, y: Float32Array, yo: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) {
    const e = fround(x[xo + t]! - y[yo + t]!);
    s = fround(s + fround(e * e));
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

/** Greedy k-means++ on prepared rows from pre-drawn uniforms (the reference for the kernel's seeding). */
function seedRows(rows: Float32Array, n: number, d: number, dp: number, k: number, u: Float64Array): Float32Array {
  const centers = new Float32Array(k * dp);
  const trials = seedTrials(k);
  const first = Math.floor(u[0]! * n);
  centers.set(rows.subarray(first * dp, first * dp + dp), 0);
  const closest = new Float32Array(n);
  let potential = 0;
  for (let i = 0; i < n; i++) {
    closest[i] = seqDist(rows, i * dp, centers, 0, d);
    potential += closest[i]!;
  }
  const cand = new Float32Array(trials * n);
  const index = new Int32Array(trials);
  const pots = new Float64Array(trials);
  for (let c = 1; c < k; c++) {
    const ub = 1 + (c - 1) * trials;
    for (let t = 0; t < trials; t++) {
      if (potential > 0) {
        // subtract the potentials in row order until below zero
        let r = u[ub + t]! * potential;
        let i = 0;
        for (; i < n; i++) {
          r -= closest[i]!;
          if (r < 0) break;
        }
        index[t] = i < n ? i : n - 1;
      } else {
        index[t] = Math.floor(u[ub + t]! * n);
      }
    }
    for (let t = 0; t < trials; t++) {
      const y = index[t]! * dp;
      let pot = 0;
      for (let i = 0; i < n; i++) {
        const old = closest[i]!;
        const q = seqDist(rows, i * dp, rows, y, d);
        const m = q < old ? q : old;
        cand[t * n + i] = m;
        pot += m;
      }
      pots[t] = pot;
    }
    let bestT = 0;
    for (let t = 1; t < trials; t++) if (pots[t]! < pots[bestT]!) bestT = t;
    centers.set(rows.subarray(index[bestT]! * dp, index[bestT]! * dp + dp), c * dp);
    for (let i = 0; i < n; i++) {
      const m = cand[bestT * n + i]!;
      if (m < closest[i]!) closest[i] = m;
    }
    potential = pots[bestT]!;
  }
  return centers;
}

/**
 * Greedy k-means++ seeding (Arthur & Vassilvitskii; the greedy variant scikit-learn uses): each new
 * center is the best of 2 + ⌊ln k⌋ candidates drawn proportionally to the squared distance to the
 * nearest center so far. Draws 1 + (k − 1)(2 + ⌊ln k⌋) uniforms from `random`. The centers are data rows
 * (to float32 precision: see `kmeans`).
 */
export function kmeansPlusPlus(data: Float64Array, n: number, d: number, k: number, random: Random): Float64Array {
  const { rows, mean, dp } = prepareRows(data, n, d);
  return restoreCenters(seedRows(rows, n, d, dp, k, drawUniforms(random, k)), mean, k, d, dp);
}

/** |c|² per center (float32, summed over t in order) and −2·c transposed to d × k (exact in float32). */
function scoreTable(centers: Float32Array, d: number, dp: number, k: number, c2: Float32Array, cn: Float32Array): void {
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let t = 0; t < d; t++) {
      const c = centers[j * dp + t]!;
      c2[t * k + j] = -2 * c;
      s = fround(s + fround(c * c));
    }
    cn[j] = s;
  }
}

/**
 * One Lloyd run on prepared rows from the given centers (k × dp float32): each iteration relocates
 * the farthest row into any empty cluster (as scikit-learn), moves the centers to their clusters' means
 * (float64 sums, kept up to date as rows change cluster) and assigns every row to the center of the
 * lowest score |c|² − 2·x·c, summed from |c|² by adding x_t·(−2·c_t) for t in order (the lowest center
 * on a tie). Stops when no label changes or the centers' total squared movement is at
 * most `tolAbs`. The reference of the WebAssembly kernel: same operations, same results.
 */
function lloydRows(
  rows: Float32Array,
  n: number,
  d: number,
  dp: number,
  k: number,
  initialCenters: Float32Array,
  maxIter: number,
  tolAbs: number,
): { labels: Int32Array; centers: Float32Array; inertia: number; iterations: number } {
  let centers = initialCenters.slice();
  let next = new Float32Array(k * dp);
  const labels = new Int32Array(n);
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  const c2 = new Float32Array(d * k);
  const cn = new Float32Array(k);
  const assign = (first: boolean): number => {
    scoreTable(centers, d, dp, k, c2, cn);
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const xo = i * dp;
      let best = 0;
      let bestS = Infinity;
      for (let j = 0; j < k; j++) {
        let score = cn[j]!;
        for (let t = 0; t < d; t++) score = fround(score + fround(rows[xo + t]! * c2[t * k + j]!));
        if (score < bestS) {
          bestS = score;
          best = j;
        }
      }
      const a0 = labels[i]!;
      if (first) {
        labels[i] = best;
        counts[best]!++;
        for (let t = 0; t < d; t++) sums[best * d + t]! += rows[xo + t]!;
      } else if (best !== a0) {
        labels[i] = best;
        changed++;
        counts[a0]!--;
        counts[best]!++;
        for (let t = 0; t < d; t++) {
          const x = rows[xo + t]!;
          sums[a0 * d + t]! -= x;
          sums[best * d + t]! += x;
        }
      }
    }
    return changed;
  };

  assign(true);
  let iterations = 0;
  while (iterations < maxIter) {
    iterations++;
    for (let j = 0; j < k; j++) {
      if (counts[j] !== 0) continue;
      let far = -1;
      let farDist = -1;
      for (let i = 0; i < n; i++) {
        if (counts[labels[i]!]! <= 1) continue;
        const q = sqDist(rows, i * dp, centers, labels[i]! * dp, dp);
        if (q > farDist) {
          farDist = q;
          far = i;
        }
      }
      if (far < 0) continue;
      const old = labels[far]!;
      for (let t = 0; t < d; t++) {
        sums[old * d + t]! -= rows[far * dp + t]!;
        sums[j * d + t] = rows[far * dp + t]!;
      }
      counts[old]!--;
      counts[j] = 1;
      labels[far] = j;
    }
    let shift = 0;
    for (let j = 0; j < k; j++) {
      const c = counts[j]!;
      if (c > 0) {
        for (let t = 0; t < d; t++) next[j * dp + t] = fround(sums[j * d + t]! / c);
        for (let t = d; t < dp; t++) next[j * dp + t] = 0;
      } else {
        next.set(centers.subarray(j * dp, (j + 1) * dp), j * dp);
      }
      shift += sqDist(next, j * dp, centers, j * dp, dp);
    }
    const swap = centers;
    centers = next;
    next = swap;
    const changed = assign(false);
    if (changed === 0 || shift <= tolAbs) break;
  }
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += sqDist(rows, i * dp, centers, labels[i]! * dp, dp);
  return { labels, centers, inertia, iterations };
}

/**
 * One k-means run (Lloyd's iterations, see `kmeans`) from the given centers, in the JavaScript reference
 * of the WebAssembly kernel. `tolAbs` is the absolute tolerance on the centers' total squared movement.
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
  const { rows, mean, dp } = prepareRows(data, n, d);
  const start = new Float32Array(k * dp);
  for (let j = 0; j < k; j++) for (let t = 0; t < d; t++) start[j * dp + t] = fround(initialCenters[j * d + t]! - mean[t]!);
  const result = lloydRows(rows, n, d, dp, k, start, maxIter, tolAbs);
  return { ...result, centers: restoreCenters(result.centers, mean, k, d, dp) };
}

/**
 * k-means on the rows of a row-major n × d matrix: greedy k-means++ seeding, `nInit` runs, lowest
 * inertia wins. Deterministic for a given seed. The arithmetic is float32 on the centred rows (see
 * `prepareRows`), with float64 cluster sums, potentials and inertia. Runs in a WebAssembly SIMD kernel
 * when the runtime has WebAssembly, else in JavaScript; both give the same result, bit for bit.
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
    throw new InvalidArgumentError({
      argument: 'data',
      message: `kmeans: data has ${data.length} values, not n × d = ${n} × ${d}`,
      hint: 'pass a row-major n × d Float64Array',
    });
  }
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new InvalidArgumentError({
      argument: 'k',
      message: `kmeans: k = ${k} clusters for ${n} rows`,
      hint: `choose an integer k from 1 to ${n}`,
    });
  }
  if (!Number.isInteger(nInit) || nInit < 1)
    throw new InvalidArgumentError({ argument: 'nInit', message: `kmeans: nInit = ${nInit}`, hint: 'nInit must be a positive integer' });
  for (let p = 0; p < data.length; p++) {
    if (!Number.isFinite(data[p]!))
      throw new InvalidArgumentError({
        argument: 'data',
        message: `kmeans: row ${Math.floor(p / d)} has a non-finite value ${data[p]}`,
        hint: 'remove NaN or infinite values first',
      });
  }
  const { rows, mean, dp } = prepareRows(data, n, d);
  // tolerance relative to the data's mean per-dimension variance, as in scikit-learn
  let meanVar = 0;
  for (let t = 0; t < d; t++) {
    let v = 0;
    for (let i = 0; i < n; i++) v += (data[i * d + t]! - mean[t]!) ** 2;
    meanVar += v / n;
  }
  const tolAbs = (meanVar / d) * tol;
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1)
    throw new InvalidArgumentError({
      argument: 'threads',
      message: `kmeans: threads = ${threads}`,
      hint: 'threads must be a positive integer',
    });
  const finish = (r: { labels: Int32Array; centers: Float32Array; inertia: number; iterations: number }, run: number): KMeansResult => ({
    labels: r.labels,
    centers: restoreCenters(r.centers, mean, k, d, dp),
    inertia: r.inertia,
    iterations: r.iterations,
    bestRun: run,
  });
  if (kernel && threads > 1 && nInit > 1) {
    const uniforms = Array.from({ length: nInit }, (_, run) => drawUniforms(random.fork(run), k));
    const result = parallelRuns(rows, n, d, k, uniforms, maxIter, tolAbs, threads, (r) => kernel.open(r, n, d, k));
    if (result) return finish(result, result.run);
  }
  const session = kernel?.open(rows, n, d, k);
  let best: KMeansResult | undefined;
  for (let run = 0; run < nInit; run++) {
    const u = drawUniforms(random.fork(run), k);
    if (session) {
      const inertia = session.run(u, maxIter, tolAbs);
      if (!best || inertia < best.inertia) best = finish({ ...session.result(), inertia }, run);
    } else {
      const result = lloydRows(rows, n, d, dp, k, seedRows(rows, n, d, dp, k, u), maxIter, tolAbs);
      if (!best || result.inertia < best.inertia) best = finish(result, run);
    }
  }
  return best!;
}
