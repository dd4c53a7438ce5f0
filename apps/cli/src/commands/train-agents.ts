import { join, resolve } from 'node:path';
import { runTrainAgents, type AgentTrainPlan } from '@modscope/agents';
import type { Environment, EnvironmentBehaviour } from '@modscope/core';
import type { AgentTrainResultFile } from '@modscope/results';
import { environmentFor } from '../environments.js';
import { checkOutputs } from '../output-paths.js';
import { percent, print, printJson, table, thousands } from '../output.js';
import { UsageError } from '../usage-error.js';
import { agentTrainingBar } from './agent-training-bar.js';
import type { TrainTextCommandOptions } from './train-text.js';

export interface TrainAgentsCommandOptions extends TrainTextCommandOptions {
  env?: string;
  regrowth?: number;
  beamCost?: number;
  updates?: number;
}

/** The options of networks trained on data (classifiers, language models) that agents cannot take, by flag. */
const DATA_ONLY = {
  data: '--data',
  text: '--text',
  arch: '--arch',
  epochs: '--epochs',
  batchSize: '--batch-size',
  optimizer: '--optimizer',
  dropout: '--dropout',
  l1: '--l1',
  l2: '--l2',
  prune: '--prune',
  clusterableInit: '--clusterable-init',
  spectralReg: '--spectral-reg',
  spectralEvery: '--spectral-every',
  poison: '--poison',
  target: '--target',
  poisonFraction: '--poison-fraction',
  trigger: '--trigger',
  limit: '--limit',
  testLimit: '--test-limit',
  blocks: '--blocks',
  width: '--width',
  heads: '--heads',
  context: '--context',
  neurons: '--neurons',
  steps: '--steps',
  weightDecay: '--weight-decay',
} as const;

/** The options of agents, by flag: without --env they are a usage error. */
const ENV_ONLY = { regrowth: '--regrowth', beamCost: '--beam-cost', updates: '--updates' } as const;

function checkAgentOptions(options: TrainAgentsCommandOptions): string {
  if (options.env === undefined) {
    const flag = Object.entries(ENV_ONLY).find(([key]) => options[key as keyof typeof ENV_ONLY] !== undefined)![1];
    throw new UsageError({
      argument: flag,
      message: `${flag} is an option of agents trained in an environment (--env).`,
      hint: `Add --env gathering, or leave ${flag} out.`,
    });
  }
  for (const [key, flag] of Object.entries(DATA_ONLY)) {
    if (options[key as keyof typeof DATA_ONLY] !== undefined)
      throw new UsageError({
        argument: flag,
        message: `${flag} is an option of networks trained on data; --env trains agents in an environment.`,
        hint: `Leave ${flag} out.`,
      });
  }
  return options.env;
}

/** The numeric and boolean settings of an environment, in words (`regrowth 0.02, beamCost 0`); long strings (a map) left out. */
const settingsText = (settings: Readonly<Record<string, number | string | boolean>>) =>
  Object.entries(settings)
    .filter(([, value]) => typeof value !== 'string' || value.length <= 20)
    .map(([key, value]) => `${key} ${value}`)
    .join(', ');

function planLines(plan: AgentTrainPlan): string[] {
  return [
    `environment: ${plan.environment} (${settingsText(plan.settings)}), ${plan.agents} agents, ${plan.observationSize} observations, ${plan.actions.length} actions`,
    `training: ${thousands(plan.updates)} PPO updates of ${plan.games} games × ${plan.rolloutLength} steps (${thousands(plan.steps)} steps), policy ${[plan.observationSize, ...plan.hidden, plan.actions.length].join('-')} per agent`,
  ];
}

type ActionBehaviour = Extract<EnvironmentBehaviour, { kind: 'action' }>;
/** One agent's figures over the evaluation (null or NaN where nothing was counted). */
type AgentStatistics = AgentTrainResultFile['evaluation']['trained'][number];

/** The figures of the final table: return, each event behaviour per episode, each flagged action behaviour's rate and P(actions | flag). */
function columns(environment: Environment): { header: string; value: (s: AgentStatistics) => string }[] {
  const behaviours = Object.entries(environment.behaviours ?? {});
  const sum = (shares: Record<string, number | null>, actions: readonly string[]) =>
    actions.reduce((s, a) => s + (shares[a] ?? Number.NaN), 0);
  const number = (x: number | null, digits: number) => (x === null || Number.isNaN(x) ? '—' : x.toFixed(digits));
  const events = behaviours.flatMap(([, b]) => (b.kind === 'event' ? [b.event] : []));
  const actions = behaviours.filter((entry): entry is [string, ActionBehaviour] => entry[1].kind === 'action' && entry[1].flag !== null);
  return [
    { header: 'return', value: (s) => number(s.meanReturn, 2) },
    ...(events.length ? events : environment.events).map((event) => ({
      header: `${event}/episode`,
      value: (s: AgentStatistics) => number(s.events[event] ?? Number.NaN, 2),
    })),
    ...actions.flatMap(([name, b]) => [
      { header: `${name} rate`, value: (s: AgentStatistics) => percent(sum(s.actions, b.actions)) },
      {
        header: `P(${name} | ${b.flag})`,
        value: (s: AgentStatistics) => {
          const flagged = s.flags[b.flag!];
          return flagged && flagged.steps > 0 ? percent(sum(flagged.actions, b.actions)) : '—';
        },
      },
    ]),
  ];
}

function verdict(c: AgentTrainResultFile['evaluation']['comparison'][number], agent: number): string {
  const plusMinus = (mean: number | null, error: number | null) =>
    `${mean === null ? '—' : mean.toFixed(2)}${error === null ? '' : ` ± ${error.toFixed(2)}`}`;
  const difference = c.difference === null ? '—' : `${c.difference >= 0 ? '+' : ''}${c.difference.toFixed(2)}`;
  return `agent ${agent}: return ${plusMinus(c.trained.mean, c.trained.standardError)} against ${plusMinus(c.random.mean, c.random.standardError)} for random agents (${difference}${c.standardError === null ? '' : ` ± ${c.standardError.toFixed(2)}`}): ${c.better ? 'clearly better than random' : 'not clearly better than random'}`;
}

/**
 * `modscope train --env NAME`: trains independent PPO agents in a multi-agent environment (`runTrainAgents` of
 * `@modscope/agents`), which writes every agent's policy and value network (ONNX and TF.js) and `train.json`;
 * prints the plan, a progress bar and the trained agents against random agents.
 */
export async function trainAgentsCommand(options: TrainAgentsCommandOptions): Promise<void> {
  const name = checkAgentOptions(options);
  const environment = environmentFor(name, {
    ...(options.regrowth !== undefined ? { regrowth: options.regrowth } : {}),
    ...(options.beamCost !== undefined ? { beamCost: options.beamCost } : {}),
  });
  await checkOutputs({ dirs: { '--out': options.out } });
  const bar = agentTrainingBar(options.json ?? false, environment);
  let json: AgentTrainResultFile;
  try {
    json = await runTrainAgents({
      environment,
      out: options.out,
      seed: options.seed,
      ...(options.updates !== undefined ? { updates: options.updates } : {}),
      ...(options.lr !== undefined ? { learningRate: options.lr } : {}),
      onPlan: (plan) => {
        if (!options.json) for (const line of planLines(plan)) print(line);
      },
      onProgress: (p) => bar.update(p),
    });
  } finally {
    bar.stop();
  }
  if (options.json) return printJson(json);
  const { evaluation } = json;
  const figures = columns(environment);
  const rows = evaluation.trained.flatMap((trained, a) => [
    [String(a), 'trained', ...figures.map((f) => f.value(trained))],
    [String(a), 'random', ...figures.map((f) => f.value(evaluation.random[a]!))],
  ]);
  print();
  print(
    `evaluation: ${evaluation.episodes} episodes in each of ${evaluation.games} games (seed ${evaluation.seed}), actions sampled; random agents play the same games`,
  );
  print(table(['agent', 'agents', ...figures.map((f) => f.header)], rows));
  print();
  for (const [a, c] of evaluation.comparison.entries()) print(verdict(c, a));
  print(`${thousands(json.steps)} steps in ${json.seconds.toFixed(1)} s (${json.backend})`);
  print();
  const out = resolve(options.out);
  print(
    `wrote ${json.files.agents.map((_, i) => join(out, `agent-${i}`)).join(', ')} (policy and value, ONNX and TF.js) and ${join(out, 'train.json')}`,
  );
}
