export { lesionWeights } from './lesion-weights.js';
export {
  lesionSweep,
  classSelectivity,
  evaluateLesionBatch,
  LESION_DEFAULTS,
  type EvaluateLesionBatches,
  type LesionAccuracy,
  type LesionBatch,
  type LesionSweepOptions,
  type LesionSweepResult,
  type SubclusterLesion,
} from './lesion-sweep.js';
export {
  upstreamCoherence,
  type UnitSetWithBaseline,
  type UpstreamCoherence,
  type UpstreamCoherenceOptions,
  type UpstreamCoherenceResult,
} from './upstream-coherence.js';
