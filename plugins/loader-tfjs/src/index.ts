export { createTfjsLoader, tfjsLoader, supportedLayerClasses, type TfjsLoaderOptions } from './tfjs-loader.js';
export { selectBackend, type BackendName, type BackendSelection, type SelectBackendOptions } from './select-backend.js';
export { toTfjsModel } from './to-tfjs-model.js';
export { fromTfjsModel, type FromTfjsModelOptions } from './from-tfjs-model.js';
export { saveTfjsModel, type SavedTfjsModel } from './save-tfjs-model.js';
export { readModelArtifacts, type ModelArtifactsFile } from './read-model-artifacts.js';
export { createTfjsEvaluator, type TfjsEvaluatorOptions } from './tfjs-evaluator.js';
export { pool2d } from './pool-2d.js';
