import { InvalidArgumentError, type Environment } from '@modscope/core';
import type { BackendName } from '@modscope/tfjs-runtime';
import type { LayerMask } from '@modscope/train';
import type { AgentNetworks } from './agent-networks.js';
import type { AgentStatistics } from './agent-statistics.js';

/** CleanRL's ppo.py defaults (its `--num-envs` is `games` here and 32, not 4: stepping a game is cheap). */
export const TRAIN_AGENTS_DEFAULTS = Object.freeze({
  seed: 0,
  hidden: Object.freeze([64, 64]) as readonly number[],
  games: 32,
  rolloutLength: 128,
  totalSteps: 500_000,
  epochs: 4,
  minibatches: 4,
  learningRate: 2.5e-4,
  anneal: true,
  gamma: 0.99,
  lambda: 0.95,
  clip: 0.2,
  clipValue: true,
  normalizeAdvantages: true,
  entropyCoefficient: 0.01,
  valueCoefficient: 0.5,
  maxGradNorm: 0.5,
});

export interface TrainAgentsOptions {
  /** (number, default 0) — seed of every random choice: initialization, the environment, actions, minibatches. */
  seed?: number;
  /** (number[], default [64, 64]) — hidden layer sizes of fresh policy and value networks. */
  hidden?: readonly number[];
  /** (number, default 32) — games played side by side; every forward pass serves all of them. */
  games?: number;
  /** (number, default 128) — steps of every game between updates (CleanRL's `num_steps`). */
  rolloutLength?: number;
  /** (number) — updates to run; overrides `totalSteps`. 0 returns the starting networks. */
  updates?: number;
  /** (number, default 500,000) — environment steps (summed over games) to train for, rounded up to whole updates. */
  totalSteps?: number;
  /** (number, default 4) — passes over each rollout (CleanRL's `update_epochs`). */
  epochs?: number;
  /** (number, default 4) — minibatches per pass (CleanRL's `num_minibatches`). */
  minibatches?: number;
  /** (number, default 2.5e-4) — Adam's learning rate. */
  learningRate?: number;
  /** (boolean, default true) — decay the learning rate linearly to 0 over the updates (CleanRL's `anneal_lr`). */
  anneal?: boolean;
  /** (number, default 0.99) — discount γ. */
  gamma?: number;
  /** (number, default 0.95) — GAE λ. */
  lambda?: number;
  /** (number, default 0.2) — clipping ε of the probability ratio (and of the value change, with `clipValue`). */
  clip?: number;
  /** (boolean, default true) — clip the value loss as CleanRL's `clip_vloss`. */
  clipValue?: boolean;
  /** (boolean, default true) — normalize advantages per minibatch (CleanRL's `norm_adv`). */
  normalizeAdvantages?: boolean;
  /** (number, default 0.01) — weight of the entropy bonus. */
  entropyCoefficient?: number;
  /** (number, default 0.5) — weight of the value loss. */
  valueCoefficient?: number;
  /** (number, default 0.5) — the global L2 norm gradients are clipped to (policy and value together). */
  maxGradNorm?: number;
  /**
   * Per agent, starting networks (fine-tuning): a `policy` and/or a `value` network; a missing one is made
   * fresh. Each must be a plain dense ReLU MLP with the environment's sizes.
   */
  initial?: readonly (Partial<AgentNetworks> | undefined)[];
  /**
   * Per agent, weights of the policy network held at zero throughout training (`LayerMask` of
   * `@modscope/train`): a unit mask holds the unit's incoming weights, bias and outgoing weights.
   */
  masks?: readonly (readonly LayerMask[] | undefined)[];
  /** (`'auto' | 'tensorflow' | 'wasm' | 'cpu'`, default `'auto'`) — the tfjs backend (`selectBackend` of `@modscope/tfjs-runtime`). */
  backend?: BackendName | 'auto';
  /** Called after every update. */
  onProgress?: (progress: TrainAgentsProgress) => void;
  /** Stops training (the promise rejects with the signal's reason) at the next step. */
  signal?: AbortSignal;
}

/** The optimization statistics of one agent's update, means over its minibatches. */
export interface PpoLosses {
  /** The clipped surrogate objective, negated (what was minimized). */
  policyLoss: number;
  /** ½ · mean squared error of the value (clipped as CleanRL's when `clipValue`). */
  valueLoss: number;
  /** Mean entropy of the policy (nats). */
  entropy: number;
  /** mean((r − 1) − log r), r the probability ratio: an estimate of KL(old ‖ new). */
  approxKl: number;
  /** Share of samples whose ratio was clipped (|r − 1| > clip). */
  clipFraction: number;
}

/** One agent in one update: what it did in the update's rollout and how its networks moved. */
export interface AgentUpdateStatistics extends AgentStatistics {
  losses: PpoLosses;
}

/** One update of the training history. */
export interface AgentUpdate {
  /** 1, 2, … */
  update: number;
  /** Environment steps so far, summed over games (agent-steps are this × agentCount). */
  steps: number;
  /** The learning rate of this update. */
  learningRate: number;
  /** Per agent; episode statistics count only the episodes that ended within this update's rollout. */
  agents: AgentUpdateStatistics[];
}

export interface TrainAgentsProgress {
  update: number;
  updates: number;
  /** The update just finished. */
  record: AgentUpdate;
  /** Copies of every agent's networks as they are after this update (call it only where a snapshot is wanted). */
  networks(): AgentNetworks[];
}

/** Every setting a run used, for a training record. */
export interface PpoSettings {
  environment: { name: string; settings: Readonly<Record<string, number | string | boolean>> };
  seed: number;
  hidden: number[];
  games: number;
  rolloutLength: number;
  updates: number;
  epochs: number;
  minibatches: number;
  learningRate: number;
  anneal: boolean;
  gamma: number;
  lambda: number;
  clip: number;
  clipValue: boolean;
  normalizeAdvantages: boolean;
  entropyCoefficient: number;
  valueCoefficient: number;
  maxGradNorm: number;
}

export interface TrainAgentsResult {
  /** Per agent, the trained policy and value networks. */
  agents: AgentNetworks[];
  /** One entry per update. */
  history: AgentUpdate[];
  settings: PpoSettings;
  /** Environment steps taken, summed over games. */
  steps: number;
  /** The tfjs backend that ran. */
  backend: string;
  seconds: number;
}

const pkg = '@modscope/rl';

function invalid(argument: string, message: string, hint?: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument, message: `${pkg}: ${message}`, ...(hint ? { hint } : {}) });
}

function integer(argument: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw invalid(argument, `${argument} must be a whole number ≥ ${min}, got ${value}.`);
  return value;
}

function within(argument: string, value: number, min: number, max: number): number {
  if (!(value >= min && value <= max)) throw invalid(argument, `${argument} must be in [${min}, ${max}], got ${value}.`);
  return value;
}

/** The options with defaults filled in, checked. */
export function ppoSettings(environment: Environment, options: TrainAgentsOptions): PpoSettings {
  const d = TRAIN_AGENTS_DEFAULTS;
  const hidden = [...(options.hidden ?? d.hidden)];
  for (const h of hidden) integer('hidden', h, 1);
  const games = integer('games', options.games ?? d.games, 1);
  const rolloutLength = integer('rolloutLength', options.rolloutLength ?? d.rolloutLength, 1);
  if (options.updates !== undefined && options.totalSteps !== undefined)
    throw invalid('updates', 'both updates and totalSteps were given.', 'Give one of them.');
  const updates =
    options.updates !== undefined
      ? integer('updates', options.updates, 0)
      : Math.ceil(integer('totalSteps', options.totalSteps ?? d.totalSteps, 0) / (games * rolloutLength));
  const minibatches = integer('minibatches', options.minibatches ?? d.minibatches, 1);
  if (minibatches > games * rolloutLength)
    throw invalid(
      'minibatches',
      `${minibatches} minibatches cannot be made from ${games * rolloutLength} samples (games × rolloutLength).`,
    );
  for (const [name, list] of [
    ['initial', options.initial],
    ['masks', options.masks],
  ] as const) {
    if (list !== undefined && list.length > environment.agentCount)
      throw invalid(
        name,
        `${name} has ${list.length} entries, but environment '${environment.name}' has ${environment.agentCount} agents.`,
        'Give one entry per agent.',
      );
  }
  return {
    environment: { name: environment.name, settings: { ...environment.settings } },
    seed: options.seed ?? d.seed,
    hidden,
    games,
    rolloutLength,
    updates,
    epochs: integer('epochs', options.epochs ?? d.epochs, 1),
    minibatches,
    learningRate: within('learningRate', options.learningRate ?? d.learningRate, 0, Number.POSITIVE_INFINITY),
    anneal: options.anneal ?? d.anneal,
    gamma: within('gamma', options.gamma ?? d.gamma, 0, 1),
    lambda: within('lambda', options.lambda ?? d.lambda, 0, 1),
    clip: within('clip', options.clip ?? d.clip, 0, Number.POSITIVE_INFINITY),
    clipValue: options.clipValue ?? d.clipValue,
    normalizeAdvantages: options.normalizeAdvantages ?? d.normalizeAdvantages,
    entropyCoefficient: within('entropyCoefficient', options.entropyCoefficient ?? d.entropyCoefficient, 0, Number.POSITIVE_INFINITY),
    valueCoefficient: within('valueCoefficient', options.valueCoefficient ?? d.valueCoefficient, 0, Number.POSITIVE_INFINITY),
    maxGradNorm: within('maxGradNorm', options.maxGradNorm ?? d.maxGradNorm, Number.MIN_VALUE, Number.POSITIVE_INFINITY),
  };
}
