import type { Environment } from '@modscope/core';

/** What an agent did in the steps where one flag was set. */
export interface FlagStatistics {
  /** Agent-steps in which the flag was set. */
  steps: number;
  /** Share of each action (by name) among those steps: P(action | flag). NaN when `steps` is 0. */
  actions: Record<string, number>;
}

/** One agent's behaviour over a stretch of play (a training update's rollout, or a rollout). */
export interface AgentStatistics {
  /** Episodes that ended within the stretch (the means below are over them). */
  episodes: number;
  /** Mean summed reward per episode (NaN when no episode ended). */
  meanReturn: number;
  /** Mean count per episode of each of the environment's events, by name (NaN when no episode ended). */
  events: Record<string, number>;
  /** Steps the agent acted in (all of them, also those of episodes that had not ended). */
  steps: number;
  /** Share of each action (by name) among those steps. */
  actions: Record<string, number>;
  /** Per environment flag (by name): the steps it was set in and P(action | flag). */
  flags: Record<string, FlagStatistics>;
}

/** Counts steps, actions, flags, rewards and events while games run, and turns them into `AgentStatistics`. */
export interface StatisticsTally {
  /** The actions chosen in the current state (`games × agentCount`) and the state's flags (one array per flag name). */
  act(actions: Int32Array, flags: readonly Uint8Array[]): void;
  /** The rewards of the step just taken. */
  reward(rewards: Float32Array): void;
  /** Every game's episode just ended: adds it, with the events the environment counted into `events`, and zeroes them. */
  endEpisode(events: Float32Array): void;
  /** The statistics per agent since the last `take` (episodes still running carry on). */
  take(): AgentStatistics[];
}

export function createStatisticsTally(environment: Environment, games: number): StatisticsTally {
  const { agentCount, actions: actionNames, events: eventNames, flags: flagNames } = environment;
  const A = actionNames.length;
  const E = eventNames.length;
  const F = flagNames.length;
  const running = new Float64Array(games * agentCount);
  let steps: Float64Array;
  let actionCounts: Float64Array;
  let flagSteps: Float64Array;
  let flagActions: Float64Array;
  let episodes: Float64Array;
  let returns: Float64Array;
  let eventSums: Float64Array;
  const clear = () => {
    steps = new Float64Array(agentCount);
    actionCounts = new Float64Array(agentCount * A);
    flagSteps = new Float64Array(agentCount * F);
    flagActions = new Float64Array(agentCount * F * A);
    episodes = new Float64Array(agentCount);
    returns = new Float64Array(agentCount);
    eventSums = new Float64Array(agentCount * E);
  };
  clear();
  const shares = (counts: Float64Array, from: number, total: number) =>
    Object.fromEntries(actionNames.map((name, a) => [name, counts[from + a]! / total]));
  return {
    act(actions, flags) {
      for (let i = 0; i < games * agentCount; i++) {
        const agent = i % agentCount;
        const action = actions[i]!;
        steps[agent]!++;
        actionCounts[agent * A + action]!++;
        for (let f = 0; f < F; f++) {
          if (flags[f]![i] === 0) continue;
          flagSteps[agent * F + f]!++;
          flagActions[(agent * F + f) * A + action]!++;
        }
      }
    },
    reward(rewards) {
      for (let i = 0; i < games * agentCount; i++) running[i]! += rewards[i]!;
    },
    endEpisode(events) {
      for (let i = 0; i < games * agentCount; i++) {
        const agent = i % agentCount;
        episodes[agent]!++;
        returns[agent]! += running[i]!;
        for (let e = 0; e < E; e++) eventSums[agent * E + e]! += events[i * E + e]!;
      }
      running.fill(0);
      events.fill(0);
    },
    take() {
      const out = Array.from(
        { length: agentCount },
        (_, agent): AgentStatistics => ({
          episodes: episodes[agent]!,
          meanReturn: returns[agent]! / episodes[agent]!,
          events: Object.fromEntries(eventNames.map((name, e) => [name, eventSums[agent * E + e]! / episodes[agent]!])),
          steps: steps[agent]!,
          actions: shares(actionCounts, agent * A, steps[agent]!),
          flags: Object.fromEntries(
            flagNames.map((name, f) => {
              const n = flagSteps[agent * F + f]!;
              return [name, { steps: n, actions: shares(flagActions, (agent * F + f) * A, n) }];
            }),
          ),
        }),
      );
      clear();
      return out;
    },
  };
}
