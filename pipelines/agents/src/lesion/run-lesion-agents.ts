import { InvalidArgumentError, type Environment, type UnitPartition } from '@modscope/core';
import { AGENT_LESION_RESULT_KIND, AGENT_LESION_RESULT_VERSION } from '@modscope/results/format';
import type { AgentNetworks } from '@modscope/rl';
import type { MeasureSettings } from '../agent-figures.js';
import { exciseBehaviours } from '../excise/run-excise-agents.js';
import { intactBehaviours, lesionModules, moduleRecord, policyModules, weightPartitions } from '../excise/policy-modules.js';
import { recordAgentStates } from '../recorded-states.js';

/** The defaults of `runLesionAgents`. */
export const AGENT_LESION_DEFAULTS = Object.freeze({
  k: 8,
  random: 19,
  measureGames: 32,
  measureEpisodes: 2,
  recordGames: 32,
  recordEpisodes: 4,
  seed: 0,
});

export interface LesionAgentsOptions {
  agents: readonly AgentNetworks[];
  environment: Environment;
  /** The behaviour whose flag splits the states for the retain drop and score (an action behaviour; default the environment's first). */
  forget?: string;
  partitions?: readonly (UnitPartition & { source: string })[];
  k?: number;
  /** Random same-size lesions per module (default 19: p-values down to 0.05). */
  random?: number;
  measure?: { games?: number; episodes?: number };
  record?: { games?: number; episodes?: number };
  seed?: number;
  model?: string;
  onModule?: (agent: number, done: number, total: number) => void;
}

/**
 * The lesion study of agents (method §5 with §10's behaviours in place of classes): every module of every
 * agent's policy (its weight-graph partition by default) is silenced, and every behaviour of the environment is
 * measured — action behaviours on the states the intact agents acted in, event behaviours by rollouts — against
 * random same-size lesions of the same layer, with a one-sided p per behaviour: the share of random lesions that
 * lowered it at least as much (plus one, over random + 1).
 */
export async function runLesionAgents(options: LesionAgentsOptions) {
  const d = AGENT_LESION_DEFAULTS;
  const { environment } = options;
  const seed = options.seed ?? d.seed;
  const N = environment.agentCount;
  if (options.agents.length !== N)
    throw new InvalidArgumentError({
      argument: 'agents',
      message: `@modscope/agents: ${options.agents.length} agents given, but environment '${environment.name}' has ${N}.`,
      hint: 'Give one trained agent per agent of the environment.',
    });
  const firstAction = Object.entries(environment.behaviours ?? {}).find(([, b]) => b.kind === 'action')?.[0];
  const behaviours = exciseBehaviours(environment, options.forget ?? firstAction ?? '', undefined);
  const measure: MeasureSettings = {
    games: options.measure?.games ?? d.measureGames,
    episodes: options.measure?.episodes ?? d.measureEpisodes,
    seed: seed + 101,
  };
  const record: MeasureSettings = {
    games: options.record?.games ?? d.recordGames,
    episodes: options.record?.episodes ?? d.recordEpisodes,
    seed: seed + 202,
  };
  const random = options.random ?? d.random;
  const policies = options.agents.map((a) => a.policy);
  const started = performance.now();
  const states = await recordAgentStates(environment, policies, record);
  const intact = await intactBehaviours(environment, policies, states, behaviours, measure);
  const partitions = options.partitions ?? (await weightPartitions(policies, options.k ?? d.k, seed));
  const agents = [];
  for (let a = 0; a < N; a++) {
    const modules = await lesionModules(
      environment,
      policies,
      a,
      policyModules(policies[a]!, partitions[a]!),
      states[a]!,
      behaviours,
      intact,
      {
        random,
        seed,
        measure,
        onModule: (done, total) => options.onModule?.(a, done, total),
      },
    );
    agents.push({
      agent: a,
      partition: { source: partitions[a]!.source, k: partitions[a]!.k },
      states: states[a]!.count,
      modules: modules.map(moduleRecord),
    });
  }
  return {
    kind: AGENT_LESION_RESULT_KIND,
    version: AGENT_LESION_RESULT_VERSION,
    model: options.model ?? 'agents',
    environment: { name: environment.name, settings: { ...environment.settings } },
    behaviours: {
      forget: { name: behaviours.forget.name, ...behaviours.forget.behaviour },
      all: [...behaviours.actions, ...behaviours.events].map((b) => ({
        name: b.name,
        kind: b.behaviour.kind,
        description: b.behaviour.description,
      })),
    },
    seed,
    random,
    measure,
    record,
    intact: { ...intact.team, states: intact.states, events: intact.events },
    agents,
    seconds: Math.round(performance.now() - started) / 1000,
  };
}

export type LesionAgentsRun = Awaited<ReturnType<typeof runLesionAgents>>;
