import { z } from 'zod';
import { AGENT_EXCISE_RESULT_KIND, AGENT_EXCISE_RESULT_VERSION } from './result-kinds.js';
import { count, header, statistic, timing } from './schema-parts.js';

export const agentEnvironment = (what: string) =>
  z
    .object({
      name: z.string().describe('The environment, e.g. gathering.'),
      settings: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).describe('Its settings, e.g. regrowth.'),
    })
    .describe(what);

const figures = {
  forget: statistic().describe(
    'P(the forget behaviour’s actions | its flag), from the actions taken (aggression: P(fire | other in range)).',
  ),
  rate: statistic().describe('Share of all steps spent on the forget behaviour’s actions (the beam rate).'),
  retain: statistic().describe('The retain behaviour per episode (task competence: apples collected).'),
  return: statistic().describe('Mean return per episode.'),
};

export const agentTeam = (what: string) =>
  z
    .object({ ...figures, agents: z.array(z.object(figures)).min(1).describe('Each agent.') })
    .describe(`${what}: means over the agents, measured by rollouts in the behaviour's environment.`);

const curvePoint = z.object({ update: count(0), ...figures });

const curve = (what: string) =>
  z
    .array(curvePoint)
    .min(1, { error: 'is empty, expected at least one point' })
    .describe(`${what}: the team measured in the behaviour's environment every few PPO updates, from update 0.`);

const recoveryStats = z
  .object({
    stepsToHalf: count(0).nullable().describe('Updates until the forget figure regained half of what pruning removed; null: never.'),
    forgetArea: statistic().describe('Mean forget figure over the curve.'),
    finalForget: statistic(),
    finalRetain: statistic(),
  })
  .describe('Summary of the curve.');

const excisionMethod = z.enum(['module', 'random', 'magnitude', 'selective', 'none']);

export const agentBehaviour = z.object({
  name: z.string(),
  kind: z.enum(['action', 'event']),
  description: z.string().describe('What is measured, in words.'),
});

export const agentModule = z.object({
  layer: z.string().describe('The dense layer that owns the units.'),
  cluster: count(0),
  size: count(1),
  layerUnits: count(1),
  units: z.array(count(0)),
  forgetDrop: statistic().describe('Drop of P(forget actions | flag) on the recorded states when the module is silenced.'),
  retainDrop: statistic().describe('1 − agreement with the intact greedy action on the other recorded states.'),
  score: statistic().describe('forgetDrop − retainDrop (method §10).'),
  behaviours: z
    .record(z.string(), statistic())
    .describe('Per behaviour, the drop the lesion causes: action behaviours on the recorded states, event behaviours by rollouts.'),
  random: z.record(z.string(), z.array(statistic())).describe('Per behaviour, the drops of random same-size lesions of the same layer.'),
  p: z
    .record(z.string(), statistic())
    .describe(
      'Per behaviour, one-sided p: (1 + random lesions that lowered it at least as much) / (random + 1); null where the drop is not defined.',
    ),
});

const frames = z.object({
  label: z.string().describe('Whose episode: intact, module pruning, module pruning fine-tuned.'),
  figures: z.array(z.object({ return: statistic(), events: z.record(z.string(), statistic()) })).describe('Per agent, over the episode.'),
  width: count(1),
  height: count(1),
  legend: z.record(z.string(), z.string()),
  frames: z.array(z.object({ step: count(0), text: z.string(), rgb: z.string().describe('height × width × 3 bytes, base64.') })).min(1),
});

/** `modscope excise DIR --env NAME --forget behaviour:NAME --json FILE`: module pruning of a behaviour of agents (method §10, §6). */
export const agentExciseResultSchema = z
  .object({
    ...header(AGENT_EXCISE_RESULT_KIND, AGENT_EXCISE_RESULT_VERSION),
    model: z.string().describe('The trained agents: the directory modscope train --env wrote, or a name.'),
    environment: agentEnvironment('Where the behaviour was learned and is measured (e.g. scarcity).'),
    trusted: agentEnvironment('Where fine-tuning runs (e.g. abundance, or a beam that costs reward).'),
    behaviours: z.object({
      forget: agentBehaviour
        .extend({ actions: z.array(z.string()).min(1), flag: z.string().nullable() })
        .describe('The behaviour removed.'),
      retain: agentBehaviour.extend({ event: z.string() }).describe('Task competence.'),
      all: z.array(agentBehaviour).describe('Every behaviour of the lesion table.'),
    }),
    seed: z.number(),
    updates: count(0).describe('PPO updates of fine-tuning in the trusted environment.'),
    evaluateEvery: count(1),
    ppo: z
      .object({ games: count(1), rolloutLength: count(1), learningRate: z.number(), anneal: z.boolean() })
      .describe('Fine-tuning’s PPO settings.'),
    measure: z.object({ games: count(1), episodes: count(1), seed: z.number() }).describe('The rollouts every figure is measured by.'),
    record: z.object({ games: count(1), episodes: count(1), seed: z.number() }).describe('The rollout whose states score the modules.'),
    budgets: z.array(count(1)).describe('Per agent, the most units module pruning could remove.'),
    target: statistic().describe('P(forget actions | flag) module pruning stops at: the never-trained agents’ (0 without them).'),
    finding: z
      .string()
      .nullable()
      .describe(
        'Why module pruning removed nothing, when no module of any agent carries the behaviour (then only fine-tuning without pruning, the floor and the relearning attack run); null otherwise.',
      ),
    intact: agentTeam('The agents before pruning').extend({
      states: z.array(z.record(z.string(), statistic())).describe('Per agent, every action behaviour on its recorded states.'),
      events: z.array(z.record(z.string(), statistic())).describe('Per agent, every event behaviour per episode.'),
    }),
    agents: z
      .array(
        z.object({
          agent: count(0),
          partition: z.object({ source: z.string(), k: count(1) }),
          states: count(0).describe('Recorded states the modules were scored on.'),
          modules: z
            .array(agentModule.extend({ chosen: z.boolean().describe('Removed by module pruning.') }))
            .describe('The lesion table by behaviour: every module of the policy’s hidden layers.'),
          reached: statistic().describe(
            'P(forget actions | flag) on the recorded states with the chosen modules silenced; null: none chosen.',
          ),
        }),
      )
      .min(1),
    methods: z
      .array(
        z.object({
          method: excisionMethod,
          name: z.string(),
          baseline: z.boolean(),
          units: count(0).describe('Units pruned, over all agents.'),
          selection: z
            .array(z.array(z.object({ layer: z.string(), units: z.array(count(0)) })))
            .describe('Per agent, the units pruned layer by layer.'),
          pruned: curvePoint.describe('Right after pruning, before fine-tuning.'),
          curve: curve('Fine-tuning in the trusted environment, pruned units held at zero'),
          stats: recoveryStats,
          weightDistance: statistic().describe('L2 distance of the fine-tuned policies’ weights from the originals.'),
        }),
      )
      .min(1, { error: 'is empty, expected at least one method' }),
    floor: z
      .object({
        figures: agentTeam('The never-trained agents'),
        updates: count(0).describe('PPO updates in the trusted environment only.'),
        comparable: z.boolean().describe('False when their task competence is more than 10% below the intact agents’: no floor then.'),
        note: z.string(),
      })
      .nullable()
      .describe('Agents trained only in the trusted environment, with the original recipe; null: not run.'),
    relearning: z.array(
      z.object({
        model: z.enum([...excisionMethod.options, 'never-trained']),
        updates: count(1).describe('PPO updates in the behaviour’s own environment.'),
        curve: curve('The attack'),
        stats: recoveryStats,
        retainDrop: statistic(),
        degenerate: z.boolean().describe('Task competence fell by more than 10% during the attack.'),
      }),
    ),
    episodes: z.array(frames).describe('One episode of the intact, the module-pruned and the fine-tuned agents, as frames.'),
    timings: z.record(z.string(), timing()).describe('Seconds per stage.'),
  })
  .describe(
    'Module pruning of a behaviour of agents in a multi-agent environment, with fine-tuning, baselines, floor and relearning attack (method §10).',
  );

export type AgentExciseResultFile = z.infer<typeof agentExciseResultSchema>;
