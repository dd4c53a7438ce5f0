import { describe, expect, it } from 'vitest';
import { createGatheringEnvironment } from '@modscope/env-gathering';
import { handAgent, handPartition } from '../test-support/hand-agents.js';
import { runLesionAgents } from './run-lesion-agents.js';

describe('runLesionAgents', () => {
  it('tables every module by behaviour against random same-size lesions: the wired module is the aggression one', async () => {
    const run = await runLesionAgents({
      agents: [handAgent(1), handAgent(2)],
      environment: createGatheringEnvironment({ regrowth: 0.02 }),
      partitions: [handPartition(), handPartition()],
      random: 9,
      measure: { games: 8, episodes: 1 },
      record: { games: 16, episodes: 2 },
      seed: 3,
    });
    expect(run.kind).toBe('modscope/agent-lesion');
    expect(run.behaviours.all.map((b) => b.name)).toEqual(['fire', 'move', 'collect']);
    for (const agent of run.agents) {
      const [aggression, movement] = agent.modules;
      expect(aggression).toMatchObject({ layer: 'dense1', cluster: 0, size: 4 });
      expect(aggression!.behaviours.fire).toBeGreaterThan(0.7);
      expect(aggression!.random.fire).toHaveLength(9);
      // no random set of 4 of the 16 units lowers P(fire | in range) as much unless it is the module itself
      expect(aggression!.p.fire).toBeLessThanOrEqual(0.2);
      expect(aggression!.behaviours.move).toBeLessThan(0.05);
      // the movement module changes what the agent does everywhere else and leaves its aggression alone
      expect(movement!.behaviours.fire).toBeLessThan(0.05);
      expect(movement!.retainDrop).toBeGreaterThan(0.5);
      expect(movement!.p.fire).toBeGreaterThan(0.5);
    }
  }, 60_000);
});
