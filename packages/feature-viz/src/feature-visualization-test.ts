import { InvalidArgumentError, createRandom, type Network } from '@modscope/core';
import { empiricalP, fisherCombined, type FisherCombined } from '@modscope/metrics';
import { resolveAscentOptions, type AscentOptions } from './ascent-options.js';
import { checkUnits, createAscent, findUnitLayer, type Ascent } from './gradient-ascent.js';
import { onGradientBackend } from './gradient-backend.js';

/** A set of units of one layer to visualize (a sub-cluster: a cluster's units within one layer). */
export interface FeatureUnits {
  /** Id of the dense or conv2d layer that owns the units. */
  layer: string;
  units: Int32Array | readonly number[];
}

export interface FeatureVisualizationTestOptions extends AscentOptions {
  /** Random same-size unit sets per sub-cluster (default 19). */
  random?: number;
  /** Called after each sub-cluster with the number done and the total. */
  onProgress?: (done: number, total: number) => void;
}

export interface SubclusterFeatureTest {
  layer: string;
  units: Int32Array;
  size: number;
  /** Entropy (nats) of the softmax on the sub-cluster's optimized input. */
  entropy: number;
  /** Mean activation the sub-cluster reached. */
  activation: number;
  /** The sub-cluster's optimized input, in the network's input layout. */
  image: Float32Array;
  softmax: Float32Array;
  /** Entropies of the random same-size unit sets of the same layer. */
  randomEntropies: number[];
  /** Left-sided: (r + 1) / (n + 1), r = random entropies strictly below `entropy`. */
  p: number;
}

export interface FeatureVisualizationTest {
  subclusters: SubclusterFeatureTest[];
  /** Fisher's combination of the sub-cluster p-values (`fisherCombined` of `@modscope/metrics`). */
  fisher: FisherCombined;
  /** The tfjs backend that ran the ascent. */
  backend: string;
}

/** A stream number for a sub-cluster: FNV-1a of its layer id and sorted units. */
function streamOf(layer: string, units: Int32Array): number {
  const key = `${layer}:${[...units].sort((a, b) => a - b).join(',')}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * The feature-visualization variant of upstream coherence (method §5): for each sub-cluster, the entropy
 * of the softmax on its optimized input against `random` same-size unit sets of the same layer, all
 * started from the same seeded input. A sub-cluster's random sets come from
 * `createRandom(seed).fork(s).fork(j)` with `s` a hash of its layer id and sorted units, so its result
 * depends only on the network, the sub-cluster and the options: not on the order of `subclusters` or on
 * which others are tested. The sub-cluster and its random sets are optimized together in one batch.
 */
export async function featureVisualizationTest(
  network: Network,
  subclusters: readonly FeatureUnits[],
  options: FeatureVisualizationTestOptions = {},
): Promise<FeatureVisualizationTest> {
  const random = options.random ?? 19;
  if (!Number.isInteger(random) || random < 1) {
    throw new InvalidArgumentError({
      argument: 'random',
      message: `@modscope/feature-viz: random must be an integer ≥ 1, got ${random}.`,
      hint: 'Use e.g. 19 (more is better).',
    });
  }
  if (subclusters.length === 0) {
    throw new InvalidArgumentError({
      argument: 'subclusters',
      message: '@modscope/feature-viz: no sub-clusters to test.',
      hint: 'Pass at least one { layer, units } (method §5: sub-clusters of more than 2 units and under 99% of their layer).',
    });
  }
  const { point, seed, settings } = resolveAscentOptions(network, options);
  const checked = subclusters.map(({ layer, units }, i) => {
    const unitLayer = findUnitLayer(network, layer);
    const set = checkUnits(unitLayer, units, `subclusters[${i}].units`);
    const rng = createRandom(seed).fork(streamOf(layer, set));
    const randomSets = Array.from({ length: random }, (_, j) => rng.fork(j).sample(unitLayer.units, set.length));
    return { layer, set, randomSets };
  });
  const { value, backend } = await onGradientBackend(() => {
    const ascents = new Map<string, Ascent>();
    try {
      return checked.map(({ layer, set, randomSets }, i) => {
        let ascent = ascents.get(layer);
        if (!ascent) {
          ascent = createAscent(network, layer, point);
          ascents.set(layer, ascent);
        }
        const [own, ...others] = ascent.run([set, ...randomSets], settings);
        const randomEntropies = others.map((r) => r.entropy);
        options.onProgress?.(i + 1, checked.length);
        return {
          layer,
          units: set,
          size: set.length,
          entropy: own!.entropy,
          activation: own!.activation,
          image: own!.image,
          softmax: own!.softmax,
          randomEntropies,
          p: empiricalP(own!.entropy, randomEntropies, 'left'),
        } satisfies SubclusterFeatureTest;
      });
    } finally {
      for (const ascent of ascents.values()) ascent.dispose();
    }
  });
  return { subclusters: value, fisher: fisherCombined(value.map((s) => s.p)), backend };
}
