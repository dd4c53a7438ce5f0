import { beforeAll, describe, expect, it } from 'vitest';
import { tinyMlp } from '@modscope/core/testing';
import { selectBackend } from '@modscope/tfjs-runtime';
import { FEATURE_VIZ_DEFAULTS } from './ascent-options.js';
import { featureVisualizationTest } from './feature-visualization-test.js';
import { createFeatureVisualizer, featureVisualizer } from './feature-visualizer.js';
import { visualizeFeatures } from './visualize-features.js';

beforeAll(() => selectBackend({ backend: 'wasm' }).catch(() => selectBackend({ backend: 'cpu' })));

describe('createFeatureVisualizer', () => {
  const network = tinyMlp();
  const units = { layer: 'dense1', units: [0, 2] };

  it('the default instance runs with FEATURE_VIZ_DEFAULTS', async () => {
    expect(FEATURE_VIZ_DEFAULTS).toMatchObject({ steps: 256, learningRate: 0.05, seed: 0 });
    const viz = await featureVisualizer.visualize(network, { ...units, steps: 8 });
    expect(viz.image).toEqual((await visualizeFeatures(network, { ...units, steps: 8 })).image);
  });

  it('takes its options as defaults that each call may override', async () => {
    const visualizer = createFeatureVisualizer({ steps: 8, seed: 3, inputRange: [-1, 1] });
    const own = await visualizer.visualize(network, units);
    expect(own.image).toEqual((await visualizeFeatures(network, { ...units, steps: 8, seed: 3, inputRange: [-1, 1] })).image);
    const overridden = await visualizer.visualize(network, { ...units, seed: 4, steps: undefined });
    expect(overridden.image).toEqual((await visualizeFeatures(network, { ...units, steps: 8, seed: 4, inputRange: [-1, 1] })).image);
    const test = await visualizer.test(network, [units], { random: 3 });
    const direct = await featureVisualizationTest(network, [units], { steps: 8, seed: 3, inputRange: [-1, 1], random: 3 });
    expect(test.subclusters[0]!.randomEntropies).toEqual(direct.subclusters[0]!.randomEntropies);
    expect(test.fisher).toEqual(direct.fisher);
  });

  it('rejects bad options when called, naming the option', async () => {
    await expect(createFeatureVisualizer({ steps: -1 }).visualize(network, units)).rejects.toMatchObject({ argument: 'steps' });
  });
});
