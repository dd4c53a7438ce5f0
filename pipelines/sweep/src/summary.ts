import type { SweepOutcome } from './run-sweep.js';

/** The kind of the summary a sweep writes beside its entries (`summary.json`). */
export const SWEEP_SUMMARY_KIND = 'modscope/sweep-summary';

/** A cluster entry's headline: its n-cut and the left-sided p against each null model (null where not run). */
export interface ClusterFigures {
  ncut: number | null;
  p: Record<string, number | null>;
}

/** A lesion entry's headline: the effect factor and the Fisher-combined importance p (null where undefined). */
export interface LesionFigures {
  effectFactor: number | null;
  importanceP: number | null;
}

export interface SweepSummaryRow {
  /** The entry's name, `<model>.<analysis>.seed<seed>`; its result is `<entry>.json`. */
  entry: string;
  model: string;
  analysis: string;
  kind: 'cluster' | 'lesion';
  seed: number;
  status: 'ok' | 'failed';
  /** The failure in one line, or null. */
  error: string | null;
  /** The headline figures of its result, or null when it failed. */
  figures: ClusterFigures | LesionFigures | null;
  /** Wall-clock seconds from start (or submission) to result. */
  seconds: number;
}

export interface SweepSummary {
  kind: typeof SWEEP_SUMMARY_KIND;
  version: 1;
  /** The manifest file, when the sweep was read from one. */
  manifest: string | null;
  entries: number;
  failed: number;
  rows: SweepSummaryRow[];
}

const numberOrNull = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** The headline figures of an entry's result file (read as JSON: undefined statistics are null). */
function figuresOf(kind: 'cluster' | 'lesion', result: Record<string, unknown>): ClusterFigures | LesionFigures {
  if (kind === 'cluster') {
    const nulls = (result.nulls ?? {}) as Record<string, { p?: unknown }>;
    return {
      ncut: numberOrNull(result.ncut),
      p: Object.fromEntries(Object.entries(nulls).map(([name, s]) => [name, numberOrNull(s.p)])),
    };
  }
  const fisher = (result.fisher ?? {}) as { importance?: { p?: unknown } | null };
  return { effectFactor: numberOrNull(result.effectFactor), importanceP: numberOrNull(fisher.importance?.p) };
}

/** One row per entry, in entry order: its status, and its headline figures or its failure. */
export function sweepSummary(outcomes: readonly SweepOutcome[], manifest?: string): SweepSummary {
  const rows = outcomes.map(
    ({ entry, seconds, ...end }): SweepSummaryRow => ({
      entry: entry.name,
      model: entry.model.name,
      analysis: entry.analysis.name,
      kind: entry.analysis.kind,
      seed: entry.seed,
      status: end.status,
      error: end.status === 'failed' ? end.error : null,
      figures: end.status === 'ok' ? figuresOf(entry.analysis.kind, end.result) : null,
      seconds: Math.round(seconds * 1000) / 1000,
    }),
  );
  return {
    kind: SWEEP_SUMMARY_KIND,
    version: 1,
    manifest: manifest ?? null,
    entries: rows.length,
    failed: rows.filter((r) => r.status === 'failed').length,
    rows,
  };
}
