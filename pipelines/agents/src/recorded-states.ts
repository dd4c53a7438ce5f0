import type { Environment, Network, UnitSelection } from '@modscope/core';
import { policyOutputs, rolloutAgents } from '@modscope/rl';
import type { LayerMask } from '@modscope/train';
import { actionIndices, type ActionBehaviour, type NamedBehaviour } from './behaviours.js';
import type { MeasureSettings } from './agent-figures.js';

/** The states one agent acted in, with what its intact policy made of them (method §10: modules are scored on recorded states). */
export interface AgentStates {
  count: number;
  /** `count × observationSize`. */
  observations: Float32Array;
  /** Per environment flag, 1 where it was set. */
  flags: Record<string, Uint8Array>;
  /** The intact policy's action probabilities, `count × actions`. */
  probabilities: Float32Array;
  /** The intact policy's most probable action per state. */
  greedy: Int32Array;
}

/** Most probable action of each row (lowest index on ties). */
function greedyActions(probabilities: Float32Array, actions: number): Int32Array {
  const count = probabilities.length / actions;
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    let best = 0;
    for (let a = 1; a < actions; a++) if (probabilities[i * actions + a]! > probabilities[i * actions + best]!) best = a;
    out[i] = best;
  }
  return out;
}

/** Plays the intact policies (sampled actions, seeded) and keeps every state each agent acted in. */
export async function recordAgentStates(
  environment: Environment,
  policies: readonly Network[],
  settings: MeasureSettings,
): Promise<AgentStates[]> {
  const rollout = await rolloutAgents(environment, policies, { ...settings, record: true });
  const A = environment.actions.length;
  return rollout.recordings!.map((r) => ({
    count: r.count,
    observations: r.observations,
    flags: r.flags,
    probabilities: r.probabilities,
    greedy: greedyActions(r.probabilities, A),
  }));
}

/** 1 where the behaviour's flag is set (everywhere for a behaviour without one). */
export function flaggedStates(states: AgentStates, behaviour: ActionBehaviour): Uint8Array {
  return behaviour.flag === null ? new Uint8Array(states.count).fill(1) : states.flags[behaviour.flag]!;
}

/** Mean probability of the behaviour's actions over the states where its flag is set (NaN where none is). */
function behaviourProbability(
  environment: Environment,
  states: AgentStates,
  probabilities: Float32Array,
  behaviour: ActionBehaviour,
): number {
  const A = environment.actions.length;
  const indices = actionIndices(environment, behaviour);
  const flagged = flaggedStates(states, behaviour);
  let total = 0;
  let n = 0;
  for (let i = 0; i < states.count; i++) {
    if (!flagged[i]) continue;
    for (const a of indices) total += probabilities[i * A + a]!;
    n++;
  }
  return n > 0 ? total / n : Number.NaN;
}

/** Share of the states where the forget behaviour's flag is not set in which the greedy action is the intact policy's. */
function agreement(environment: Environment, states: AgentStates, probabilities: Float32Array, forget: ActionBehaviour): number {
  const greedy = greedyActions(probabilities, environment.actions.length);
  const flagged = flaggedStates(states, forget);
  let same = 0;
  let n = 0;
  for (let i = 0; i < states.count; i++) {
    if (flagged[i] && forget.flag !== null) continue;
    if (greedy[i] === states.greedy[i]) same++;
    n++;
  }
  return n > 0 ? same / n : Number.NaN;
}

/** The 0/1 unit masks (`LayerMask` of `@modscope/train`) that silence a selection of a policy's units. */
export function selectionLayerMasks(policy: Network, selection: readonly UnitSelection[]): LayerMask[] {
  return selection
    .filter((s) => s.units.length > 0)
    .map((s) => {
      const layer = policy.layers.find((l) => l.id === s.layer);
      const units = new Array<number>(layer?.kind === 'dense' ? layer.units : 0).fill(1);
      for (const u of s.units) units[u] = 0;
      return { layer: s.layer, units };
    });
}

/** What a lesioned policy does on the recorded states: every action behaviour's probability, and agreement with the intact policy. */
export interface StateEffects {
  /** Per action behaviour, by name: P(its actions | its flag). */
  behaviours: Record<string, number>;
  /** Agreement with the intact greedy action where the forget flag is not set. */
  agreement: number;
}

export async function stateEffects(
  environment: Environment,
  policy: Network,
  states: AgentStates,
  selection: readonly UnitSelection[],
  behaviours: { forget: NamedBehaviour<ActionBehaviour>; actions: readonly NamedBehaviour<ActionBehaviour>[] },
): Promise<StateEffects> {
  const { probabilities } = await policyOutputs(policy, states.observations, states.count, {
    masks: selectionLayerMasks(policy, selection),
  });
  const all = [behaviours.forget, ...behaviours.actions.filter((b) => b.name !== behaviours.forget.name)];
  return {
    behaviours: Object.fromEntries(all.map((b) => [b.name, behaviourProbability(environment, states, probabilities, b.behaviour)])),
    agreement: agreement(environment, states, probabilities, behaviours.forget.behaviour),
  };
}
