import { InvalidArgumentError } from '@modscope/core';

/** The positions two labellings both count (label ≥ 0 in each), relabelled to 0..ka−1 and 0..kb−1. */
export interface PairedLabels {
  a: Int32Array;
  b: Int32Array;
  ka: number;
  kb: number;
}

function compact(labels: Int32Array, keep: Uint8Array, n: number): { codes: Int32Array; k: number } {
  const codeOf = new Map<number, number>();
  const codes = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < labels.length; i++) {
    if (keep[i] === 0) continue;
    const l = labels[i]!;
    let code = codeOf.get(l);
    if (code === undefined) {
      code = codeOf.size;
      codeOf.set(l, code);
    }
    codes[m++] = code;
  }
  return { codes, k: codeOf.size };
}

/** Checks two labellings of the same items and keeps the positions where both are ≥ 0 (−1 = left out). */
export function pairLabels(a: Int32Array, b: Int32Array): PairedLabels {
  if (a.length !== b.length) {
    throw new InvalidArgumentError({
      argument: 'b',
      message: `@modscope/metrics: the labellings have different lengths (${a.length} and ${b.length}).`,
      hint: 'Pass one label per item in both, in the same item order; use −1 for an item one of them leaves out.',
    });
  }
  const keep = new Uint8Array(a.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i]! >= 0 && b[i]! >= 0) (keep[i] = 1), n++;
  if (n === 0) {
    throw new InvalidArgumentError({
      argument: 'a',
      message: `@modscope/metrics: no position has a label ≥ 0 in both labellings (${a.length} positions), so there is nothing to compare.`,
      hint: 'Label at least one item in both; −1 marks an item as left out.',
    });
  }
  const ca = compact(a, keep, n);
  const cb = compact(b, keep, n);
  return { a: ca.codes, b: cb.codes, ka: ca.k, kb: cb.k };
}

/** Adjusted Rand index and normalized mutual information of one pair of labellings. */
export interface ComparisonScores {
  ari: number;
  nmi: number;
}

const xlogx = (x: number) => (x > 0 ? x * Math.log(x) : 0);
/** Above this many cells the contingency table is a Map instead of a dense array. */
const DENSE_CELLS = 1 << 22;

/**
 * Scores `a` against any labelling with the same class sizes as `b` (so against every permutation of
 * `b`): the marginals, their entropies and pair counts are computed once, and each call only counts
 * the contingency table, touching O(n) cells (never the whole ka × kb table).
 */
export class ContingencyScorer {
  private readonly a: Int32Array;
  private readonly kb: number;
  private readonly n: number;
  private readonly bothSingle: boolean;
  private readonly eitherSingle: boolean;
  private readonly sumSquaresA: number;
  private readonly sumSquaresB: number;
  private readonly entropySum: number;
  private readonly sumXlogxA: number;
  private readonly sumXlogxB: number;
  private readonly dense: Int32Array | undefined;
  private readonly touched: Int32Array;

  constructor(paired: PairedLabels) {
    const { a, b, ka, kb } = paired;
    this.a = a;
    this.kb = kb;
    this.n = a.length;
    this.bothSingle = ka === 1 && kb === 1;
    this.eitherSingle = ka === 1 || kb === 1;
    const rows = new Float64Array(ka);
    const cols = new Float64Array(kb);
    for (let i = 0; i < this.n; i++) {
      rows[a[i]!]! += 1;
      cols[b[i]!]! += 1;
    }
    let sa = 0;
    let sb = 0;
    let xa = 0;
    let xb = 0;
    for (const r of rows) (sa += r * r), (xa += xlogx(r));
    for (const c of cols) (sb += c * c), (xb += xlogx(c));
    this.sumSquaresA = sa;
    this.sumSquaresB = sb;
    this.sumXlogxA = xa;
    this.sumXlogxB = xb;
    const logN = Math.log(this.n);
    // H(a) + H(b), each H = ln n − Σ x ln x / n
    this.entropySum = 2 * logN - (xa + xb) / this.n;
    this.dense = ka * kb <= DENSE_CELLS ? new Int32Array(ka * kb) : undefined;
    this.touched = new Int32Array(this.dense ? this.n : 0);
  }

  /** ARI and NMI of `a` against `b` (codes in 0..kb−1 with the class sizes given at construction). */
  score(b: Int32Array): ComparisonScores {
    const { a, n, kb } = this;
    let sumSquares = 0;
    let sumXlogx = 0;
    const table = this.dense;
    if (table) {
      const touched = this.touched;
      let t = 0;
      for (let i = 0; i < n; i++) {
        const cell = a[i]! * kb + b[i]!;
        if (table[cell]!++ === 0) touched[t++] = cell;
      }
      for (let j = 0; j < t; j++) {
        const cell = touched[j]!;
        const c = table[cell]!;
        sumSquares += c * c;
        sumXlogx += xlogx(c);
        table[cell] = 0;
      }
    } else {
      const map = new Map<number, number>();
      for (let i = 0; i < n; i++) {
        const cell = a[i]! * kb + b[i]!;
        map.set(cell, (map.get(cell) ?? 0) + 1);
      }
      for (const c of map.values()) (sumSquares += c * c), (sumXlogx += xlogx(c));
    }
    return { ari: this.ari(sumSquares), nmi: this.nmi(sumXlogx) };
  }

  /** As sklearn's `adjusted_rand_score`, from the pair confusion matrix. */
  private ari(sumSquares: number): number {
    const n = this.n;
    const fp = this.sumSquaresB - sumSquares;
    const fn = this.sumSquaresA - sumSquares;
    if (fp === 0 && fn === 0) return 1;
    const tp = sumSquares - n;
    const tn = n * n - fp - fn - sumSquares;
    return (2 * (tp * tn - fn * fp)) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
  }

  /** As sklearn's `normalized_mutual_info_score` with `average_method='arithmetic'`. */
  private nmi(sumXlogx: number): number {
    if (this.bothSingle) return 1;
    if (this.eitherSingle) return 0;
    const n = this.n;
    const mi = Math.max(0, (sumXlogx - this.sumXlogxA - this.sumXlogxB) / n + Math.log(n));
    if (mi === 0) return 0;
    return Math.min(1, mi / (this.entropySum / 2));
  }
}
