export { inputsFor } from './inputs-for.js';
export { partitionFor, readPartitionFile, type PartitionSourceOptions } from './partition-source.js';
export { lesionHandlers, LESION_PIECE, type LesionHandlerOptions, type LesionQueueOptions } from './lesion-queue.js';
export { runLesion, LESION_STUDY_DEFAULTS, type LesionStudyOptions, type LesionStudyStage } from './run-lesion.js';
export { lesionFloors, lesionFloorWarnings, RANDOM_LESION_DEFAULTS, type LesionFloors, type RandomFrom } from './random-lesions.js';
export {
  featureVisualizations,
  type FeatureVisualizationsOptions,
  type FeatureVisualizationsResult,
  type SubclusterFeatureImage,
} from './feature-visualizations.js';
export { runCompare, COMPARE_STUDY_DEFAULTS, type CompareStudyOptions } from './run-compare.js';
