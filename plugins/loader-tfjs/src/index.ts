export { createTfjsLoader, tfjsLoader, supportedLayerClasses, type TfjsLoaderOptions } from './tfjs-loader.js';
export { readModelArtifacts, type ModelArtifactsFile } from './read-model-artifacts.js';
export { createTfjsEvaluator } from './tfjs-evaluator.js';
export type { TfjsEvaluatorOptions } from './tfjs-evaluator-options.js';
