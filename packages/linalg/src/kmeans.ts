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

/** Squared distance, summed in index order (unrolled by 4 with one accumulator: the same rounding). */
function sqDist(x: Float64Array, xo: number, c: Float64Array, co: number, d: number): number {
  let s = 0;
  let t = 0;
  for (; t + 3 < d; t += 4) {
    const e0 = x[xo + t]! - c[co + t]!;
    const e1 = x[xo + t + 1]! - c[co + t + 1]!;
    const e2 = x[xo + t + 2]! - c[co + t + 2]!;
    const e3 = x[xo + t + 3]! - c[co + t + 3]!;
    s += e0 * e0;
    s += e1 * e1;
    s += e2 * e2;
    s += e3 * e3;
  }
  for (; t < d; t++) {
    const diff = x[xo + t]! - c[co + t]!;
    s += diff * diff;
  }
  return s;
}

/** The squared distance when it is below `bound` (the same value as `sqDist`); otherwise some value ≥ bound. */
function sqDistBelow(x: Float64Array, xo: number, c: Float64Array, co: number, d: number, bound: number): number {
  let s = 0;
  let t = 0;
  for (; t + 3 < d; t += 4) {
    const e0 = x[xo + t]! - c[co + t]!;
    const e1 = x[xo + t + 1]! - c[co + t + 1]!;
    const e2 = x[xo + t + 2]! - c[co + t + 2]!;
    const e3 = x[xo + t + 3]! - c[co + t + 3]!;
    s += e0 * e0;
    s += e1 * e1;
    s += e2 * e2;
    s += e3 * e3;
    if (s >= bound) return s;
  }
  for (; t < d; t++) {
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
          const dist = sqDistBelow(data, i * d, data, off, d, old);
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
 * One k-means run from the given centers: Lloyd's iterations with Hamerly's bounds (an upper bound on
 * each row's distance to its center and one lower bound on its distance to every other center), which
 * skip the distance computations that cannot change a label: the same labels as plain Lloyd with a
 * fraction of the work. When a row's bounds fail, the other centers are scanned nearest-to-its-center
 * first and the scan stops at the first center that the triangle inequality puts beyond the second
 * nearest so far (as in Newling & Fleuret's Exponion); each distance sum is abandoned once it exceeds the
 * second nearest. Cluster sums are updated only for rows that change cluster. Empty clusters take the row
 * farthest from its center, as in scikit-learn.
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
  /** Lower bound on the distance to every other center. */
  const lower = new Float64Array(n);
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  const half = new Float64Array(k);
  const move = new Float64Array(k);
  /** cc[a·k + j]: distance between centers a and j; order[a·k + r]: the other centers by that distance. */
  const cc = new Float64Array(k * k);
  const order = new Int32Array(k * k);

  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestD = Infinity;
    let second = Infinity;
    for (let j = 0; j < k; j++) {
      const dist = sqDist(data, i * d, centers, j * d, d);
      if (dist < bestD) {
        second = bestD;
        bestD = dist;
        best = j;
      } else if (dist < second) {
        second = dist;
      }
    }
    labels[i] = best;
    upper[i] = Math.sqrt(bestD);
    lower[i] = Math.sqrt(second);
    counts[best]!++;
    for (let t = 0; t < d; t++) sums[best * d + t]! += data[i * d + t]!;
  }

  let iterations = 0;
  for (let iter = 1; iter <= maxIter; iter++) {
    iterations = iter;
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
      // exactly at its new center after the M-step; other distances unknown
      upper[far] = -Infinity;
      lower[far] = 0;
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
      cc[j * k + j] = 0;
      for (let j2 = 0; j2 < j; j2++) {
        const dist = Math.sqrt(sqDist(centers, j * d, centers, j2 * d, d));
        cc[j * k + j2] = dist;
        cc[j2 * k + j] = dist;
      }
    }
    for (let j = 0; j < k; j++) {
      // insertion sort of the other centers by distance from j (ties by index)
      const row = j * k;
      let len = 0;
      for (let j2 = 0; j2 < k; j2++) {
        if (j2 === j) continue;
        const dist = cc[row + j2]!;
        let r = len++;
        while (r > 0 && cc[row + order[row + r - 1]!]! > dist) {
          order[row + r] = order[row + r - 1]!;
          r--;
        }
        order[row + r] = j2;
      }
      half[j] = len > 0 ? 0.5 * cc[row + order[row]!]! : Infinity;
    }
    // E-step with Hamerly's tests
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const a = labels[i]!;
      const up = upper[i]!;
      let u = up === -Infinity ? 0 : up + move[a]!;
      const l = lower[i]! - (a === m1j ? m2 : m1);
      const h = half[a]!;
      const z = l > h ? l : h;
      lower[i] = l;
      if (u <= z) {
        upper[i] = u;
        continue;
      }
      const xo = i * d;
      u = Math.sqrt(sqDist(data, xo, centers, a * d, d));
      upper[i] = u;
      if (u <= z) continue;
      let best = a;
      let bestD = u * u;
      let second = Infinity;
      let secondRoot = Infinity;
      const row = a * k;
      for (let r = 0; r < k - 1; r++) {
        const j = order[row + r]!;
        // ‖x − c_j‖ ≥ ‖c_a − c_j‖ − u: this center and all farther ones cannot come in the top two
        if (cc[row + j]! - u >= secondRoot) break;
        const co = j * d;
        let dist = 0;
        let t = 0;
        for (; t + 3 < d; t += 4) {
          const e0 = data[xo + t]! - centers[co + t]!;
          const e1 = data[xo + t + 1]! - centers[co + t + 1]!;
          const e2 = data[xo + t + 2]! - centers[co + t + 2]!;
          const e3 = data[xo + t + 3]! - centers[co + t + 3]!;
          dist += e0 * e0;
          dist += e1 * e1;
          dist += e2 * e2;
          dist += e3 * e3;
          if (dist >= second) break;
        }
        if (dist >= second) continue;
        for (; t < d; t++) {
          const e = data[xo + t]! - centers[co + t]!;
          dist += e * e;
        }
        if (dist < bestD) {
          second = bestD;
          bestD = dist;
          best = j;
        } else if (dist < second) {
          second = dist;
        }
        secondRoot = Math.sqrt(second);
      }
      upper[i] = Math.sqrt(bestD);
      lower[i] = secondRoot;
      if (best !== a) {
        labels[i] = best;
        changed++;
        counts[a]!--;
        counts[best]!++;
        for (let t = 0; t < d; t++) {
          const x = data[xo + t]!;
          sums[a * d + t]! -= x;
          sums[best * d + t]! += x;
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
