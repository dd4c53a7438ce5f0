export { renderReport, REPORT_VERSION, type RenderReportOptions } from './render-report.js';
export {
  writeReport,
  writeResultsReport,
  type WriteReportOptions,
  type WriteResultsReportOptions,
  type WrittenReport,
} from './write-report.js';
export { checkResult } from './check-result.js';
export { RESULT_KINDS, type ReportResult, type ResultKind } from './result-kinds.js';
export type { ClusterResult, NullTest, ClusterRow } from './cluster-result.js';
export type { LesionResult, LesionSubcluster } from './lesion-result.js';
export type { CompareResult, Agreement } from './compare-result.js';
export type { ExciseResult, ExciseMethod, RecoveryPoint } from './excise-result.js';
export type { Figure, Section, Block, Highlight } from './figure.js';
