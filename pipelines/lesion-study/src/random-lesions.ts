import type { Network } from '@modscope/core';
import { fewestNullValues, SIGNIFICANCE_LEVEL, smallestEmpiricalP, smallestFisherP, type PValueFloorWarning } from '@modscope/metrics';

/**
 * Random same-size sets per sub-cluster where `random` is not given. The lesion sweep of an MLP is fast
 * (fixtures/mlp-fashion.onnx, 16 sub-clusters, 10,000 examples, 2 cores: 9 s with 19 random lesions, 37 s
 * with 99, about 23 ms an evaluation), so `dense` is 99 and a p can go down to 0.01; one evaluation of the
 * small fixtures/cnn-fashion.onnx takes 1.1 s, so a network with conv layers keeps 19 (p down to 0.05).
 * Feature visualization optimizes an input per random set (87 s for 16 sub-clusters × 19 sets of that MLP
 * on 1,000 examples), so it keeps 19 too.
 */
export const RANDOM_LESION_DEFAULTS = Object.freeze({ dense: 99, conv: 19, featureViz: 19 });

/** Where `random` came from: the caller, or the default for a network without (dense) or with conv layers. */
export type RandomFrom = 'option' | 'default-dense' | 'default-conv';

/** The random lesions per sub-cluster of a study: the `random` option, else the default for this network. */
export function randomLesions(network: Network, random: number | undefined): { random: number; from: RandomFrom } {
  if (random !== undefined) return { random, from: 'option' };
  return network.layers.some((l) => l.kind === 'conv2d')
    ? { random: RANDOM_LESION_DEFAULTS.conv, from: 'default-conv' }
    : { random: RANDOM_LESION_DEFAULTS.dense, from: 'default-dense' };
}

/** The smallest p-values n random sets allow: a sub-cluster's own, and their Fisher combination over k sub-clusters. */
export interface LesionFloors {
  subcluster: number;
  fisher: number | null;
}

export function lesionFloors(random: number, subclusters: number): LesionFloors {
  return { subcluster: smallestEmpiricalP(random), fisher: subclusters > 0 ? smallestFisherP(subclusters, random) : null };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Warnings for p-values the random sets keep above 0.05: a sub-cluster's p is (r + 1) / (random + 1), so
 * fewer than 19 random sets cannot reach 0.05; the Fisher combination of k of them at that floor can,
 * unless k is small (one sub-cluster keeps the floor).
 */
export function lesionFloorWarnings(options: {
  /** What the sets are, e.g. `random lesions`. */
  sets: string;
  /** The p-values they give, e.g. `importance, selectivity, per-class drop and upstream`. */
  tests: string;
  random: number;
  subclusters: number;
}): PValueFloorWarning[] {
  const { sets, tests, random, subclusters } = options;
  const floors = lesionFloors(random, subclusters);
  const warnings: PValueFloorWarning[] = [];
  const level = SIGNIFICANCE_LEVEL;
  if (floors.subcluster > level) {
    warnings.push({
      test: `sub-cluster p (${tests})`,
      samples: random,
      smallestP: floors.subcluster,
      message: `with ${random} ${sets} per sub-cluster no sub-cluster's ${tests} p can be below 1/${random + 1} = ${floors.subcluster.toFixed(3)}, so none can reach p ≤ ${level}; use ${fewestNullValues()} ${sets} or more (99 allows 0.010).`,
    });
  }
  if (floors.fisher !== null && floors.fisher > level) {
    warnings.push({
      test: `Fisher-combined p (${tests})`,
      samples: random,
      smallestP: floors.fisher,
      message: `with ${plural(subclusters, 'sub-cluster')} and ${random} ${sets} each no Fisher-combined ${tests} p can be below ${floors.fisher.toFixed(3)}, so none can reach p ≤ ${level}; use more ${sets}${subclusters < 2 ? ' or a partition with more sub-clusters' : ''}.`,
    });
  }
  return warnings;
}
