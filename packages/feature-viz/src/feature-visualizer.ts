import type { Network } from '@modscope/core';
import { withAscentDefaults, type AscentOptions } from './ascent-options.js';
import type { FeatureUnits, FeatureVisualizationTest, FeatureVisualizationTestOptions } from './feature-visualization-test.js';
import type { FeatureVisualization, VisualizeFeaturesOptions } from './visualize-features.js';

/** Feature visualization with a set of ascent options; each call may override them. */
export interface FeatureVisualizer {
  /**
   * One unit set: Adam gradient ascent on one input to maximize the set's mean activation minus
   * `l2 · ‖x‖²`, clipped to `inputRange` after each step, then the network's softmax on the result and its
   * entropy. Seeded: the same seed gives the same image.
   */
  visualize(network: Network, options: VisualizeFeaturesOptions): Promise<FeatureVisualization>;
  /**
   * The feature-visualization variant of upstream coherence (method §5): for each unit set, the entropy
   * of the softmax on its optimized input against `random` same-size unit sets of the same layer, with
   * Fisher's combination of the p-values.
   */
  test(network: Network, units: readonly FeatureUnits[], options?: FeatureVisualizationTestOptions): Promise<FeatureVisualizationTest>;
}

/**
 * A feature visualizer whose ascent options default to `options` (then to `FEATURE_VIZ_DEFAULTS`). tfjs
 * is imported by the first call, not with this package.
 */
export function createFeatureVisualizer(options: AscentOptions = {}): FeatureVisualizer {
  return {
    async visualize(network, call) {
      const { visualizeFeatures } = await import('./visualize-features.js');
      return visualizeFeatures(network, withAscentDefaults(options, call));
    },
    async test(network, units, call = {}) {
      const { featureVisualizationTest } = await import('./feature-visualization-test.js');
      return featureVisualizationTest(network, units, withAscentDefaults(options, call));
    },
  };
}

/** The feature visualizer with `FEATURE_VIZ_DEFAULTS`. */
export const featureVisualizer: FeatureVisualizer = createFeatureVisualizer();
