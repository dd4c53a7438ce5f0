export { createFeatureVisualizer, featureVisualizer, type FeatureVisualizer } from './feature-visualizer.js';
export type { VisualizeFeaturesOptions, FeatureVisualization } from './visualize-features.js';
export type {
  FeatureUnits,
  FeatureVisualizationTestOptions,
  SubclusterFeatureTest,
  FeatureVisualizationTest,
} from './feature-visualization-test.js';
export { FEATURE_VIZ_DEFAULTS, type AscentOptions } from './ascent-options.js';
export { toPng, writePng, type PngOptions } from './to-png.js';
