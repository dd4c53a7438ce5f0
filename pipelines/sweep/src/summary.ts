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

/**
 * An excise entry's headline: the forget metric (a class's accuracy) after retain fine-tuning of module
 * pruning and of its same-count random baseline, of the never-trained floor, and of module pruning's
 * network after the largest relearning attack; null where not run (or undefined).
 */
export interface ExciseFigures {
  moduleForget: number | null;
  randomForget: number | null;
  floorForget: number | null;
  relearnedForget: number | null;
}

export interface SweepSummaryRow {
  /** The entry's name, `<model>.<analysis>.seed<seed>`; its result is `<entry>.json`. */
  entry: string;
  model: string;
  analysis: string;
  kind: 'cluster' | 'lesion' | 'excise';
  seed: number;
  status: 'ok' | 'failed';
  /** The failure in one line, or null. */
  error: string | null;
  /** The headline figures of its result, or null when it failed. */
  figures: ClusterFigures | LesionFigures | ExciseFigures | null;
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
function figuresOf(kind: SweepSummaryRow['kind'], result: Record<string, unknown>): NonNullable<SweepSummaryRow['figures']> {
  if (kind === 'cluster') {
    const nulls = (result.nulls ?? {}) as Record<string, { p?: unknown }>;
    return {
      ncut: numberOrNull(result.ncut),
      p: Object.fromEntries(Object.entries(nulls).map(([name, s]) => [name, numberOrNull(s.p)])),
    };
  }
  if (kind === 'excise') return exciseFigures(result);
  const fisher = (result.fisher ?? {}) as { importance?: { p?: unknown } | null };
  return { effectFactor: numberOrNull(result.effectFactor), importanceP: numberOrNull(fisher.importance?.p) };
}

type Stats = { stats?: { finalForget?: unknown } };

/** An excise entry's headline: see `ExciseFigures`. */
function exciseFigures(result: Record<string, unknown>): ExciseFigures {
  const methods = (Array.isArray(result.methods) ? result.methods : []) as ({ method?: unknown } & Stats)[];
  const final = (method: string) => numberOrNull(methods.find((m) => m.method === method)?.stats?.finalForget);
  const attacks = (Array.isArray(result.relearning) ? result.relearning : []) as ({ model?: unknown; examples?: unknown } & Stats)[];
  const largest = attacks
    .filter((a) => a.model === 'module' && typeof a.examples === 'number')
    .reduce<(typeof attacks)[number] | undefined>(
      (best, a) => (best === undefined || (a.examples as number) > (best.examples as number) ? a : best),
      undefined,
    );
  const floor = result.floor as { forget?: unknown } | null | undefined;
  return {
    moduleForget: final('module'),
    randomForget: final('random'),
    floorForget: numberOrNull(floor?.forget),
    relearnedForget: numberOrNull(largest?.stats?.finalForget),
  };
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
