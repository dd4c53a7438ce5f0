import type { AgentLesionResultFile } from '@modscope/results';
import type { AgentFiguresView } from './agent-excise-view.js';
import type { LesionByBehaviourRow } from './agent-tables.js';

type File = AgentLesionResultFile;

/** A `modscope/agent-lesion` result as the report draws it: statistics written as null are NaN. */
export interface AgentLesionView {
  kind: File['kind'];
  model: string;
  environment: File['environment'];
  behaviours: File['behaviours'];
  seed: number;
  /** Random same-size lesions per module. */
  random: number;
  measure: File['measure'];
  record: File['record'];
  intact: AgentFiguresView & {
    agents: AgentFiguresView[];
    /** Per agent, every action behaviour on its recorded states. */
    states: Record<string, number>[];
    /** Per agent, every event behaviour per episode. */
    events: Record<string, number>[];
  };
  agents: {
    agent: number;
    partition: { source: string; k: number };
    states: number;
    modules: (LesionByBehaviourRow & { units: number[]; forgetDrop: number; p: Record<string, number> })[];
  }[];
  seconds: number;
}

const finite = (x: number | null) => x ?? Number.NaN;
const finiteRecord = (r: Record<string, number | null>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, finite(v)]));
const figuresView = (f: { forget: number | null; rate: number | null; retain: number | null; return: number | null }) => ({
  forget: finite(f.forget),
  rate: finite(f.rate),
  retain: finite(f.retain),
  return: finite(f.return),
});

export function agentLesionView(file: File): AgentLesionView {
  return {
    kind: file.kind,
    model: file.model,
    environment: file.environment,
    behaviours: file.behaviours,
    seed: file.seed,
    random: file.random,
    measure: file.measure,
    record: file.record,
    intact: {
      ...figuresView(file.intact),
      agents: file.intact.agents.map(figuresView),
      states: file.intact.states.map(finiteRecord),
      events: file.intact.events.map(finiteRecord),
    },
    agents: file.agents.map((a) => ({
      agent: a.agent,
      partition: a.partition,
      states: a.states,
      modules: a.modules.map((m) => ({
        layer: m.layer,
        cluster: m.cluster,
        size: m.size,
        layerUnits: m.layerUnits,
        units: m.units,
        forgetDrop: finite(m.forgetDrop),
        retainDrop: finite(m.retainDrop),
        score: finite(m.score),
        behaviours: finiteRecord(m.behaviours),
        random: Object.fromEntries(Object.entries(m.random).map(([k, v]) => [k, v.map(finite)])),
        p: finiteRecord(m.p),
      })),
    })),
    seconds: file.seconds,
  };
}
