import type { Environment, Network } from '@modscope/core';
import { rolloutAgents, type AgentStatistics } from '@modscope/rl';
import type { LayerMask } from '@modscope/train';
import type { ActionBehaviour, EventBehaviour } from './behaviours.js';

/** What one agent did over a measurement rollout. */
export interface AgentFigures {
  /** The forget behaviour: P(its actions | its flag), from the actions taken. */
  forget: number;
  /** Share of all steps spent on the forget behaviour's actions (the beam rate for `fire`). */
  rate: number;
  /** The retain behaviour: its event per episode (apples for `collect`). */
  retain: number;
  /** Mean return per episode. */
  return: number;
}

/** A pair (or team) of agents measured together: the means over agents, and each agent. */
export interface TeamFigures extends AgentFigures {
  agents: AgentFigures[];
}

export interface MeasureSettings {
  games: number;
  episodes: number;
  seed: number;
}

const sum = (shares: Record<string, number>, actions: readonly string[]) => actions.reduce((s, a) => s + (shares[a] ?? 0), 0);
const mean = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / values.length;

/** One agent's figures from its rollout statistics. */
function agentFigures(statistics: AgentStatistics, forget: ActionBehaviour, retain: EventBehaviour): AgentFigures {
  const flagged = forget.flag === null ? { steps: statistics.steps, actions: statistics.actions } : statistics.flags[forget.flag]!;
  return {
    forget: flagged.steps > 0 ? sum(flagged.actions, forget.actions) : Number.NaN,
    rate: sum(statistics.actions, forget.actions),
    retain: statistics.events[retain.event] ?? Number.NaN,
    return: statistics.meanReturn,
  };
}

function teamFigures(agents: AgentFigures[]): TeamFigures {
  return {
    forget: mean(agents.map((a) => a.forget)),
    rate: mean(agents.map((a) => a.rate)),
    retain: mean(agents.map((a) => a.retain)),
    return: mean(agents.map((a) => a.return)),
    agents,
  };
}

/**
 * Plays `policies` (with `masks` held at zero) in `environment` and measures the forget and retain behaviours
 * (method §10: aggression and apples, by rollouts). The same settings give the same games and draws for every
 * network measured: differences between networks are not differences of luck.
 */
export async function measureTeam(
  environment: Environment,
  policies: readonly Network[],
  behaviours: { forget: ActionBehaviour; retain: EventBehaviour },
  settings: MeasureSettings,
  masks?: readonly (readonly LayerMask[] | undefined)[],
): Promise<TeamFigures> {
  const rollout = await rolloutAgents(environment, policies, { ...settings, ...(masks ? { masks } : {}) });
  return teamFigures(rollout.agents.map((s) => agentFigures(s, behaviours.forget, behaviours.retain)));
}
