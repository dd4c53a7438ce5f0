export { lesionWeights } from './lesion-weights.js';
export {
  lesionSweep,
  classSelectivity,
  LESION_DEFAULTS,
  type LesionAccuracy,
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
