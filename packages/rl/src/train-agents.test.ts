import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, type DenseLayer, type Network } from '@modscope/core';
import { createNetwork } from '@modscope/train';
import { rolloutAgents } from './rollout-agents.js';
import { createCorridor } from './test-support/corridor.js';
import type { AgentNetworks } from './agent-networks.js';
import { trainAgents } from './train-agents.js';
import type { TrainAgentsResult } from './train-agents-options.js';

const corridor = createCorridor({ randomStarts: true });
const dense = (network: Network, id: string) => network.layers.find((l) => l.id === id) as DenseLayer;
const kernels = (network: Network) => network.layers.filter((l): l is DenseLayer => l.kind === 'dense').map((l) => [l.kernel, l.bias]);
const policies = (result: TrainAgentsResult) => result.agents.map((a) => a.policy);
/** A short run, for the tests that do not need learning. */
const short = { seed: 3, hidden: [8], games: 4, rolloutLength: 18, updates: 3, learningRate: 1e-2 };

describe('trainAgents', () => {
  let trained: TrainAgentsResult;
  beforeAll(async () => {
    trained = await trainAgents(corridor, { seed: 1, hidden: [32], games: 16, rolloutLength: 36, updates: 30, learningRate: 3e-3 });
  });

  it('learns the corridor: both independent agents walk to their own goal, far above a random policy', async () => {
    const fresh = await trainAgents(corridor, { seed: 1, hidden: [32], updates: 0 });
    const random = await rolloutAgents(corridor, policies(fresh), { games: 32, seed: 9 });
    const learned = await rolloutAgents(corridor, policies(trained), { games: 32, seed: 9 });
    for (let a = 0; a < 2; a++) {
      // a near-uniform policy seldom walks 3 cells in one direction; the best one scores every 1–6 steps
      expect(random.agents[a]!.meanReturn).toBeLessThan(1.5);
      expect(learned.agents[a]!.meanReturn).toBeGreaterThan(3.5);
    }
    // agent 0's goal is on the right, agent 1's on the left
    expect(learned.agents[0]!.actions.right).toBeGreaterThan(0.8);
    expect(learned.agents[1]!.actions.left).toBeGreaterThan(0.8);
    const [first, last] = [trained.history[0]!, trained.history.at(-1)!];
    expect(last.agents[0]!.meanReturn).toBeGreaterThan(first.agents[0]!.meanReturn + 2);
    expect(last.agents[0]!.losses.entropy).toBeLessThan(first.agents[0]!.losses.entropy);
  });

  it('keeps a history per update: steps, the annealed rate, episode and action statistics, PPO losses', () => {
    const { history, settings } = trained;
    expect(history).toHaveLength(30);
    expect(history.map((h) => h.steps)).toEqual(Array.from({ length: 30 }, (_, i) => (i + 1) * 16 * 36));
    expect(history[0]!.learningRate).toBe(3e-3);
    expect(history[1]!.learningRate).toBeCloseTo(3e-3 * (1 - 1 / 30), 12);
    const agent = history[4]!.agents[1]!;
    expect(agent.episodes).toBe(2 * 16); // 36 steps of 16 games: two whole episodes each
    expect(agent.steps).toBe(16 * 36);
    expect(Object.keys(agent.events)).toEqual(['goal', 'move']);
    expect(agent.events.goal).toBe(agent.meanReturn); // a goal is the only reward
    expect(Object.values(agent.actions).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect(Object.keys(agent.flags)).toEqual(['next-to-goal', 'at-start']);
    expect(agent.flags['next-to-goal']!.steps).toBeGreaterThan(0);
    expect(Object.keys(agent.losses)).toEqual(['policyLoss', 'valueLoss', 'entropy', 'approxKl', 'clipFraction']);
    expect(agent.losses.entropy).toBeGreaterThan(0);
    expect(agent.losses.entropy).toBeLessThanOrEqual(Math.log(3));
    expect(settings).toMatchObject({ games: 16, rolloutLength: 36, updates: 30, epochs: 4, minibatches: 4, clip: 0.2, gamma: 0.99 });
    expect(settings.environment).toEqual({ name: 'corridor', settings: { length: 7, randomStarts: true } });
  });

  it('counts only the episodes that ended within an update', async () => {
    // 12 steps per update, 18 per episode: the first episode ends in update 2, the second in update 3
    const result = await trainAgents(corridor, { ...short, rolloutLength: 12 });
    expect(result.history.map((h) => h.agents[0]!.episodes)).toEqual([0, 4, 4]);
    expect(result.history[0]!.agents[0]!.meanReturn).toBeNaN();
    expect(result.history[0]!.agents[0]!.steps).toBe(4 * 12);
  });

  it('reproduces a seeded run exactly, and another seed gives another', async () => {
    const a = await trainAgents(corridor, short);
    const b = await trainAgents(corridor, short);
    const c = await trainAgents(corridor, { ...short, seed: 4 });
    expect(a.history).toEqual(b.history);
    expect(a.agents.map((x) => [kernels(x.policy), kernels(x.value)])).toEqual(b.agents.map((x) => [kernels(x.policy), kernels(x.value)]));
    expect(a.history).not.toEqual(c.history);
    expect(kernels(a.agents[0]!.policy)).not.toEqual(kernels(c.agents[0]!.policy));
  });

  it('holds masked units at zero: their weights stay zero and they output nothing', async () => {
    const units = [0, 0, 0, 1, 1, 1, 1, 1];
    const result = await trainAgents(corridor, { ...short, masks: [[{ layer: 'dense1', units }]] });
    const policy = result.agents[0]!.policy;
    const [d1, d2] = [dense(policy, 'dense1'), dense(policy, 'dense2')];
    for (const j of [0, 1, 2]) {
      for (let i = 0; i < 14; i++) expect(d1.kernel[i * 8 + j]).toBe(0);
      expect(d1.bias![j]).toBe(0);
      for (let k = 0; k < 3; k++) expect(d2.kernel[j * 3 + k]).toBe(0);
    }
    // the other units and the unmasked agent trained as usual
    expect(d1.kernel.filter((v) => v !== 0).length).toBe(14 * 5);
    expect(dense(result.agents[1]!.policy, 'dense1').kernel.every((v) => v !== 0)).toBe(true);
    // on recorded states, the masked units' ReLU outputs are zero and the others' are not all zero
    const states = (await rolloutAgents(corridor, policies(result), { games: 2, record: true })).recordings![0]!;
    const active = new Array<number>(8).fill(0);
    for (let s = 0; s < states.count; s++)
      for (let j = 0; j < 8; j++) {
        let z = d1.bias![j]!;
        for (let i = 0; i < 14; i++) z += states.observations[s * 14 + i]! * d1.kernel[i * 8 + j]!;
        if (z > 0) active[j]!++;
      }
    expect(active.slice(0, 3)).toEqual([0, 0, 0]);
    expect(active.slice(3).some((n) => n > 0)).toBe(true);
  });

  it('starts from the initial networks: zero updates return them unchanged, fine-tuning continues from them', async () => {
    const initial = trained.agents;
    const none = await trainAgents(corridor, { ...short, updates: 0, initial });
    none.agents.forEach((a, i) => {
      expect(kernels(a.policy)).toEqual(kernels(initial[i]!.policy));
      expect(kernels(a.value)).toEqual(kernels(initial[i]!.value));
      expect(a.policy.name).toBe(initial[i]!.policy.name);
    });
    // a trained policy is good from the first update on; a fresh one (same run otherwise) is not
    const tuned = await trainAgents(corridor, {
      ...short,
      hidden: [32],
      updates: 1,
      initial: [{ policy: initial[0]!.policy }, initial[1]],
    });
    const fresh = await trainAgents(corridor, { ...short, hidden: [32], updates: 1 });
    expect(tuned.history[0]!.agents[0]!.meanReturn).toBeGreaterThan(3);
    expect(tuned.history[0]!.agents[1]!.meanReturn).toBeGreaterThan(3);
    expect(fresh.history[0]!.agents[0]!.meanReturn).toBeLessThan(1.5);
    expect(kernels(tuned.agents[0]!.policy)).not.toEqual(kernels(initial[0]!.policy));
  });

  it('hands out snapshots of the networks after an update, the last one equal to the result', async () => {
    const snapshots: AgentNetworks[][] = [];
    const run = await trainAgents(corridor, { ...short, updates: 2, onProgress: (p) => snapshots.push(p.networks()) });
    expect(snapshots).toHaveLength(2);
    expect(kernels(snapshots[1]![0]!.policy)).toEqual(kernels(run.agents[0]!.policy));
    expect(kernels(snapshots[1]![1]!.value)).toEqual(kernels(run.agents[1]!.value));
    expect(kernels(snapshots[0]![0]!.policy)).not.toEqual(kernels(run.agents[0]!.policy));
  });

  it('leaves no tensors behind, during training or after', async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    await trainAgents(corridor, { ...short, updates: 4, onProgress: () => counts.push(tf.memory().numTensors) });
    expect(counts).toHaveLength(4);
    expect(new Set(counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops when its signal aborts', async () => {
    const controller = new AbortController();
    const updates: number[] = [];
    const run = trainAgents(corridor, {
      ...short,
      onProgress: ({ update }) => {
        updates.push(update);
        controller.abort(new Error('stop here'));
      },
      signal: controller.signal,
    });
    await expect(run).rejects.toThrow('stop here');
    expect(updates).toEqual([1]);
  });

  it('rejects networks and options that cannot work, naming the fix', async () => {
    const value = createNetwork('14-8-1');
    await expect(trainAgents(corridor, { ...short, initial: [{ policy: createNetwork('10-8-3'), value }] })).rejects.toThrow(
      /agent 0's policy network '10-8-3' takes 10 inputs, but environment 'corridor' observes 14 values per agent\. Give it 14 inputs, e\.g\. createNetwork\('14-64-64-3'\)/,
    );
    await expect(trainAgents(corridor, { ...short, initial: [undefined, { policy: createNetwork('14-8-5') }] })).rejects.toThrow(
      /agent 1's policy network '14-8-5' has 5 outputs, but environment 'corridor' has 3 actions \(left, right, stay\)/,
    );
    await expect(trainAgents(corridor, { ...short, initial: [{ value: createNetwork('14-8-2') }] })).rejects.toThrow(
      /a value network has 1/,
    );
    const tanh = createNetwork('14-8-3');
    tanh.layers = tanh.layers.map((l) => (l.kind === 'activation' ? { ...l, activation: 'tanh' as const } : l));
    await expect(trainAgents(corridor, { ...short, initial: [{ policy: tanh }] })).rejects.toThrow(
      /not a plain dense ReLU MLP \(layer 'relu1' is a tanh activation\)/,
    );
    for (const bad of [
      { games: 0 },
      { epochs: 1.5 },
      { gamma: 2 },
      { updates: 2, totalSteps: 100 },
      { minibatches: 1000 },
      { hidden: [0] },
    ])
      await expect(trainAgents(corridor, { ...short, ...bad })).rejects.toThrow(InvalidArgumentError);
    await expect(trainAgents(corridor, { ...short, masks: [[], [], []] })).rejects.toThrow(
      /masks has 3 entries, but environment 'corridor' has 2 agents/,
    );
  });
});
