import { z } from 'zod';
import { agentBehaviour, agentEnvironment, agentModule, agentTeam } from './agent-excise-result-schema.js';
import { AGENT_LESION_RESULT_KIND, AGENT_LESION_RESULT_VERSION } from './result-kinds.js';
import { count, header, statistic } from './schema-parts.js';

/** `modscope lesion DIR --env NAME --json FILE`: the lesion study of agents' policies by behaviour (method §5 with §10). */
export const agentLesionResultSchema = z
  .object({
    ...header(AGENT_LESION_RESULT_KIND, AGENT_LESION_RESULT_VERSION),
    model: z.string().describe('The trained agents: the directory modscope train --env wrote, or a name.'),
    environment: agentEnvironment('Where the agents are measured.'),
    behaviours: z.object({
      forget: agentBehaviour
        .extend({ actions: z.array(z.string()).min(1), flag: z.string().nullable() })
        .describe('The behaviour whose flag splits the recorded states for the module score.'),
      all: z.array(agentBehaviour).describe('Every behaviour of the lesion table.'),
    }),
    seed: z.number(),
    random: count(0).describe('Random same-size lesions per module.'),
    measure: z.object({ games: count(1), episodes: count(1), seed: z.number() }).describe('The rollouts event behaviours are measured by.'),
    record: z
      .object({ games: count(1), episodes: count(1), seed: z.number() })
      .describe('The rollout whose states action behaviours are read on.'),
    intact: agentTeam('The intact agents').extend({
      states: z.array(z.record(z.string(), statistic())).describe('Per agent, every action behaviour on its recorded states.'),
      events: z.array(z.record(z.string(), statistic())).describe('Per agent, every event behaviour per episode.'),
    }),
    agents: z
      .array(
        z.object({
          agent: count(0),
          partition: z.object({ source: z.string(), k: count(1) }),
          states: count(0),
          modules: z.array(agentModule),
        }),
      )
      .min(1),
    seconds: z.number().min(0),
  })
  .describe('The lesion table of agents’ policies by behaviour, against random same-size lesions (method §5, §10).');

export type AgentLesionResultFile = z.infer<typeof agentLesionResultSchema>;
