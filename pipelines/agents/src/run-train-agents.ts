import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { cloneNetwork, type Environment, type Network } from '@modscope/core';
import type { AgentTrainResultFile } from '@modscope/results';
import { AGENT_TRAIN_RESULT_KIND, AGENT_TRAIN_RESULT_VERSION, resultJsonText } from '@modscope/results/format';
import {
  rolloutAgents,
  trainAgents,
  TRAIN_AGENTS_DEFAULTS,
  type AgentStatistics,
  type TrainAgentsOptions,
  type TrainAgentsProgress,
} from '@modscope/rl';
import { saveCheckpoint } from '@modscope/training-run';

/**
 * The defaults of `runTrainAgents`: 300 updates of 32 games × 128 steps (about 1.2 million environment steps,
 * a minute and a half on one core for Gathering's two agents), then an evaluation of 32 games × 4 episodes.
 */
export const AGENT_TRAIN_DEFAULTS = Object.freeze({
  seed: 0,
  updates: 300,
  games: TRAIN_AGENTS_DEFAULTS.games,
  rolloutLength: TRAIN_AGENTS_DEFAULTS.rolloutLength,
  hidden: TRAIN_AGENTS_DEFAULTS.hidden,
  learningRate: TRAIN_AGENTS_DEFAULTS.learningRate,
  evaluation: Object.freeze({ games: 32, episodes: 4 }),
});

/** The PPO settings `runTrainAgents` passes through to `trainAgents` unchanged (defaults there). */
export type AgentPpoOptions = Pick<
  TrainAgentsOptions,
  | 'epochs'
  | 'minibatches'
  | 'anneal'
  | 'gamma'
  | 'lambda'
  | 'clip'
  | 'clipValue'
  | 'normalizeAdvantages'
  | 'entropyCoefficient'
  | 'valueCoefficient'
  | 'maxGradNorm'
>;

export interface TrainAgentsRunOptions {
  /** The environment to train in (an `Environment` of `@modscope/core`, e.g. `createGatheringEnvironment({ regrowth: 0.02 })`). */
  environment: Environment;
  /** Where `agent-<i>/policy/`, `agent-<i>/value/` and `train.json` go; created if missing. */
  out: string;
  /** (number, default 0) — seed of every random choice of training; the evaluation's too, unless it has its own. */
  seed?: number;
  /** (number, default 300) — PPO updates. */
  updates?: number;
  /** (number, default 32) — games played side by side in training. */
  games?: number;
  /** (number, default 128) — steps of every game between updates. */
  rolloutLength?: number;
  /** (number[], default [64, 64]) — hidden layer sizes of the policy and value networks. */
  hidden?: readonly number[];
  /** (number, default 2.5e-4) — Adam's learning rate, annealed linearly to 0. */
  learningRate?: number;
  /** Every other PPO setting (`trainAgents` of `@modscope/rl`; its defaults where missing). */
  ppo?: AgentPpoOptions;
  /**
   * (default `{ games: 32, episodes: 4, seed: seed + 1 }`) — the final evaluation: `episodes` rounds of
   * `games` games of one episode, round r with seed `seed + r`, actions sampled, played by the trained agents
   * and by uniformly random agents alike.
   */
  evaluation?: { games?: number; episodes?: number; seed?: number };
  /** (`'auto' | 'tensorflow' | 'wasm' | 'cpu'`, default `'auto'`) — the tfjs backend. */
  backend?: TrainAgentsOptions['backend'];
  /** Called once the settings are known, before training. */
  onPlan?: (plan: AgentTrainPlan) => void;
  /** Called after every PPO update (`trainAgents`' `onProgress`). */
  onProgress?: (progress: TrainAgentsProgress) => void;
  /** Stops training (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** What a run is about to do, for the caller to report before training starts. */
export interface AgentTrainPlan {
  environment: string;
  settings: Readonly<Record<string, number | string | boolean>>;
  agents: number;
  observationSize: number;
  actions: readonly string[];
  hidden: readonly number[];
  updates: number;
  games: number;
  rolloutLength: number;
  /** Environment steps of training, summed over games (`updates × games × rolloutLength`). */
  steps: number;
}

/**
 * A policy that picks every action with the same probability: `policy` with its output layer's weights and
 * bias at zero (all logits 0). Same layers as `policy`, so it plays in the same rollouts.
 */
export function uniformPolicy(policy: Network): Network {
  const network = cloneNetwork(policy);
  const output = network.layers.filter((layer) => layer.kind === 'dense').at(-1);
  if (output?.kind === 'dense') {
    output.kernel.fill(0);
    output.bias?.fill(0);
  }
  return { ...network, name: `${policy.name}-uniform` };
}

const weighted = (parts: readonly { weight: number; value: number }[]) => {
  const counted = parts.filter((p) => p.weight > 0);
  const total = counted.reduce((s, p) => s + p.weight, 0);
  return total > 0 ? counted.reduce((s, p) => s + p.weight * p.value, 0) / total : Number.NaN;
};

const byName = (names: readonly string[], value: (name: string) => number) => Object.fromEntries(names.map((n) => [n, value(n)]));

/** One agent's statistics over several rounds of play, as if they were one stretch. */
function mergeStatistics(rounds: readonly AgentStatistics[]): AgentStatistics {
  const first = rounds[0]!;
  const perEpisode = (value: (s: AgentStatistics) => number) => weighted(rounds.map((s) => ({ weight: s.episodes, value: value(s) })));
  const perStep = (value: (s: AgentStatistics) => number) => weighted(rounds.map((s) => ({ weight: s.steps, value: value(s) })));
  const actions = Object.keys(first.actions);
  return {
    episodes: rounds.reduce((n, s) => n + s.episodes, 0),
    meanReturn: perEpisode((s) => s.meanReturn),
    events: byName(Object.keys(first.events), (e) => perEpisode((s) => s.events[e]!)),
    steps: rounds.reduce((n, s) => n + s.steps, 0),
    actions: byName(actions, (a) => perStep((s) => s.actions[a]!)),
    flags: Object.fromEntries(
      Object.keys(first.flags).map((f) => [
        f,
        {
          steps: rounds.reduce((n, s) => n + s.flags[f]!.steps, 0),
          actions: byName(actions, (a) => weighted(rounds.map((s) => ({ weight: s.flags[f]!.steps, value: s.flags[f]!.actions[a]! })))),
        },
      ]),
    ),
  };
}

const mean = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / values.length;

/** Standard error of the mean of `values` (NaN for fewer than two). */
function standardError(values: readonly number[]): number {
  if (values.length < 2) return Number.NaN;
  const m = mean(values);
  return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1) / values.length);
}

type Evaluation = AgentTrainResultFile['evaluation'];

/** The trained and the uniformly random agents, round by round in the same games with the same draws. */
async function evaluate(
  environment: Environment,
  policies: readonly Network[],
  settings: { games: number; episodes: number; seed: number; backend: TrainAgentsOptions['backend'] },
  signal: AbortSignal | undefined,
): Promise<Evaluation> {
  const random = policies.map(uniformPolicy);
  const trainedRounds: AgentStatistics[][] = [];
  const randomRounds: AgentStatistics[][] = [];
  for (let round = 0; round < settings.episodes; round++) {
    const options = {
      games: settings.games,
      episodes: 1,
      seed: settings.seed + round,
      ...(settings.backend ? { backend: settings.backend } : {}),
      ...(signal ? { signal } : {}),
    };
    trainedRounds.push((await rolloutAgents(environment, policies, options)).agents);
    randomRounds.push((await rolloutAgents(environment, random, options)).agents);
  }
  const agents = policies.map((_, a) => a);
  const summary = (rounds: AgentStatistics[][], a: number) => {
    const returns = rounds.map((r) => r[a]!.meanReturn);
    return { mean: mean(returns), standardError: standardError(returns) };
  };
  return {
    games: settings.games,
    episodes: settings.episodes,
    seed: settings.seed,
    greedy: false,
    trained: agents.map((a) => mergeStatistics(trainedRounds.map((r) => r[a]!))),
    random: agents.map((a) => mergeStatistics(randomRounds.map((r) => r[a]!))),
    comparison: agents.map((a) => {
      // paired by round: both teams played the same games from the same seeds
      const differences = trainedRounds.map((r, i) => r[a]!.meanReturn - randomRounds[i]![a]!.meanReturn);
      const difference = mean(differences);
      const error = standardError(differences);
      return {
        trained: summary(trainedRounds, a),
        random: summary(randomRounds, a),
        difference,
        standardError: error,
        better: difference > 0 && difference > 3 * error,
      };
    }),
  };
}

/**
 * What `modscope train --env NAME` runs (method §10): trains `environment.agentCount` independent PPO agents
 * (`trainAgents` of `@modscope/rl`), writes each agent's policy as `agent-<i>/policy/model.onnx` and a TF.js
 * model (`model.json`, `weights.bin`) and its value network beside it (`agent-<i>/value/`), evaluates the
 * trained agents against uniformly random agents in the same seeded games, and writes `train.json`, the
 * `modscope/agent-train` result (version 1), which it returns. The same seed and options give the same
 * record, apart from `seconds`.
 */
export async function runTrainAgents(options: TrainAgentsRunOptions): Promise<AgentTrainResultFile> {
  const started = performance.now();
  const { environment } = options;
  const d = AGENT_TRAIN_DEFAULTS;
  const seed = options.seed ?? d.seed;
  const updates = options.updates ?? d.updates;
  const games = options.games ?? d.games;
  const rolloutLength = options.rolloutLength ?? d.rolloutLength;
  const hidden = options.hidden ?? d.hidden;
  options.onPlan?.({
    environment: environment.name,
    settings: environment.settings,
    agents: environment.agentCount,
    observationSize: environment.observationSize,
    actions: environment.actions,
    hidden,
    updates,
    games,
    rolloutLength,
    steps: updates * games * rolloutLength,
  });
  const trained = await trainAgents(environment, {
    ...options.ppo,
    seed,
    updates,
    games,
    rolloutLength,
    hidden,
    learningRate: options.learningRate ?? d.learningRate,
    ...(options.backend ? { backend: options.backend } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const evaluation = await evaluate(
    environment,
    trained.agents.map((a) => a.policy),
    {
      games: options.evaluation?.games ?? d.evaluation.games,
      episodes: options.evaluation?.episodes ?? d.evaluation.episodes,
      seed: options.evaluation?.seed ?? seed + 1,
      backend: options.backend,
    },
    options.signal,
  );

  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  const files: AgentTrainResultFile['files']['agents'] = [];
  for (const [i, agent] of trained.agents.entries()) {
    const saved = async (network: Network, role: 'policy' | 'value') => {
      const checkpoint = await saveCheckpoint(network, join(out, `agent-${i}`, role));
      return { onnx: relative(out, checkpoint.onnx!), tfjs: relative(out, checkpoint.modelJson) };
    };
    files.push({ policy: await saved(agent.policy, 'policy'), value: await saved(agent.value, 'value') });
  }
  const { environment: trainedIn, ...ppo } = trained.settings;
  const record: AgentTrainResultFile = {
    kind: AGENT_TRAIN_RESULT_KIND,
    version: AGENT_TRAIN_RESULT_VERSION,
    environment: {
      name: trainedIn.name,
      settings: { ...trainedIn.settings },
      agentCount: environment.agentCount,
      observationSize: environment.observationSize,
      episodeLength: environment.episodeLength,
      actions: [...environment.actions],
      events: [...environment.events],
      flags: [...environment.flags],
    },
    ppo,
    steps: trained.steps,
    history: trained.history,
    evaluation,
    files: { agents: files },
    backend: trained.backend,
    seconds: Math.round(performance.now() - started) / 1000,
  };
  await writeFile(join(out, 'train.json'), resultJsonText(record));
  return record;
}
