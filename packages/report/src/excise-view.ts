import type { ExciseResultFile } from '@modscope/results';

type MethodFile = ExciseResultFile['methods'][number];
type StatsFile = NonNullable<MethodFile['stats']>;

/** Summary of a recovery curve; NaN where written as null (`stepsToHalf` null: never). */
type RecoveryStatsView = Omit<StatsFile, 'forgetArea' | 'finalForget' | 'finalRetain'> & {
  forgetArea: number;
  finalForget: number;
  finalRetain: number;
};

type ExciseMethodView = Omit<MethodFile, 'baseline' | 'forget' | 'retain' | 'stats' | 'weightDistance'> & {
  /** A baseline (random units, no pruning, …) rather than the method under test. */
  baseline: boolean;
  forget?: number;
  retain?: number;
  stats?: RecoveryStatsView;
  weightDistance?: number;
};

/** A `modscope/excise` result as the report draws it: `floor` absent when not run, `relearning` always a list. */
export type ExciseView = Omit<ExciseResultFile, 'methods' | 'floor' | 'relearning'> & {
  methods: ExciseMethodView[];
  floor?: NonNullable<ExciseResultFile['floor']>;
  relearning: (Omit<NonNullable<ExciseResultFile['relearning']>[number], 'stats'> & { stats?: RecoveryStatsView })[];
};

const finite = (x: number | null) => x ?? Number.NaN;

function statsView(s: StatsFile | undefined): { stats?: RecoveryStatsView } {
  if (!s) return {};
  return {
    stats: {
      stepsToHalf: s.stepsToHalf,
      forgetArea: finite(s.forgetArea),
      finalForget: finite(s.finalForget),
      finalRetain: finite(s.finalRetain),
    },
  };
}

export function exciseView(file: ExciseResultFile): ExciseView {
  const { methods, floor, relearning, ...rest } = file;
  return {
    ...rest,
    methods: methods.map(({ baseline, forget, retain, stats, weightDistance, ...m }) => ({
      ...m,
      baseline: baseline ?? false,
      ...(forget !== undefined ? { forget: finite(forget) } : {}),
      ...(retain !== undefined ? { retain: finite(retain) } : {}),
      ...statsView(stats),
      ...(weightDistance !== undefined ? { weightDistance: finite(weightDistance) } : {}),
    })),
    ...(floor ? { floor } : {}),
    relearning: (relearning ?? []).map(({ stats, ...r }) => ({ ...r, ...statsView(stats) })),
  };
}
