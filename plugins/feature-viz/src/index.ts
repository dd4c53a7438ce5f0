export { visualizeFeatures, type VisualizeFeaturesOptions, type FeatureVisualization } from './visualize-features.js';
export {
  featureVisualizationTest,
  type Subcluster,
  type FeatureVisualizationTestOptions,
  type SubclusterFeatureTest,
  type FeatureVisualizationTest,
} from './feature-visualization-test.js';
export { DEFAULTS, type AscentOptions } from './ascent-options.js';
export { toPng, writePng, type PngOptions } from './to-png.js';
