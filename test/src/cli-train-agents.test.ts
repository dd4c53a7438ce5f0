import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentTrainResultFile } from '@modscope/results';
import { describe, expect, it } from 'vitest';
import { expectCleanFailure, runCliAsync } from './run-cli.js';
import { expectPublishedSchemaValid } from './support/published-schemas.js';

// Issue 18: `modscope train --env gathering` trains PPO agents, writes their policies and train.json
// (modscope/agent-train), prints the trained agents against random ones; bad input is one line, exit 2.
const dir = mkdtempSync(join(tmpdir(), 'modscope-cli-train-agents-'));

describe('modscope train --env gathering', () => {
  it('trains two agents, writes each policy and value network and train.json, and prints them against random agents', async () => {
    const out = join(dir, 'agents');
    const r = await runCliAsync(['train', '--env', 'gathering', '--regrowth', '0.02', '--updates', '1', '--seed', '3', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^environment: gathering \(regrowth 0\.02, .*\), 2 agents, 148 observations, 8 actions$/m);
    expect(r.stdout).toMatch(/^training: 1 PPO updates of 32 games × 128 steps \(4,096 steps\), policy 148-64-64-8 per agent$/m);
    expect(r.stdout).toMatch(/agent +agents +return +apple\/episode +fire rate +P\(fire \| other-in-range\)/);
    expect(r.stdout).toMatch(/^ +1 +random +\d+\.\d\d +\d+\.\d\d +\d+\.\d\d% +\d+\.\d\d%/m);
    expect(r.stdout).toMatch(
      /^agent 0: return -?\d+\.\d\d ± \d+\.\d\d against -?\d+\.\d\d ± \d+\.\d\d for random agents .*better than random$/m,
    );
    expectPublishedSchemaValid(join(out, 'train.json'));
    const json = JSON.parse(readFileSync(join(out, 'train.json'), 'utf8')) as AgentTrainResultFile;
    expect(json.environment.settings.regrowth).toBe(0.02);
    expect(json.ppo).toMatchObject({ seed: 3, updates: 1, games: 32, rolloutLength: 128 });
    for (const agent of json.files.agents)
      for (const file of [agent.policy.onnx, agent.policy.tfjs, agent.value.onnx, agent.value.tfjs])
        expect(existsSync(join(out, file))).toBe(true);
    expect(json.files.agents[1]!.policy.onnx).toBe(join('agent-1', 'policy', 'model.onnx'));
  });

  it('prints train.json with --json, the same record a run with the same seed writes', async () => {
    const out = join(dir, 'json');
    const r = await runCliAsync([
      'train',
      '--env',
      'gathering',
      '--regrowth',
      '0.02',
      '--updates',
      '1',
      '--seed',
      '3',
      '--out',
      out,
      '--json',
    ]);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as AgentTrainResultFile;
    const written = JSON.parse(readFileSync(join(dir, 'agents', 'train.json'), 'utf8')) as AgentTrainResultFile;
    expect({ ...printed, seconds: 0 }).toEqual({ ...written, seconds: 0 });
  });

  it.each([
    [['--env', 'chess'], /unknown environment 'chess': modscope knows gathering/],
    [['--env', 'gathering', '--regrowth', '1.5'], /'--regrowth <p>' argument '1\.5' is invalid\. expected a fraction in \[0, 1\]/],
    [['--env', 'gathering', '--regrowth', '-0.1'], /'--regrowth <p>' argument '-0\.1' is invalid/],
    [['--env', 'gathering', '--updates', '0'], /'--updates <n>' argument '0' is invalid/],
    [['--env', 'gathering', '--data', 'two-task'], /--data is an option of networks trained on data; --env trains agents/],
    [['--env', 'gathering', '--arch', 'gpt'], /--arch is an option of networks trained on data/],
    [['--data', 'two-task', '--regrowth', '0.02'], /--regrowth is an option of agents trained in an environment \(--env\)/],
  ])('refuses %j in one line with exit 2', async (args, message) => {
    const r = await runCliAsync(['train', ...args, '--out', join(dir, 'refused')]);
    expect(r.code).toBe(2);
    expect(expectCleanFailure(r)).toMatch(message);
    expect(existsSync(join(dir, 'refused'))).toBe(false);
  });
});
