import type { TextExciseResultFile } from '@modscope/results';

type File = TextExciseResultFile;
type MethodName = File['methods'][number]['method'];

interface CurvePointView {
  step: number;
  forget: number;
  retain: number;
}

interface RecoveryStatsView {
  /** Steps until the forget metric regained half of what pruning moved it by; null: never. */
  stepsToHalf: number | null;
  forgetArea: number;
  finalForget: number;
  finalRetain: number;
}

/** A `modscope/text-excise` result as the report draws it: statistics written as null are NaN, `floor` absent when not run. */
export interface TextExciseView {
  kind: File['kind'];
  model: string;
  tokenizer: string;
  domains: string[];
  forget: File['forget'];
  capability: string;
  forgetMetric: string;
  forgetHigherIsCapable: boolean;
  retainMetric: string;
  windows: File['windows'];
  prompts: number | null;
  partition: File['partition'];
  steps: number;
  evaluateEvery: number;
  intact: { forget: number; retain: number };
  modules: {
    layer: string;
    kind: 'neurons' | 'heads';
    block: number;
    cluster: number;
    size: number;
    forgetDelta: number;
    retainDelta: number;
    score: number;
  }[];
  chosen: File['chosen'];
  methods: {
    method: MethodName;
    name: string;
    baseline: boolean;
    units: number;
    forget: number;
    retain: number;
    curve: CurvePointView[];
    stats: RecoveryStatsView;
    weightDistance: number;
  }[];
  floor?: { forget: number; retain: number; steps: number; comparable: boolean; note: string };
  relearning: {
    model: MethodName | 'never-trained';
    examples: number;
    retainExamples: number;
    steps: number;
    curve: CurvePointView[];
    stats: RecoveryStatsView;
    retainRise: number;
    degenerate: boolean;
  }[];
  samples: File['samples'];
}

const finite = (x: number | null) => x ?? Number.NaN;
const curveView = (curve: File['methods'][number]['curve']) =>
  curve.map((p) => ({ step: p.step, forget: finite(p.forget), retain: finite(p.retain) }));
const statsView = (s: File['methods'][number]['stats']) => ({
  stepsToHalf: s.stepsToHalf,
  forgetArea: finite(s.forgetArea),
  finalForget: finite(s.finalForget),
  finalRetain: finite(s.finalRetain),
});

export function textExciseView(file: File): TextExciseView {
  return {
    kind: file.kind,
    model: file.model,
    tokenizer: file.tokenizer,
    domains: file.domains,
    forget: file.forget,
    capability: file.capability,
    forgetMetric: file.forgetMetric,
    forgetHigherIsCapable: file.forgetHigherIsCapable,
    retainMetric: file.retainMetric,
    windows: file.windows,
    prompts: file.prompts,
    partition: file.partition,
    steps: file.steps,
    evaluateEvery: file.evaluateEvery,
    intact: { forget: finite(file.intact.forget), retain: finite(file.intact.retain) },
    modules: file.modules.map((m) => ({
      ...m,
      forgetDelta: finite(m.forgetDelta),
      retainDelta: finite(m.retainDelta),
      score: finite(m.score),
    })),
    chosen: file.chosen,
    methods: file.methods.map((m) => ({
      method: m.method,
      name: m.name,
      baseline: m.baseline,
      units: m.units,
      forget: finite(m.forget),
      retain: finite(m.retain),
      curve: curveView(m.curve),
      stats: statsView(m.stats),
      weightDistance: finite(m.weightDistance),
    })),
    ...(file.floor ? { floor: { ...file.floor, forget: finite(file.floor.forget), retain: finite(file.floor.retain) } } : {}),
    relearning: file.relearning.map((r) => ({
      ...r,
      curve: curveView(r.curve),
      stats: statsView(r.stats),
      retainRise: finite(r.retainRise),
    })),
    samples: file.samples,
  };
}
