import { clusterSection } from './cluster-section.js';
import { readClusterResult, type ClusterResult } from './cluster-result.js';
import { compareSection } from './compare-section.js';
import { readCompareResult, type CompareResult } from './compare-result.js';
import { exciseSection } from './excise-section.js';
import { readExciseResult, type ExciseResult } from './excise-result.js';
import type { Section } from './figure.js';
import { lesionSection, type ImageMap } from './lesion-section.js';
import { readLesionResult, type LesionResult } from './lesion-result.js';
import type { ResultReader } from './result-reader.js';

/** Everything the report needs to know about one kind of result. Adding a kind is one entry here. */
export interface ResultKind<T> {
  kind: string;
  /** Short name for messages: `lesion result version 7 …`. */
  name: string;
  /** Versions this report reads. */
  versions: { min: number; max: number };
  /** The command that writes it, for hints. */
  writer: string;
  read(reader: ResultReader, value: unknown): T;
  render(result: T, context: { images: ImageMap }): Section;
}

export type ReportResult = ClusterResult | LesionResult | CompareResult | ExciseResult;

const kind = <T>(k: ResultKind<T>) => k as ResultKind<ReportResult>;

/** The kinds of result the report reads, in the order sections appear. */
export const RESULT_KINDS: readonly ResultKind<ReportResult>[] = [
  kind<ClusterResult>({
    kind: 'modscope/cluster',
    name: 'cluster',
    versions: { min: 1, max: 1 },
    writer: 'modscope cluster MODEL --json FILE',
    read: readClusterResult,
    render: (r) => clusterSection(r),
  }),
  kind<LesionResult>({
    kind: 'modscope/lesion',
    name: 'lesion',
    versions: { min: 1, max: 1 },
    writer: 'modscope lesion MODEL --data DATA --json FILE',
    read: readLesionResult,
    render: (r, c) => lesionSection(r, c.images),
  }),
  kind<CompareResult>({
    kind: 'modscope/compare',
    name: 'compare',
    versions: { min: 1, max: 1 },
    writer: 'modscope compare MODEL --data DATA --json FILE',
    read: readCompareResult,
    render: (r) => compareSection(r),
  }),
  kind<ExciseResult>({
    kind: 'modscope/excise',
    name: 'excise',
    versions: { min: 1, max: 1 },
    writer: 'modscope excise MODEL --json FILE',
    read: readExciseResult,
    render: (r) => exciseSection(r),
  }),
];
