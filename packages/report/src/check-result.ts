import { parseResult } from '@modscope/results';
import { agentExciseView, type AgentExciseView } from './agent-excise-view.js';
import { agentLesionView, type AgentLesionView } from './agent-lesion-view.js';
import { clusterView, type ClusterView } from './cluster-view.js';
import { compareView, textCompareView, type CompareView, type TextCompareView } from './compare-view.js';
import { exciseView, type ExciseView } from './excise-view.js';
import { lesionView, type LesionView } from './lesion-view.js';
import { REPORT_KINDS, REPORT_READER } from './report-kinds.js';
import { textExciseView, type TextExciseView } from './text-excise-view.js';
import { textLesionView, type TextLesionView } from './text-lesion-view.js';

/** A result checked and in the shape the report draws, by kind. */
export type CheckedResult =
  | { kind: 'modscope/cluster'; result: ClusterView }
  | { kind: 'modscope/lesion'; result: LesionView }
  | { kind: 'modscope/text-lesion'; result: TextLesionView }
  | { kind: 'modscope/agent-lesion'; result: AgentLesionView }
  | { kind: 'modscope/compare'; result: CompareView }
  | { kind: 'modscope/text-compare'; result: TextCompareView }
  | { kind: 'modscope/excise'; result: ExciseView }
  | { kind: 'modscope/text-excise'; result: TextExciseView }
  | { kind: 'modscope/agent-excise'; result: AgentExciseView };

/**
 * Checks one parsed results file with `parseResult` of `@modscope/results` (a kind the report draws, the
 * version it reads, every field) and returns it in the shape the report draws. Throws a one-line
 * `CorruptFileError` or `InvalidArgumentError` naming `source` and what is wrong.
 */
export function checkResult(value: unknown, source: string): CheckedResult {
  const file = parseResult(value, { path: source, kinds: REPORT_KINDS, reader: REPORT_READER });
  switch (file.kind) {
    case 'modscope/cluster':
      return { kind: file.kind, result: clusterView(file) };
    case 'modscope/lesion':
      return { kind: file.kind, result: lesionView(file) };
    case 'modscope/text-lesion':
      return { kind: file.kind, result: textLesionView(file) };
    case 'modscope/agent-lesion':
      return { kind: file.kind, result: agentLesionView(file) };
    case 'modscope/compare':
      return { kind: file.kind, result: compareView(file) };
    case 'modscope/text-compare':
      return { kind: file.kind, result: textCompareView(file) };
    case 'modscope/excise':
      return { kind: file.kind, result: exciseView(file) };
    case 'modscope/text-excise':
      return { kind: file.kind, result: textExciseView(file) };
    case 'modscope/agent-excise':
      return { kind: file.kind, result: agentExciseView(file) };
  }
}
