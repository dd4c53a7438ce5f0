import type { AgentExciseResultFile } from '@modscope/results';

type File = AgentExciseResultFile;
type MethodName = File['methods'][number]['method'];

/** The figures of a team or an agent (NaN where written as null). */
export interface AgentFiguresView {
  /** P(the forget behaviour's actions | its flag). */
  forget: number;
  /** Share of all steps spent on the forget behaviour's actions. */
  rate: number;
  /** The retain behaviour per episode. */
  retain: number;
  return: number;
}

export interface AgentCurvePointView extends AgentFiguresView {
  update: number;
}

interface AgentStatsView {
  /** Updates until the forget figure regained half of what pruning removed; null: never. */
  stepsToHalf: number | null;
  forgetArea: number;
  finalForget: number;
  finalRetain: number;
}

/** A `modscope/agent-excise` result as the report draws it: statistics written as null are NaN, `floor` absent when not run. */
export interface AgentExciseView {
  kind: File['kind'];
  model: string;
  environment: File['environment'];
  trusted: File['trusted'];
  behaviours: File['behaviours'];
  seed: number;
  updates: number;
  evaluateEvery: number;
  ppo: File['ppo'];
  measure: File['measure'];
  record: File['record'];
  budgets: number[];
  target: number;
  finding: string | null;
  intact: AgentFiguresView & {
    agents: AgentFiguresView[];
    states: Record<string, number>[];
    events: Record<string, number>[];
  };
  agents: {
    agent: number;
    partition: { source: string; k: number };
    states: number;
    modules: {
      layer: string;
      cluster: number;
      size: number;
      layerUnits: number;
      units: number[];
      forgetDrop: number;
      retainDrop: number;
      score: number;
      behaviours: Record<string, number>;
      random: Record<string, number[]>;
      chosen: boolean;
    }[];
    reached: number;
  }[];
  methods: {
    method: MethodName;
    name: string;
    baseline: boolean;
    units: number;
    pruned: AgentCurvePointView;
    curve: AgentCurvePointView[];
    stats: AgentStatsView;
    weightDistance: number;
  }[];
  floor?: { figures: AgentFiguresView & { agents: AgentFiguresView[] }; updates: number; comparable: boolean; note: string };
  relearning: {
    model: MethodName | 'never-trained';
    updates: number;
    curve: AgentCurvePointView[];
    stats: AgentStatsView;
    retainDrop: number;
    degenerate: boolean;
  }[];
  episodes: {
    label: string;
    figures: { return: number; events: Record<string, number> }[];
    width: number;
    height: number;
    legend: Record<string, string>;
    frames: { step: number; text: string; rgb: string }[];
  }[];
}

const finite = (x: number | null) => x ?? Number.NaN;
const finiteRecord = (r: Record<string, number | null>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, finite(v)]));
const figuresView = (f: { forget: number | null; rate: number | null; retain: number | null; return: number | null }) => ({
  forget: finite(f.forget),
  rate: finite(f.rate),
  retain: finite(f.retain),
  return: finite(f.return),
});
const teamView = (t: NonNullable<File['floor']>['figures']) => ({ ...figuresView(t), agents: t.agents.map(figuresView) });
const pointView = (p: File['methods'][number]['pruned']) => ({ update: p.update, ...figuresView(p) });
const statsView = (s: File['methods'][number]['stats']) => ({
  stepsToHalf: s.stepsToHalf,
  forgetArea: finite(s.forgetArea),
  finalForget: finite(s.finalForget),
  finalRetain: finite(s.finalRetain),
});

export function agentExciseView(file: File): AgentExciseView {
  return {
    kind: file.kind,
    model: file.model,
    environment: file.environment,
    trusted: file.trusted,
    behaviours: file.behaviours,
    seed: file.seed,
    updates: file.updates,
    evaluateEvery: file.evaluateEvery,
    ppo: file.ppo,
    measure: file.measure,
    record: file.record,
    budgets: file.budgets,
    target: finite(file.target),
    finding: file.finding,
    intact: { ...teamView(file.intact), states: file.intact.states.map(finiteRecord), events: file.intact.events.map(finiteRecord) },
    agents: file.agents.map((a) => ({
      agent: a.agent,
      partition: a.partition,
      states: a.states,
      modules: a.modules.map((m) => ({
        ...m,
        forgetDrop: finite(m.forgetDrop),
        retainDrop: finite(m.retainDrop),
        score: finite(m.score),
        behaviours: finiteRecord(m.behaviours),
        random: Object.fromEntries(Object.entries(m.random).map(([k, v]) => [k, v.map(finite)])),
      })),
      reached: finite(a.reached),
    })),
    methods: file.methods.map((m) => ({
      method: m.method,
      name: m.name,
      baseline: m.baseline,
      units: m.units,
      pruned: pointView(m.pruned),
      curve: m.curve.map(pointView),
      stats: statsView(m.stats),
      weightDistance: finite(m.weightDistance),
    })),
    ...(file.floor
      ? {
          floor: {
            figures: teamView(file.floor.figures),
            updates: file.floor.updates,
            comparable: file.floor.comparable,
            note: file.floor.note,
          },
        }
      : {}),
    relearning: file.relearning.map((r) => ({
      model: r.model,
      updates: r.updates,
      curve: r.curve.map(pointView),
      stats: statsView(r.stats),
      retainDrop: finite(r.retainDrop),
      degenerate: r.degenerate,
    })),
    episodes: file.episodes.map((e) => ({
      ...e,
      figures: e.figures.map((f) => ({ return: finite(f.return), events: finiteRecord(f.events) })),
    })),
  };
}
