export { renderReport, REPORT_VERSION, type RenderReportOptions } from './render-report.js';
export {
  writeReport,
  writeResultsReport,
  type WriteReportOptions,
  type WriteResultsReportOptions,
  type WrittenReport,
} from './write-report.js';
export { REPORT_KINDS, type ReportKind } from './report-kinds.js';
export type { Figure, Section, Block, Highlight } from './figure.js';
