import type { Network } from '@modscope/core';
import type { FisherCombined } from '@modscope/metrics';

export interface FeatureVisualizationsOptions {
  /** (string, required) — where the PNGs go; created if missing. */
  directory: string;
  /** (number, default `19`) — random same-size unit sets per sub-cluster. */
  random?: number;
  /** (number, default `0`) — seed of the start input and the random sets. */
  seed?: number;
  /** (number, default `FEATURE_VIZ_DEFAULTS.steps` of `@modscope/feature-viz`, 256) — gradient-ascent steps per image. */
  steps?: number;
  /** (`(done, total) => void`, default none) — sub-clusters optimized so far. */
  onProgress?: (done: number, total: number) => void;
}

/** One sub-cluster's optimized input: its PNG and its softmax-entropy test. */
export interface SubclusterFeatureImage {
  /** Path of the PNG. */
  image: string;
  entropy: number;
  activation: number;
  p: number;
  randomEntropy: number[];
}

export interface FeatureVisualizationsResult {
  /** Where the PNGs are. */
  directory: string;
  /** One per sub-cluster, in the order given. */
  subclusters: SubclusterFeatureImage[];
  fisher: FisherCombined;
  /** The tfjs backend that ran the ascent. */
  backend: string;
  steps: number;
}

/** `layer-clusterN.png`, the layer id reduced to characters safe in a file name. */
function imageName(layer: string, cluster: number): string {
  return `${layer.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '')}-cluster${cluster}.png`;
}

/**
 * The costlier upstream-coherence variant (method §5): an input optimized for each sub-cluster and for its
 * random same-size sets (`featureVisualizer.test` of `@modscope/feature-viz`), the entropy of the network's
 * softmax there, and the sub-cluster's image as a PNG. `inputs` (laid out for the network) sets the clip
 * range of the ascent; `inputShape` (channels last) the size of the images.
 */
export async function featureVisualizations(
  network: Network,
  data: { inputs: Float32Array; inputShape: readonly number[] },
  subclusters: readonly { layer: string; cluster: number; units: Int32Array }[],
  options: FeatureVisualizationsOptions,
): Promise<FeatureVisualizationsResult> {
  const { mkdir } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { featureVisualizer, writePng, FEATURE_VIZ_DEFAULTS } = await import('@modscope/feature-viz');
  await mkdir(options.directory, { recursive: true });
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of data.inputs) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const steps = options.steps ?? FEATURE_VIZ_DEFAULTS.steps;
  const test = await featureVisualizer.test(network, subclusters, {
    ...(options.random !== undefined ? { random: options.random } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    steps,
    inputRange: [lo, hi],
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const shape = data.inputShape;
  const [height, width, channels] = shape.length === 3 ? (shape as [number, number, number]) : [1, shape[0]!, 1];
  const results = await Promise.all(
    test.subclusters.map(async (s, i) => {
      const file = join(options.directory, imageName(s.layer, subclusters[i]!.cluster));
      await writePng(file, s.image, {
        width,
        height,
        channels: channels === 3 ? 3 : 1,
        layout: network.layout,
        scale: Math.max(1, Math.floor(112 / Math.max(width, height))),
      });
      return { image: file, entropy: s.entropy, activation: s.activation, p: s.p, randomEntropy: s.randomEntropies };
    }),
  );
  return { directory: options.directory, subclusters: results, fisher: test.fisher, backend: test.backend, steps };
}
