import { createRandom, InvalidArgumentError } from '@modscope/core';
import { ContingencyScorer, pairLabels } from './contingency-scorer.js';

export interface ComparePartitionsOptions {
  /** Permutations of the null. Default 999. */
  permutations?: number;
  /** Seed of the permutations. Default 0. */
  seed?: number;
  /** Return every permuted ARI and NMI in `permutation.values`. Default false. */
  keepValues?: boolean;
}

/** The permutation null of `comparePartitions`. */
export interface PermutationNull {
  /** Number of permutations. */
  permutations: number;
  /** Mean and population standard deviation of the permuted ARIs. */
  ariMean: number;
  ariStd: number;
  /** Right-sided p = (r + 1) / (permutations + 1), r = permuted ARIs ≥ the observed one. */
  ariP: number;
  nmiMean: number;
  nmiStd: number;
  /** Right-sided p = (r + 1) / (permutations + 1), r = permuted NMIs ≥ the observed one. */
  nmiP: number;
  /** Every permuted value, in permutation order; only with `keepValues: true`. */
  values?: { ari: Float64Array; nmi: Float64Array };
}

export interface PartitionComparison {
  /** Adjusted Rand index (as scikit-learn's `adjusted_rand_score`). */
  ari: number;
  /** Normalized mutual information, arithmetic-mean normalization (scikit-learn's default). */
  nmi: number;
  /** Positions compared: those where both labels are ≥ 0. */
  n: number;
  permutation: PermutationNull;
}

/** Permuted values this close to the observed one count as ties (≥), against rounding in the sums. */
const TIE_TOLERANCE = 1e-12;

function summary(values: Float64Array, observed: number): { mean: number; std: number; p: number } {
  let sum = 0;
  let atLeast = 0;
  for (const v of values) {
    sum += v;
    if (v >= observed - TIE_TOLERANCE) atLeast++;
  }
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { mean, std: Math.sqrt(squares / values.length), p: (atLeast + 1) / (values.length + 1) };
}

/**
 * Compares two partitions of the same items (say the weight-graph and the coactivation partition of a
 * network's hidden units, method §5) by adjusted Rand index and normalized mutual information, and tests
 * both against a permutation null: `b`'s labels shuffled among the compared positions (`a` fixed, all
 * class sizes kept). Only positions where both labels are ≥ 0 count (−1 = left out).
 *
 * p is right-sided (agreement above chance): p = (r + 1) / (permutations + 1) with r the permuted values
 * ≥ the observed one (within 1e-12, so that rounding cannot break ties). Permutation i shuffles with
 * `createRandom(seed).fork(i)`, so every permutation is reproducible on its own.
 */
export function comparePartitions(a: Int32Array, b: Int32Array, options: ComparePartitionsOptions = {}): PartitionComparison {
  const permutations = options.permutations ?? 999;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(permutations) || permutations < 1) {
    throw new InvalidArgumentError({
      argument: 'permutations',
      message: `@modscope/metrics: permutations = ${permutations}; the permutation null needs a whole number of at least 1.`,
      hint: 'Use e.g. 999 (the default); p can be no smaller than 1 / (permutations + 1).',
    });
  }
  if (!Number.isFinite(seed)) {
    throw new InvalidArgumentError({
      argument: 'seed',
      message: `@modscope/metrics: seed = ${seed}; the seed must be a finite number.`,
      hint: 'Use e.g. 0 (the default).',
    });
  }
  const paired = pairLabels(a, b);
  const scorer = new ContingencyScorer(paired);
  const observed = scorer.score(paired.b);
  const random = createRandom(seed);
  const ari = new Float64Array(permutations);
  const nmi = new Float64Array(permutations);
  const shuffled = new Int32Array(paired.b.length);
  for (let i = 0; i < permutations; i++) {
    shuffled.set(paired.b);
    random.fork(i).shuffle(shuffled);
    const s = scorer.score(shuffled);
    ari[i] = s.ari;
    nmi[i] = s.nmi;
  }
  const ariNull = summary(ari, observed.ari);
  const nmiNull = summary(nmi, observed.nmi);
  return {
    ari: observed.ari,
    nmi: observed.nmi,
    n: paired.a.length,
    permutation: {
      permutations,
      ariMean: ariNull.mean,
      ariStd: ariNull.std,
      ariP: ariNull.p,
      nmiMean: nmiNull.mean,
      nmiStd: nmiNull.std,
      nmiP: nmiNull.p,
      ...(options.keepValues ? { values: { ari, nmi } } : {}),
    },
  };
}
