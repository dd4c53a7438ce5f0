export {
  ManifestError,
  parseManifest,
  readManifest,
  SWEEP_ANALYSES,
  sweepEntries,
  type ParseManifestOptions,
  type ReadManifestOptions,
  type SweepAnalysis,
  type SweepClusterOptions,
  type SweepEntry,
  type SweepExciseOptions,
  type SweepLesionOptions,
  type SweepManifest,
  type SweepModel,
} from './manifest.js';
export type { DatasetLoader } from './run-entry.js';
export { runSweep, type RunSweepOptions, type SweepOutcome } from './run-sweep.js';
export {
  SWEEP_PIECE,
  sweepHandlers,
  type ModelLoad,
  type SweepHandlerOptions,
  type SweepPayload,
  type SweepReply,
} from './sweep-queue.js';
export {
  SWEEP_SUMMARY_KIND,
  sweepSummary,
  type ClusterFigures,
  type ExciseFigures,
  type LesionFigures,
  type SweepSummary,
  type SweepSummaryRow,
} from './summary.js';
