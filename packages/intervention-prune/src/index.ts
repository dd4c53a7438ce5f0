export {
  parseForgetSpec,
  parseTrigger,
  capabilityFor,
  triggerAttackRates,
  TRIGGER_SPECIFIC_ATTACK_SUCCESS,
  type Capability,
  type ForgetSpec,
  type TriggerPatch,
} from './capability.js';
export {
  pruneUnits,
  liveUnits,
  releasePruned,
  RELEASED_INIT_SCALE,
  weightDistance,
  type PrunedNetwork,
  type WeightMask,
} from './prune-units.js';
export {
  capabilityInputs,
  capabilityMetrics,
  scoreModules,
  selectivePruningScores,
  chooseModules,
  countsPerLayer,
  topUnits,
  randomUnits,
  lowestMagnitudeUnits,
  selectionMasks,
  mergeSelection,
  type CapabilityInputs,
  type ModuleScore,
} from './score-units.js';
export { recoveryStats, retainCollapse, DEGENERATE_RETAIN_DROP, type CurvePoint, type RecoveryStats } from './recovery.js';
export {
  excise,
  type ExciseMethod,
  type ExciseOptions,
  type ExciseResult,
  type MethodResult,
  type RelearnResult,
} from './excise.js';
export type { CapabilityFigures } from './figures.js';
export type { FineTuneRequest, FineTuner } from './fine-tuner.js';
export {
  relearningAttack,
  RELEARN_RETAIN_PER_EXAMPLE,
  type RelearningAttackOptions,
  type RelearnRun,
} from './relearn.js';
