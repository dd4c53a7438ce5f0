import { createRandom, subclusters, type Environment, type Network, type UnitPartition, type UnitSelection } from '@modscope/core';
import { policyOutputs, rolloutAgents } from '@modscope/rl';
import type { LayerMask } from '@modscope/train';
import { measureTeam, type MeasureSettings, type TeamFigures } from '../agent-figures.js';
import type { ActionBehaviour, EventBehaviour, NamedBehaviour } from '../behaviours.js';
import { flaggedStates, stateEffects, type AgentStates, selectionLayerMasks } from '../recorded-states.js';

/** One module of one agent's policy: a cluster within a hidden layer. */
export interface PolicyModule {
  layer: string;
  cluster: number;
  units: Int32Array;
  layerUnits: number;
}

/** A module's lesion, measured by behaviour (method §10), against random same-size lesions in the same layer. */
export interface ModuleLesion extends PolicyModule {
  /** Drop of P(forget actions | forget flag) on the recorded states when the module is silenced. */
  forgetDrop: number;
  /** 1 − agreement with the intact greedy action on the other recorded states. */
  retainDrop: number;
  /** forgetDrop − retainDrop: high = the module carries the behaviour and little else. */
  score: number;
  /** Per behaviour (by name): the drop the lesion causes (action behaviours on recorded states, event behaviours by rollouts). */
  behaviours: Record<string, number>;
  /** Per behaviour: the drops of `random` same-size lesions of the same layer. */
  random: Record<string, number[]>;
  /**
   * Per behaviour, one-sided p: (1 + random lesions that lowered it at least as much) / (random + 1); NaN where
   * the module's drop is not defined (no state with the behaviour's flag).
   */
  p: Record<string, number>;
}

export interface BehaviourSet {
  forget: NamedBehaviour<ActionBehaviour>;
  actions: readonly NamedBehaviour<ActionBehaviour>[];
  events: readonly NamedBehaviour<EventBehaviour>[];
  retain: NamedBehaviour<EventBehaviour>;
}

/** A module's lesion as the results files hold it (units as plain numbers). */
export function moduleRecord(m: ModuleLesion) {
  return {
    layer: m.layer,
    cluster: m.cluster,
    size: m.units.length,
    layerUnits: m.layerUnits,
    units: Array.from(m.units),
    forgetDrop: m.forgetDrop,
    retainDrop: m.retainDrop,
    score: m.score,
    behaviours: m.behaviours,
    random: m.random,
    p: m.p,
  };
}

/** The modules of a policy: its partition's clusters within hidden layers (at least 3 units, not a whole layer). */
export function policyModules(policy: Network, partition: UnitPartition): PolicyModule[] {
  return subclusters(policy, partition).map((s) => ({ layer: s.layer, cluster: s.cluster, units: s.units, layerUnits: s.layerUnits }));
}

/** What the intact team does: per agent on its recorded states (action behaviours) and by rollouts (event behaviours), and as a team. */
export interface IntactBehaviours {
  /** Per agent, P(actions | flag) of every action behaviour on its recorded states. */
  states: Record<string, number>[];
  /** Per agent, every event behaviour per episode. */
  events: Record<string, number>[];
  team: TeamFigures;
}

async function measureEvents(
  environment: Environment,
  policies: readonly Network[],
  masks: readonly (LayerMask[] | undefined)[] | undefined,
  measure: MeasureSettings,
  events: readonly NamedBehaviour<EventBehaviour>[],
): Promise<Record<string, number>[]> {
  const rollout = await rolloutAgents(environment, policies, { ...measure, ...(masks ? { masks } : {}) });
  return rollout.agents.map((s) => Object.fromEntries(events.map((b) => [b.name, s.events[b.behaviour.event] ?? Number.NaN])));
}

export async function intactBehaviours(
  environment: Environment,
  policies: readonly Network[],
  states: readonly AgentStates[],
  behaviours: BehaviourSet,
  measure: MeasureSettings,
): Promise<IntactBehaviours> {
  const perAgent = await Promise.all(policies.map((p, a) => stateEffects(environment, p, states[a]!, [], behaviours)));
  const team = await measureTeam(
    environment,
    policies,
    { forget: behaviours.forget.behaviour, retain: behaviours.retain.behaviour },
    measure,
  );
  return {
    states: perAgent.map((e) => e.behaviours),
    events: await measureEvents(environment, policies, undefined, measure, behaviours.events),
    team,
  };
}

/** The drops of every behaviour when `selection` of agent `agent` is silenced, and the agreement on other states. */
async function lesionDrops(
  environment: Environment,
  policies: readonly Network[],
  agent: number,
  states: AgentStates,
  selection: readonly UnitSelection[],
  behaviours: BehaviourSet,
  intact: IntactBehaviours,
  measure: MeasureSettings,
): Promise<{ drops: Record<string, number>; agreement: number }> {
  const effect = await stateEffects(environment, policies[agent]!, states, selection, behaviours);
  const drops: Record<string, number> = {};
  for (const [name, p] of Object.entries(effect.behaviours)) drops[name] = intact.states[agent]![name]! - p;
  if (behaviours.events.length > 0) {
    const masks = policies.map((p, a) => (a === agent ? selectionLayerMasks(p, selection) : undefined));
    const lesioned = await measureEvents(environment, policies, masks, measure, behaviours.events);
    for (const b of behaviours.events) drops[b.name] = intact.events[agent]![b.name]! - lesioned[agent]![b.name]!;
  }
  return { drops, agreement: effect.agreement };
}

/**
 * Lesions every module of agent `agent`'s policy and `random` random same-size sets of units of the same layer,
 * and measures every behaviour's drop: the lesion table by behaviour, and the module scores of module pruning.
 */
export async function lesionModules(
  environment: Environment,
  policies: readonly Network[],
  agent: number,
  modules: readonly PolicyModule[],
  states: AgentStates,
  behaviours: BehaviourSet,
  intact: IntactBehaviours,
  options: { random: number; seed: number; measure: MeasureSettings; onModule?: (done: number, total: number) => void },
): Promise<ModuleLesion[]> {
  const random = createRandom(options.seed).fork(agent);
  const out: ModuleLesion[] = [];
  for (const [m, module] of modules.entries()) {
    const own = await lesionDrops(
      environment,
      policies,
      agent,
      states,
      [{ layer: module.layer, units: module.units }],
      behaviours,
      intact,
      options.measure,
    );
    const randomDrops: Record<string, number[]> = {};
    for (let r = 0; r < options.random; r++) {
      const units = random.fork(m).fork(r).sample(module.layerUnits, module.units.length).sort();
      const { drops } = await lesionDrops(
        environment,
        policies,
        agent,
        states,
        [{ layer: module.layer, units }],
        behaviours,
        intact,
        options.measure,
      );
      for (const [name, d] of Object.entries(drops)) {
        randomDrops[name] ??= [];
        randomDrops[name].push(d);
      }
    }
    const forgetDrop = own.drops[behaviours.forget.name]!;
    const retainDrop = 1 - own.agreement;
    const p = Object.fromEntries(
      Object.entries(own.drops).map(([name, drop]) => [
        name,
        Number.isNaN(drop) ? Number.NaN : (1 + (randomDrops[name] ?? []).filter((r) => r >= drop).length) / (options.random + 1),
      ]),
    );
    out.push({ ...module, forgetDrop, retainDrop, score: forgetDrop - retainDrop, behaviours: own.drops, random: randomDrops, p });
    options.onModule?.(m + 1, modules.length);
  }
  return out;
}

/**
 * Selective pruning's unit scores (Pochinkov & Schoots 2024, method §6.1), on recorded states: mean |activation|
 * where the forget behaviour's flag is set over mean |activation| elsewhere (+ ε), per hidden layer.
 */
export async function selectiveScores(
  policy: Network,
  states: AgentStates,
  forget: ActionBehaviour,
  epsilon = 1e-6,
): Promise<{ layer: string; scores: Float64Array }[]> {
  const { hidden } = await policyOutputs(policy, states.observations, states.count, { hidden: true });
  const flagged = flaggedStates(states, forget);
  return hidden!.map(({ layer, units, values }) => {
    const on = new Float64Array(units);
    const off = new Float64Array(units);
    let nOn = 0;
    let nOff = 0;
    for (let i = 0; i < states.count; i++) {
      const target = flagged[i] ? on : off;
      if (flagged[i]) nOn++;
      else nOff++;
      for (let u = 0; u < units; u++) target[u]! += Math.abs(values[i * units + u]!);
    }
    const scores = new Float64Array(units);
    for (let u = 0; u < units; u++) scores[u] = on[u]! / Math.max(1, nOn) / (off[u]! / Math.max(1, nOff) + epsilon);
    return { layer, scores };
  });
}

/** Each policy's spectral partition of its weight graph. */
export async function weightPartitions(
  policies: readonly Network[],
  k: number,
  seed: number,
): Promise<(UnitPartition & { source: string })[]> {
  const { analyzeClusterability } = await import('@modscope/clusterability');
  const { spectralPartitioner } = await import('@modscope/partition-spectral');
  const out: (UnitPartition & { source: string })[] = [];
  for (const policy of policies) {
    const r = await analyzeClusterability(policy, { k, seed, partitioner: spectralPartitioner, shuffles: 0 });
    out.push({ source: 'weights', k: r.k, layers: r.layers.map((l, i) => ({ layer: l.id, labels: Int32Array.from(r.labels[i]!) })) });
  }
  return out;
}
