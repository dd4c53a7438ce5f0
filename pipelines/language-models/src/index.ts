export {
  corpusDomains,
  loadTextData,
  requireLanguageModel,
  resolveTokenizer,
  type TextData,
  type TextDataOptions,
  type TextSplit,
} from './text-data.js';
export { runEvaluateText, scoreWindows, type EvaluateTextOptions, type ScoreWindowsOptions, type TextEvaluation } from './evaluate-text.js';
export {
  textLesionSweep,
  type Ablation,
  type TextLesionOptions,
  type TextLesionSweep,
  type TextLoss,
  type TextSubclusterLesion,
} from './text-lesion-sweep.js';
export { topContexts, type SubclusterContexts, type TopContext, type TopContextsOptions, type UnitSet } from './top-contexts.js';
export { selectWindowsPerDomain } from './select-windows.js';
export {
  runLesionText,
  type TextLesionResult,
  type TextLesionStudyOptions,
  type TextSubclusterResult,
} from './run-lesion-text.js';
export { textCoactivationPartition, type TextCoactivationOptions } from './coactivation-text.js';
export { runCompareText, type TextCompareOptions, type TextCompareResult } from './run-compare-text.js';
export { runTrainText, parameterCount, type TrainTextOptions, type TrainTextPlan } from './train-text.js';
export { createNetworkNextLogits, type NetworkNextLogits } from './network-next-logits.js';
export { measureAttackSuccess, type MeasureAttackSuccessOptions } from './measure-attack-success.js';
export { weightPartition } from './run-lesion-text.js';
export {
  runExciseText,
  TEXT_EXCISE_DEFAULTS,
  type ExciseTextOptions,
  type ExciseTextRun,
  type TextExciseMethod,
} from './excise/run-excise-text.js';
export { parseTextForget, buildTextCapability, type TextCapability, type TextForgetSpec } from './excise/text-capability.js';
export type { TextFloorRecipe } from './excise/never-trained.js';
export { runExciseTextStudy, type TextExciseResult, type TextExciseStudyOptions } from './excise/run-excise-text-study.js';
