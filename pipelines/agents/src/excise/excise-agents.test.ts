import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@modscope/core';
import { createGatheringEnvironment } from '@modscope/env-gathering';
import { handAgent, handPartition } from '../test-support/hand-agents.js';
import { runExciseAgents, type ExciseAgentsOptions, type ExciseAgentsRun } from './run-excise-agents.js';

const environment = createGatheringEnvironment({ regrowth: 0.02 });
const trusted = createGatheringEnvironment({ regrowth: 0.3 });

const tiny: ExciseAgentsOptions = {
  agents: [handAgent(1), handAgent(2)],
  environment,
  trusted,
  forget: 'fire',
  partitions: [handPartition(), handPartition()],
  updates: 2,
  evaluateEvery: 1,
  games: 4,
  rolloutLength: 16,
  learningRate: 1e-3,
  measure: { games: 8, episodes: 1 },
  record: { games: 16, episodes: 2 },
  random: 3,
  relearn: [2],
  floor: { updates: 2, hidden: [16], games: 4, rolloutLength: 16, learningRate: 1e-3 },
  frameEvery: 25,
  seed: 4,
};

describe('runExciseAgents', () => {
  let run: ExciseAgentsRun;
  beforeAll(async () => {
    run = await runExciseAgents(tiny);
  }, 120_000);

  it('measures the intact agents as aggressive: they fire at the other agent in range', () => {
    expect(run.intact.forget).toBeGreaterThan(0.8);
    for (const states of run.intact.states) expect(states.fire).toBeGreaterThan(0.8);
    expect(run.behaviours.forget).toMatchObject({ name: 'fire', actions: ['fire'], flag: 'other-in-range' });
    expect(run.behaviours.all.map((b) => b.name)).toEqual(['fire', 'move', 'collect']);
  });

  it('finds the wired module by lesion, far beyond random same-size lesions, and prunes it', () => {
    for (const agent of run.agents) {
      const [aggression, movement] = agent.modules;
      expect(aggression).toMatchObject({ layer: 'dense1', cluster: 0, size: 4, chosen: true });
      expect(aggression!.behaviours.fire).toBeGreaterThan(0.7);
      expect(Math.max(...aggression!.random.fire!)).toBeLessThan(aggression!.behaviours.fire!);
      expect(movement!.chosen).toBe(false);
      expect(Object.keys(aggression!.behaviours).sort()).toEqual(['collect', 'fire', 'move']);
      expect(agent.reached).toBeLessThan(0.1);
    }
    const module = run.methods.find((m) => m.method === 'module')!;
    expect(module.selection).toEqual([[{ layer: 'dense1', units: [0, 1, 2, 3] }], [{ layer: 'dense1', units: [0, 1, 2, 3] }]]);
    expect(module.pruned.forget).toBeLessThan(0.1);
  });

  it('runs every baseline at the same units per layer, fine-tunes each with curves, and attacks each and the floor', () => {
    expect(run.methods.map((m) => m.method)).toEqual(['module', 'random', 'magnitude', 'selective', 'none']);
    for (const m of run.methods) {
      expect(m.units).toBe(m.method === 'none' ? 0 : 8);
      expect(m.curve.map((p) => p.update)).toEqual([0, 1, 2]);
      expect(m.weightDistance).toBeGreaterThan(0);
    }
    expect(run.methods.find((m) => m.method === 'none')!.pruned.forget).toBeCloseTo(run.intact.forget, 6);
    expect(run.relearning.map((r) => r.model)).toEqual(['module', 'random', 'magnitude', 'selective', 'none', 'never-trained']);
    expect(run.floor).not.toBeNull();
    expect(run.target).toBe(run.floor!.figures.forget);
  });

  it('keeps one episode each of the intact, pruned and fine-tuned agents as frames', () => {
    expect(run.episodes.map((e) => e.label)).toEqual(['intact', 'module pruning', 'module pruning, fine-tuned']);
    for (const e of run.episodes) {
      expect(e.frames.map((f) => f.step)).toEqual([0, 25, 50, 75]);
      expect(Buffer.from(e.frames[0]!.rgb, 'base64')).toHaveLength(e.width * e.height * 3);
    }
  });

  it('reports, as a finding, agents whose aggression no module carries, and runs what is left to run', async () => {
    const diffuse = await runExciseAgents({
      ...tiny,
      agents: [handAgent(1, { module: false }), handAgent(2, { module: false })],
      relearn: [],
      floor: null,
    });
    expect(diffuse.intact.forget).toBeGreaterThan(0.1);
    expect(diffuse.finding).toMatch(/^no module of any agent lowers P\(fire \| the other agent in beam range\)/);
    expect(diffuse.agents.every((a) => a.modules.every((m) => !m.chosen))).toBe(true);
    expect(diffuse.methods.map((m) => m.method)).toEqual(['none']);
    expect(diffuse.episodes.map((e) => e.label)).toEqual(['intact']);
    expect(run.finding).toBeNull();
  });

  it('refuses an unknown behaviour, one that is not a choice, and agents that do not fit, in one line each', async () => {
    await expect(runExciseAgents({ ...tiny, forget: 'dance' })).rejects.toThrow(
      /environment 'gathering' has no behaviour 'dance'; it has fire, move, collect\..*Use one of: fire/s,
    );
    await expect(runExciseAgents({ ...tiny, forget: 'collect' })).rejects.toThrow(InvalidArgumentError);
    await expect(runExciseAgents({ ...tiny, agents: [handAgent(1)] })).rejects.toThrow(/1 agents given, but environment 'gathering' has 2/);
  });
});
