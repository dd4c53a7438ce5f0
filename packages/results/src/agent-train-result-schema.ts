import { z } from 'zod';
import { AGENT_TRAIN_RESULT_KIND, AGENT_TRAIN_RESULT_VERSION } from './result-kinds.js';
import { count, header, statistic } from './schema-parts.js';

const shares = (what: string) => z.record(z.string(), statistic()).describe(what);

/** What one agent did over a stretch of play (`AgentStatistics` of `@modscope/rl`). */
const agentStatistics = {
  episodes: count(0).describe('Episodes that ended within the stretch; the means per episode are over them.'),
  meanReturn: statistic().describe('Mean summed reward per episode; null when no episode ended.'),
  events: shares('Per event (apple, fire, tag, tagged …), its mean count per episode; null when no episode ended.'),
  steps: count(0).describe('Steps the agent acted in.'),
  actions: shares('Per action, its share of those steps (the beam rate is the share of fire).'),
  flags: z
    .record(
      z.string(),
      z.object({
        steps: count(0).describe('Steps in which the flag was set.'),
        actions: shares('P(action | flag) from the actions taken; null when steps is 0.'),
      }),
    )
    .describe('Per flag of the environment (other-in-range …): P(fire | other in range) is flags["other-in-range"].actions.fire.'),
};

const losses = z
  .object({
    policyLoss: statistic().describe('The clipped surrogate objective, negated.'),
    valueLoss: statistic(),
    entropy: statistic().describe('Mean entropy of the policy, nats.'),
    approxKl: statistic(),
    clipFraction: statistic(),
  })
  .describe('Means over the update’s minibatches.');

const checkpoint = z.object({
  onnx: z.string().describe('model.onnx, relative to the directory of train.json.'),
  tfjs: z.string().describe('The TF.js model.json (weights.bin beside it), relative likewise.'),
});

const evaluated = z.object({ ...agentStatistics }).describe('Over every episode of the evaluation.');

const returnSummary = z.object({
  mean: statistic(),
  standardError: statistic().describe('Of the mean, from the spread of the per-round means (one round per episode of every game).'),
});

/** `train.json` of `modscope train --env NAME`: independent PPO agents trained in a multi-agent environment (method §10). */
export const agentTrainResultSchema = z
  .object({
    ...header(AGENT_TRAIN_RESULT_KIND, AGENT_TRAIN_RESULT_VERSION),
    environment: z
      .object({
        name: z.string().describe('The environment, e.g. gathering.'),
        settings: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).describe('Its settings, e.g. regrowth.'),
        agentCount: count(1),
        observationSize: count(1),
        episodeLength: count(1),
        actions: z.array(z.string()).min(1).describe('Action names in the order of the policy’s outputs.'),
        events: z.array(z.string()),
        flags: z.array(z.string()),
      })
      .describe('Where the agents were trained.'),
    ppo: z
      .object({
        seed: z.number(),
        hidden: z.array(count(1)).describe('Hidden layer sizes of the policy and value networks.'),
        games: count(1),
        rolloutLength: count(1),
        updates: count(0),
        epochs: count(1),
        minibatches: count(1),
        learningRate: z.number(),
        anneal: z.boolean(),
        gamma: z.number(),
        lambda: z.number(),
        clip: z.number(),
        clipValue: z.boolean(),
        normalizeAdvantages: z.boolean(),
        entropyCoefficient: z.number(),
        valueCoefficient: z.number(),
        maxGradNorm: z.number(),
      })
      .describe('Every PPO setting of the run (trainAgents of @modscope/rl), defaults filled in.'),
    steps: count(0).describe('Environment steps, summed over games (agent-steps are this × agentCount).'),
    history: z
      .array(
        z.object({
          update: count(1),
          steps: count(0),
          learningRate: z.number(),
          agents: z.array(z.object({ ...agentStatistics, losses })).min(1),
        }),
      )
      .describe('One entry per update: per agent, what it did in the update’s rollout and how its networks moved.'),
    evaluation: z
      .object({
        games: count(1),
        episodes: count(1).describe('Episodes per game, each played as its own seeded round of every game.'),
        seed: z.number(),
        greedy: z.boolean().describe('False: actions sampled from the policies, as in training.'),
        trained: z.array(evaluated).min(1).describe('Per agent, the trained agents playing together.'),
        random: z
          .array(evaluated)
          .min(1)
          .describe('Per agent, uniformly random agents (every action equally likely) in the same games, with the same draws.'),
        comparison: z
          .array(
            z.object({
              trained: returnSummary,
              random: returnSummary,
              difference: statistic().describe('Mean return of the trained agent minus the random agent’s.'),
              standardError: statistic().describe('Of the difference.'),
              better: z.boolean().describe('Clearly better than random: the difference is positive and more than 3 standard errors.'),
            }),
          )
          .min(1)
          .describe('Per agent, return against the random agents’.'),
      })
      .describe('A seeded rollout of the trained agents and of random agents in the training environment.'),
    files: z
      .object({ agents: z.array(z.object({ policy: checkpoint, value: checkpoint })).min(1) })
      .describe('Per agent, its policy (agent-<i>/policy/) and value network (agent-<i>/value/).'),
    backend: z.string().describe('The tfjs backend that ran.'),
    seconds: z.number().min(0).describe('Wall-clock seconds of training and evaluation.'),
  })
  .describe('What modscope train --env wrote as train.json: agents trained with PPO in a multi-agent environment.');

/** A `modscope/agent-train` result file, version 1. */
export type AgentTrainResultFile = z.infer<typeof agentTrainResultSchema>;
