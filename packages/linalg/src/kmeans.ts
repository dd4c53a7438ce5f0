import { InvalidArgumentError, type Random } from '@modscope/core';

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

function sqDist(x: Float64Array, xo: number, c: Float64Array, co: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) {
    const diff = x[xo + t]! - c[co + t]!;
    s += diff * diff;
  }
  return s;
}

/**
 * Greedy k-means++ seeding (Arthur & Vassilvitskii; the greedy variant scikit-learn uses): each new
 * center is the best of 2 + ⌊ln k⌋ candidates drawn proportionally to the squared distance to the
 * nearest center so far.
 */
export function kmeansPlusPlus(data: Float64Array, n: number, d: number, k: number, random: Random): Float64Array {
  const centers = new Float64Array(k * d);
  const trials = 2 + Math.floor(Math.log(k));
  const first = random.int(n);
  centers.set(data.subarray(first * d, first * d + d), 0);
  // per row: squared distance to the nearest center so far, and which center that is
  let closest = new Float64Array(n);
  let nearest = new Int32Array(n);
  let potential = 0;
  for (let i = 0; i < n; i++) {
    closest[i] = sqDist(data, i * d, data, first * d, d);
    potential += closest[i]!;
  }
  let candidate = new Float64Array(n);
  let candidateNearest = new Int32Array(n);
  let best = new Float64Array(n);
  let bestNearest = new Int32Array(n);
  const toCenter = new Float64Array(k);
  for (let c = 1; c < k; c++) {
    let bestPotential = Infinity;
    let bestIndex = -1;
    for (let t = 0; t < trials; t++) {
      let index: number;
      if (potential > 0) {
        let r = random.next() * potential;
        index = n - 1;
        for (let i = 0; i < n; i++) {
          r -= closest[i]!;
          if (r < 0) {
            index = i;
            break;
          }
        }
      } else {
        index = random.int(n);
      }
      const off = index * d;
      // a row whose nearest center is at least twice its distance away from the candidate cannot get
      // closer to the candidate (triangle inequality): skip its distance computation
      for (let j = 0; j < c; j++) toCenter[j] = 0.25 * sqDist(centers, j * d, data, off, d);
      let pot = 0;
      for (let i = 0; i < n; i++) {
        const old = closest[i]!;
        let m = old;
        let near = nearest[i]!;
        if (toCenter[near]! < old) {
          const dist = sqDist(data, i * d, data, off, d);
          if (dist < old) {
            m = dist;
            near = c;
          }
        }
        candidate[i] = m;
        candidateNearest[i] = near;
        pot += m;
      }
      if (pot < bestPotential) {
        bestPotential = pot;
        bestIndex = index;
        [best, candidate] = [candidate, best];
        [bestNearest, candidateNearest] = [candidateNearest, bestNearest];
      }
    }
    centers.set(data.subarray(bestIndex * d, bestIndex * d + d), c * d);
    [closest, best] = [best, closest];
    [nearest, bestNearest] = [bestNearest, nearest];
    potential = bestPotential;
  }
  return centers;
}

/**
 * One k-means run from the given centers: Lloyd's iterations with Elkan's bounds (an upper bound on each
 * row's distance to its center and a lower bound to every other center), which skip the distance
 * computations that cannot change a label: the same labels as plain Lloyd with a fraction of the work.
 * The bounds are kept lazily (each row remembers when its bounds were exact and catches up with the
 * centers' accumulated movement only when it is looked at), and the cluster sums are updated only for
 * rows that change cluster, so an iteration costs little more than the rows near a boundary. Empty
 * clusters take the row farthest from its center, as in scikit-learn.
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
  const upper = new Float64Array(n);
  const lower = new Float64Array(n * k);
  const stamp = new Int32Array(n);
  /** cum[t·k + j]: total movement of center j over iterations 1..t. */
  const cum = new Float64Array((maxIter + 1) * k);
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  const half = new Float64Array(k);
  const cc = new Float64Array(k * k);

  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestD = Infinity;
    for (let j = 0; j < k; j++) {
      const dist = Math.sqrt(sqDist(data, i * d, centers, j * d, d));
      lower[i * k + j] = dist;
      if (dist < bestD) {
        bestD = dist;
        best = j;
      }
    }
    labels[i] = best;
    upper[i] = bestD;
    counts[best]!++;
    for (let t = 0; t < d; t++) sums[best * d + t]! += data[i * d + t]!;
  }

  let iterations = 0;
  for (let iter = 1; iter <= maxIter; iter++) {
    iterations = iter;
    const relocated: number[] = [];
    for (let j = 0; j < k; j++) {
      if (counts[j] !== 0) continue;
      // relocate the row farthest from its center into the empty cluster
      let far = -1;
      let farDist = -1;
      for (let i = 0; i < n; i++) {
        if (counts[labels[i]!]! <= 1) continue;
        const dist = sqDist(data, i * d, centers, labels[i]! * d, d);
        if (dist > farDist) {
          farDist = dist;
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
      relocated.push(far);
    }
    // M-step: centers from the running sums
    let shift = 0;
    const now = iter * k;
    const before = (iter - 1) * k;
    for (let j = 0; j < k; j++) {
      const c = counts[j]!;
      if (c > 0) for (let t = 0; t < d; t++) next[j * d + t] = sums[j * d + t]! / c;
      else for (let t = 0; t < d; t++) next[j * d + t] = centers[j * d + t]!;
      const m2 = sqDist(next, j * d, centers, j * d, d);
      shift += m2;
      cum[now + j] = cum[before + j]! + Math.sqrt(m2);
    }
    const swap = centers;
    centers = next;
    next = swap;
    for (const i of relocated) {
      // exactly at its new center; other bounds unknown
      upper[i] = 0;
      lower.fill(0, i * k, i * k + k);
      stamp[i] = iter;
    }
    for (let j = 0; j < k; j++) {
      let m = Infinity;
      for (let j2 = 0; j2 < k; j2++) {
        const dist = j2 === j ? 0 : Math.sqrt(sqDist(centers, j * d, centers, j2 * d, d));
        cc[j * k + j2] = dist;
        if (j2 !== j && dist < m) m = dist;
      }
      half[j] = 0.5 * m;
    }
    // E-step with Elkan's tests on lazily updated bounds
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let a = labels[i]!;
      const then = stamp[i]! * k;
      let u = upper[i]! + (cum[now + a]! - cum[then + a]!);
      if (u <= half[a]!) continue;
      const base = i * k;
      if (then !== now) {
        for (let j = 0; j < k; j++) lower[base + j]! -= cum[now + j]! - cum[then + j]!;
        stamp[i] = iter;
      }
      const xo = i * d;
      let stale = true;
      const start = a;
      for (let j = 0; j < k; j++) {
        if (j === a || u <= lower[base + j]! || u <= 0.5 * cc[a * k + j]!) continue;
        if (stale) {
          u = Math.sqrt(sqDist(data, xo, centers, a * d, d));
          lower[base + a] = u;
          stale = false;
          if (u <= lower[base + j]! || u <= 0.5 * cc[a * k + j]!) continue;
        }
        const dj = Math.sqrt(sqDist(data, xo, centers, j * d, d));
        lower[base + j] = dj;
        if (dj < u) {
          a = j;
          u = dj;
        }
      }
      upper[i] = u;
      if (a !== start) {
        labels[i] = a;
        changed++;
        counts[start]!--;
        counts[a]!++;
        for (let t = 0; t < d; t++) {
          const x = data[xo + t]!;
          sums[start * d + t]! -= x;
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
 * inertia wins. Deterministic for a given seed.
 */
export function kmeans(data: Float64Array, n: number, d: number, options: KMeansOptions): KMeansResult {
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
  let best: KMeansResult | undefined;
  for (let run = 0; run < nInit; run++) {
    const rng = random.fork(run);
    const seeds = kmeansPlusPlus(data, n, d, k, rng);
    const result = lloyd(data, n, d, k, seeds, maxIter, tolAbs);
    if (!best || result.inertia < best.inertia) best = { ...result, bestRun: run };
  }
  return best!;
}
