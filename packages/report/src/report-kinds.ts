import {
  AGENT_EXCISE_RESULT_KIND,
  AGENT_LESION_RESULT_KIND,
  CLUSTER_RESULT_KIND,
  COMPARE_RESULT_KIND,
  EXCISE_RESULT_KIND,
  LESION_RESULT_KIND,
  TEXT_COMPARE_RESULT_KIND,
  TEXT_EXCISE_RESULT_KIND,
  TEXT_LESION_RESULT_KIND,
  type ResultReader,
} from '@modscope/results';

/** The kinds of result the report draws, in the order their sections appear. */
export const REPORT_KINDS = Object.freeze([
  CLUSTER_RESULT_KIND,
  LESION_RESULT_KIND,
  TEXT_LESION_RESULT_KIND,
  AGENT_LESION_RESULT_KIND,
  COMPARE_RESULT_KIND,
  TEXT_COMPARE_RESULT_KIND,
  EXCISE_RESULT_KIND,
  TEXT_EXCISE_RESULT_KIND,
  AGENT_EXCISE_RESULT_KIND,
] as const);

export type ReportKind = (typeof REPORT_KINDS)[number];

/** How the report is named in messages about kinds and versions it does not read. */
export const REPORT_READER: ResultReader = { name: 'report', package: '@modscope/report' };
