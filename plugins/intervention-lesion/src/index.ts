export { subclusters, SUBCLUSTER_DEFAULTS, type Subcluster, type SubclusterOptions } from './subclusters.js';
export { lesionIntervention } from './lesion-intervention.js';
export {
  lesionSweep,
  classSelectivity,
  LESION_DEFAULTS,
  type LesionAccuracy,
  type LesionData,
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
