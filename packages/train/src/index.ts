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
