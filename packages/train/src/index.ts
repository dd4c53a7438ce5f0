export { createNetwork, glorotUniform, ARCHITECTURES, type CreateNetworkOptions } from './create-network.js';
export { train } from './train.js';
export { fineTune } from './fine-tune.js';
export { evaluate, type EvaluateOptions, type Evaluation } from './evaluate.js';
export {
  TRAIN_DEFAULTS,
  type TrainOptions,
  type FineTuneOptions,
  type TrainResult,
  type TrainProgress,
  type HistoryEntry,
  type EvaluationState,
} from './train-options.js';
export { clusterableInit, type ClusterableInitOptions, type ClusterableInitResult } from './clusterable-init.js';
export { magnitudeMask, polynomialSparsity, type PruneOptions } from './prune-schedule.js';
export type { LayerMask } from './held-masks.js';
export { weightGraphEigenvalues, type SpectralRegularizerOptions } from './spectral-regularizer.js';
export { normalizeUnits } from './normalize-units.js';
export { createLanguageModel, LANGUAGE_MODEL_DEFAULTS, type LanguageModelOptions } from './language-model.js';
export {
  trainLanguageModel,
  fineTuneLanguageModel,
  evaluateLanguageModel,
  LANGUAGE_MODEL_TRAIN_DEFAULTS,
  type LanguageModelTrainOptions,
  type LanguageModelTrainResult,
  type LanguageModelEvaluationState,
} from './train-language-model.js';
export type { TokenSequences, LanguageModelEvaluation } from './language-model-data.js';
export {
  languageModelClusterableInit,
  languageModelParameterMasks,
  pruneLanguageModel,
  type LanguageModelMask,
  type LanguageModelModules,
} from './language-model-masks.js';
export { defaultTrainingWorkers } from './training-workers.js';
