import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGatheringEnvironment } from '@modscope/env-gathering';
import { parseResult, type AgentTrainResultFile } from '@modscope/results';
import { policyOutputs, type TrainAgentsProgress } from '@modscope/rl';
import { createNetwork } from '@modscope/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { runTrainAgents, uniformPolicy, type AgentTrainPlan, type TrainAgentsRunOptions } from './run-train-agents.js';

const dir = mkdtempSync(join(tmpdir(), 'modscope-train-agents-'));
const environment = createGatheringEnvironment({ regrowth: 0.02 });

const tiny = (out: string): TrainAgentsRunOptions => ({
  environment,
  out: join(dir, out),
  seed: 3,
  updates: 2,
  games: 4,
  rolloutLength: 16,
  hidden: [8],
  learningRate: 1e-3,
  evaluation: { games: 4, episodes: 2 },
});

const read = (out: string) =>
  parseResult(JSON.parse(readFileSync(join(dir, out, 'train.json'), 'utf8')), { kinds: ['modscope/agent-train'] });
const withoutSeconds = ({ seconds: _, ...rest }: AgentTrainResultFile) => rest;

describe('runTrainAgents', () => {
  let record: AgentTrainResultFile;
  const plans: AgentTrainPlan[] = [];
  const progress: TrainAgentsProgress[] = [];
  beforeAll(async () => {
    record = await runTrainAgents({ ...tiny('a'), onPlan: (p) => plans.push(p), onProgress: (p) => progress.push(p) });
  }, 120_000);

  it('writes every agent’s policy and value network as ONNX and TF.js, and train.json as it returns it', () => {
    expect(record.files.agents).toEqual(
      [0, 1].map((i) => ({
        policy: { onnx: join(`agent-${i}`, 'policy', 'model.onnx'), tfjs: join(`agent-${i}`, 'policy', 'model.json') },
        value: { onnx: join(`agent-${i}`, 'value', 'model.onnx'), tfjs: join(`agent-${i}`, 'value', 'model.json') },
      })),
    );
    for (const agent of record.files.agents)
      for (const file of [agent.policy.onnx, agent.policy.tfjs, agent.value.onnx, agent.value.tfjs])
        expect(existsSync(join(dir, 'a', file))).toBe(true);
    expect(existsSync(join(dir, 'a', 'agent-1', 'policy', 'weights.bin'))).toBe(true);
    const written = read('a');
    expect(withoutSeconds(written)).toEqual(JSON.parse(JSON.stringify(withoutSeconds(record))));
  });

  it('records the environment, every PPO setting, and per update and agent the returns, events, action shares, P(action | flag) and losses', () => {
    expect(record).toMatchObject({ kind: 'modscope/agent-train', version: 1 });
    expect(record.environment).toMatchObject({
      name: 'gathering',
      agentCount: 2,
      observationSize: environment.observationSize,
      episodeLength: 100,
    });
    expect(record.environment.settings.regrowth).toBe(0.02);
    expect(record.environment.actions).toContain('fire');
    expect(record.ppo).toMatchObject({
      seed: 3,
      updates: 2,
      games: 4,
      rolloutLength: 16,
      hidden: [8],
      learningRate: 1e-3,
      epochs: 4,
      gamma: 0.99,
    });
    expect(record.steps).toBe(2 * 4 * 16);
    expect(record.history.map((u) => u.update)).toEqual([1, 2]);
    for (const update of record.history) {
      expect(update.agents).toHaveLength(2);
      for (const agent of update.agents) {
        expect(Object.keys(agent.actions)).toEqual(environment.actions);
        expect(Object.keys(agent.events)).toEqual(environment.events);
        expect(Object.keys(agent.flags)).toEqual(environment.flags);
        expect(Object.keys(agent.flags['other-in-range']!.actions)).toEqual(environment.actions);
        expect(Object.keys(agent.losses).sort()).toEqual(['approxKl', 'clipFraction', 'entropy', 'policyLoss', 'valueLoss']);
      }
    }
    expect(plans).toEqual([
      expect.objectContaining({ environment: 'gathering', agents: 2, hidden: [8], updates: 2, games: 4, rolloutLength: 16, steps: 128 }),
    ]);
    expect(progress.map((p) => `${p.update}/${p.updates}`)).toEqual(['1/2', '2/2']);
  });

  it('evaluates the trained agents and random agents in the same seeded games, every episode counted', () => {
    const { evaluation } = record;
    expect(evaluation).toMatchObject({ games: 4, episodes: 2, seed: 4, greedy: false });
    for (const team of [evaluation.trained, evaluation.random]) {
      expect(team).toHaveLength(2);
      for (const agent of team) {
        expect(agent.episodes).toBe(8);
        expect(agent.steps).toBe(8 * 100);
      }
    }
    // random agents take every action about as often: 8 actions, 1,600 steps
    for (const agent of evaluation.random) for (const share of Object.values(agent.actions)) expect(share).toBeCloseTo(1 / 8, 1);
    for (const [a, c] of evaluation.comparison.entries()) {
      expect(c.trained.mean).toBeCloseTo(evaluation.trained[a]!.meanReturn!, 10);
      expect(c.random.mean).toBeCloseTo(evaluation.random[a]!.meanReturn!, 10);
      expect(c.difference).toBeCloseTo(c.trained.mean! - c.random.mean!, 10);
      expect(c.better).toBe(c.difference! > 0 && c.difference! > 3 * c.standardError!);
    }
  });

  it('reproduces its record exactly from the same seed, apart from seconds; another seed trains other agents', async () => {
    const again = await runTrainAgents(tiny('b'));
    expect(withoutSeconds(read('b'))).toEqual(withoutSeconds(read('a')));
    expect(withoutSeconds(again)).toEqual(withoutSeconds(record));
    const other = await runTrainAgents({ ...tiny('c'), seed: 4 });
    expect(other.history).not.toEqual(record.history);
  }, 120_000);
});

describe('uniformPolicy', () => {
  it('gives every action the same probability, with the layers of the policy', async () => {
    const policy = createNetwork('6-5-4', { seed: 1 });
    const uniform = uniformPolicy(policy);
    expect(uniform.layers.map((l) => l.id)).toEqual(policy.layers.map((l) => l.id));
    const observations = Float32Array.from({ length: 3 * 6 }, (_, i) => Math.sin(i));
    const { probabilities } = await policyOutputs(uniform, observations, 3);
    for (const p of probabilities) expect(p).toBeCloseTo(0.25, 6);
    // the policy itself is left as it was
    expect((await policyOutputs(policy, observations, 3)).probabilities.some((p) => Math.abs(p - 0.25) > 1e-3)).toBe(true);
  });
});
