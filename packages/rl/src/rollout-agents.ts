import * as tf from '@tensorflow/tfjs';
import { createRandom, InvalidArgumentError, type Environment, type EnvironmentFrame, type Network } from '@modscope/core';
import { selectBackend, type BackendName } from '@modscope/tfjs-runtime';
import type { LayerMask } from '@modscope/train';
import { checkAgentNetwork } from './agent-networks.js';
import { agentRows, chooseActions, logSoftmaxRows } from './agent-rows.js';
import { createStatisticsTally, type AgentStatistics } from './agent-statistics.js';
import { resolveHeldMasks } from './held-masks.js';
import { createMlp, type Mlp } from './mlp.js';

/** The same stream numbers as training's, for the environment and the actions. */
const STREAM = { environment: 2, actions: 3 } as const;

export const ROLLOUT_AGENTS_DEFAULTS = Object.freeze({ games: 32, episodes: 1, seed: 0, greedy: false, record: false });

export interface RolloutAgentsOptions {
  /** (number, default 32) — games played side by side. */
  games?: number;
  /** (number, default 1) — episodes each game plays: statistics cover `games × episodes` episodes per agent. */
  episodes?: number;
  /** (number, default 0) — seed of the environment and of the sampled actions. */
  seed?: number;
  /** (boolean, default false) — take each policy's most probable action instead of sampling. */
  greedy?: boolean;
  /** (boolean, default false) — keep every state each agent acted in (`recordings`). */
  record?: boolean;
  /** Per agent, weights of its policy held at zero for the rollout (a lesioned policy; `LayerMask` of `@modscope/train`). */
  masks?: readonly (readonly LayerMask[] | undefined)[];
  /** (`'auto' | 'tensorflow' | 'wasm' | 'cpu'`, default `'auto'`) — the tfjs backend. */
  backend?: BackendName | 'auto';
  /** Stops the rollout (the promise rejects with the signal's reason) at the next step. */
  signal?: AbortSignal;
  /**
   * (default none) — render game `game` (default 0) of the first episode every `every` steps, from its first
   * state, for people (`frames` of the result).
   */
  frames?: { every: number; game?: number };
}

/**
 * The states one agent acted in, in play order: state i is step ⌊i / games⌋ (counted over successive episodes)
 * of game i mod games.
 */
export interface RecordedStates {
  count: number;
  /** `count × observationSize`: what the agent observed. */
  observations: Float32Array;
  /** Per environment flag, 1 where it was set. */
  flags: Record<string, Uint8Array>;
  /** The action taken. */
  actions: Int32Array;
  /** `count × actions.length`: the policy's action probabilities (with the masks, when given). */
  probabilities: Float32Array;
}

export interface RolloutAgentsResult {
  /** Per agent, over all `games × episodes` episodes. */
  agents: AgentStatistics[];
  /** Per agent, with `record`; null otherwise. */
  recordings: RecordedStates[] | null;
  /** Environment steps taken, summed over games. */
  steps: number;
  /** With `frames`: the rendered states of one game of the first episode, and the step each shows. */
  frames: { step: number; frame: EnvironmentFrame }[] | null;
}

function positive(argument: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError({ argument, message: `@modscope/rl: ${argument} must be a whole number ≥ 1, got ${value}.` });
  }
  return value;
}

/**
 * Plays `policies` (one per agent, no training) for `episodes` episodes in each of `games` games and returns
 * each agent's statistics: mean return and events per episode, action shares, P(action | flag) — and, with
 * `record`, every state it acted in with its action probabilities, for scoring modules on recorded states
 * (method §10). Sampled actions draw from `createRandom(seed)`; the same seed gives the same result.
 */
export async function rolloutAgents(
  environment: Environment,
  policies: readonly Network[],
  options: RolloutAgentsOptions = {},
): Promise<RolloutAgentsResult> {
  const d = ROLLOUT_AGENTS_DEFAULTS;
  const games = positive('games', options.games ?? d.games);
  const episodes = positive('episodes', options.episodes ?? d.episodes);
  const greedy = options.greedy ?? d.greedy;
  const record = options.record ?? d.record;
  const N = environment.agentCount;
  if (policies.length !== N) {
    throw new InvalidArgumentError({
      argument: 'policies',
      message: `@modscope/rl: ${policies.length} policies given, but environment '${environment.name}' has ${N} agents.`,
      hint: 'Give one policy network per agent.',
    });
  }
  if ((options.masks?.length ?? 0) > N) {
    throw new InvalidArgumentError({
      argument: 'masks',
      message: `@modscope/rl: masks has ${options.masks!.length} entries, but environment '${environment.name}' has ${N} agents.`,
      hint: 'Give one entry per agent.',
    });
  }
  const checked = policies.map((policy, agent) => {
    const layers = checkAgentNetwork(policy, environment, agent, 'policy');
    return { layers, held: resolveHeldMasks(policy, layers, options.masks?.[agent] ?? [], `agent ${agent}'s policy`) };
  });
  await selectBackend(options.backend && options.backend !== 'auto' ? { backend: options.backend } : {});

  const O = environment.observationSize;
  const A = environment.actions.length;
  const root = createRandom(options.seed ?? d.seed);
  const batch = environment.createBatch({ games, seed: root.fork(STREAM.environment).nextUint32() });
  const randoms = Array.from({ length: N }, (_, a) => (greedy ? null : root.fork(STREAM.actions).fork(a)));
  const tally = createStatisticsTally(environment, games);
  const all = new Float32Array(games * N * O);
  const rows = new Float32Array(games * O);
  const flags = environment.flags.map(() => new Uint8Array(games * N));
  const actions = new Int32Array(games * N);
  const rewards = new Float32Array(games * N);
  const events = new Float32Array(games * N * environment.events.length);
  const logProbabilities = new Float32Array(games * A);
  const count = games * episodes * environment.episodeLength;
  const recordings: RecordedStates[] | null = record
    ? checked.map(() => ({
        count,
        observations: new Float32Array(count * O),
        flags: Object.fromEntries(environment.flags.map((name) => [name, new Uint8Array(count)])),
        actions: new Int32Array(count),
        probabilities: new Float32Array(count * A),
      }))
    : null;
  const frameEvery = options.frames ? positive('frames.every', options.frames.every) : 0;
  const frameGame = options.frames?.game ?? 0;
  if (options.frames && !(Number.isInteger(frameGame) && frameGame >= 0 && frameGame < games))
    throw new InvalidArgumentError({
      argument: 'frames.game',
      message: `@modscope/rl: frames.game must be a game of the rollout (0 to ${games - 1}), got ${frameGame}.`,
    });
  const frames: { step: number; frame: EnvironmentFrame }[] | null = options.frames ? [] : null;
  const mlps: Mlp[] = [];
  try {
    for (const c of checked) mlps.push(createMlp(c.layers, c.held));
    let step = 0;
    for (let episode = 0; episode < episodes; episode++) {
      let done = false;
      while (!done) {
        options.signal?.throwIfAborted();
        if (frames && episode === 0 && step % frameEvery === 0) frames.push({ step, frame: batch.render(frameGame) });
        batch.observe(all);
        for (const [f, name] of environment.flags.entries()) batch.flag(name, flags[f]!);
        for (let a = 0; a < N; a++) {
          agentRows(all, N, a, O, rows, 0);
          const x = tf.tensor2d(rows, [games, O]);
          try {
            logSoftmaxRows(mlps[a]!.output(x), A, logProbabilities);
          } finally {
            x.dispose();
          }
          chooseActions(logProbabilities, A, randoms[a]!, actions, N, a);
          const r = recordings?.[a];
          if (r) {
            const at = step * games;
            r.observations.set(rows, at * O);
            for (let i = 0; i < games * A; i++) r.probabilities[at * A + i] = Math.exp(logProbabilities[i]!);
            for (let g = 0; g < games; g++) {
              r.actions[at + g] = actions[g * N + a]!;
              environment.flags.forEach((name, f) => {
                r.flags[name]![at + g] = flags[f]![g * N + a]!;
              });
            }
          }
        }
        tally.act(actions, flags);
        done = batch.step(actions, rewards, events);
        tally.reward(rewards);
        step++;
        if (step > episodes * environment.episodeLength) {
          throw new InvalidArgumentError({
            argument: 'environment',
            message: `@modscope/rl: environment '${environment.name}' did not end an episode after its episodeLength of ${environment.episodeLength} steps.`,
            hint: 'Its batch must return true from step() every episodeLength steps.',
          });
        }
      }
      tally.endEpisode(events);
    }
    return { agents: tally.take(), recordings, steps: step * games, frames };
  } finally {
    for (const m of mlps) m.dispose();
  }
}
