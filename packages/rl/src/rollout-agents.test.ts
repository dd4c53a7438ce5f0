import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@modscope/core';
import { createNetwork } from '@modscope/train';
import { rolloutAgents } from './rollout-agents.js';
import { createCorridor } from './test-support/corridor.js';
import { corridorPolicies } from './test-support/hand-policies.js';

const corridor = createCorridor();

describe('rolloutAgents', () => {
  it('counts returns, events, action shares and P(action | flag) as worked out by hand', async () => {
    // Agent 1 walks left from cell 3 and scores every 3 steps (cells 3, 2, 1, 3, …). Agent 0 walks right but
    // stays while agent 1 is in cell 1: over 9 steps it is in cells 3 4 5 5 3 4 4 5 3, acting R R S R R S R R S,
    // scoring twice. An episode is 18 steps.
    const result = await rolloutAgents(corridor, corridorPolicies(), { games: 4, episodes: 2, greedy: true });
    expect(result.steps).toBe(4 * 2 * 18);
    const [a0, a1] = result.agents as [NonNullable<(typeof result.agents)[0]>, NonNullable<(typeof result.agents)[0]>];
    expect(a0.episodes).toBe(8);
    expect(a0.steps).toBe(8 * 18);
    expect(a0.meanReturn).toBe(4);
    expect(a0.events).toEqual({ goal: 4, move: 12 });
    expect(a0.actions).toEqual({ left: 0, right: 2 / 3, stay: 1 / 3 });
    // next to the goal (cell 5) at steps 2 (stay), 3 and 7 (right); at the start (cell 3) at 0, 4 (right) and 8 (stay)
    expect(a0.flags['next-to-goal']).toEqual({ steps: 8 * 6, actions: { left: 0, right: 2 / 3, stay: 1 / 3 } });
    expect(a0.flags['at-start']).toEqual({ steps: 8 * 6, actions: { left: 0, right: 2 / 3, stay: 1 / 3 } });
    expect(a1.meanReturn).toBe(6);
    expect(a1.events).toEqual({ goal: 6, move: 18 });
    expect(a1.actions).toEqual({ left: 1, right: 0, stay: 0 });
    expect(a1.flags['next-to-goal']).toEqual({ steps: 8 * 6, actions: { left: 1, right: 0, stay: 0 } });
  });

  it('rolls out a lesioned policy: a masked hidden unit is silent', async () => {
    // without hidden unit 0 (the detector of the other agent in cell 1), agent 0 never stays: a goal every 3 steps
    const result = await rolloutAgents(corridor, corridorPolicies(), {
      games: 2,
      greedy: true,
      masks: [[{ layer: 'dense1', units: [0, 1] }]],
    });
    expect(result.agents[0]!.meanReturn).toBe(6);
    expect(result.agents[0]!.actions.right).toBe(1);
    expect(result.agents[1]!.meanReturn).toBe(6);
  });

  it('records every state with its flags, the action taken and the policy probabilities', async () => {
    const games = 3;
    const result = await rolloutAgents(corridor, corridorPolicies(), { games, episodes: 1, record: true, seed: 7 });
    const recordings = result.recordings!;
    expect(recordings).toHaveLength(2);
    const r1 = recordings[1]!;
    expect(r1.count).toBe(games * 18);
    expect(r1.observations).toHaveLength(games * 18 * 14);
    expect(r1.probabilities).toHaveLength(games * 18 * 3);
    // agent 1's policy: logits (5, 0, 0) everywhere
    const left = Math.exp(5) / (Math.exp(5) + 2);
    for (let i = 0; i < r1.count; i++) {
      expect(r1.probabilities[i * 3]).toBeCloseTo(left, 6);
      expect(r1.probabilities[i * 3 + 1]! + r1.probabilities[i * 3 + 2]!).toBeCloseTo(1 - left, 6);
    }
    // state 0 of every game: both agents in the middle cell (3), so at-start is set and next-to-goal is not
    for (let g = 0; g < games; g++) {
      const row = recordings[0]!.observations.subarray(g * 14, (g + 1) * 14);
      expect([...row].flatMap((v, i) => (v === 1 ? [i] : []))).toEqual([3, 7 + 3]);
      expect(recordings[0]!.flags['at-start']![g]).toBe(1);
      expect(recordings[0]!.flags['next-to-goal']![g]).toBe(0);
    }
    // the recorded actions are the ones counted
    const shares = [0, 1, 2].map((a) => r1.actions.filter((x) => x === a).length / r1.count);
    expect(shares).toEqual([result.agents[1]!.actions.left, result.agents[1]!.actions.right, result.agents[1]!.actions.stay]);
  });

  it('samples actions with the policy probabilities', async () => {
    const result = await rolloutAgents(corridor, corridorPolicies(), { games: 20, episodes: 5, seed: 3 });
    const left = Math.exp(5) / (Math.exp(5) + 2); // 0.9866; 1800 samples: standard error 0.0027
    expect(Math.abs(result.agents[1]!.actions.left! - left)).toBeLessThan(0.01);
    expect(result.agents[1]!.actions.left).toBeLessThan(1);
  });

  it('gives the same sampled rollout for the same seed and another for another seed', async () => {
    const run = (seed: number) => rolloutAgents(corridor, corridorPolicies(), { games: 4, episodes: 2, seed });
    const [a, b, c] = await Promise.all([run(1), run(1), run(2)]);
    expect(a).toEqual(b);
    expect(a.agents).not.toEqual(c.agents);
    expect(a.recordings).toBeNull();
  });

  it('renders one game of the first episode every few steps, from its first state', async () => {
    const result = await rolloutAgents(corridor, corridorPolicies(), {
      games: 3,
      episodes: 2,
      greedy: true,
      frames: { every: 5, game: 1 },
    });
    expect(result.frames!.map((f) => f.step)).toEqual([0, 5, 10, 15]);
    expect(result.frames![0]!.frame.text).toBe(createCorridor().createBatch({ games: 3, seed: 0 }).render(1).text);
    await expect(rolloutAgents(corridor, corridorPolicies(), { games: 3, frames: { every: 5, game: 3 } })).rejects.toThrow(
      /frames.game must be a game of the rollout \(0 to 2\), got 3/,
    );
  });

  it('rejects a policy whose sizes do not fit the environment, with the fix in the message', async () => {
    const [, agent1] = corridorPolicies();
    const wrongInputs = createNetwork('12-2-3');
    await expect(rolloutAgents(corridor, [wrongInputs, agent1])).rejects.toThrow(InvalidArgumentError);
    await expect(rolloutAgents(corridor, [wrongInputs, agent1])).rejects.toThrow(
      /agent 0's policy network '12-2-3' takes 12 inputs, but environment 'corridor' observes 14 values per agent\. Give it 14 inputs/,
    );
    await expect(rolloutAgents(corridor, [createNetwork('14-2-4'), agent1])).rejects.toThrow(
      /has 4 outputs, but environment 'corridor' has 3 actions/,
    );
    await expect(rolloutAgents(corridor, [agent1])).rejects.toThrow(/1 policies given, but environment 'corridor' has 2 agents/);
    await expect(rolloutAgents(corridor, corridorPolicies(), { games: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(rolloutAgents(corridor, corridorPolicies(), { masks: [[{ layer: 'relu1', units: [0, 1] }]] })).rejects.toThrow(
      /names layer 'relu1', which is not a dense layer/,
    );
  });
});
