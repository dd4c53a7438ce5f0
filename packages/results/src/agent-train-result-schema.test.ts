import { describe, expect, it } from 'vitest';
import { resultJsonText } from './format.js';
import { parseResult } from './parse-result.js';
import { agentTrainExample } from './result-examples.js';

describe('agentTrainResultSchema', () => {
  it('reads what runTrainAgents of @modscope/agents writes, null where no episode ended', () => {
    const result = parseResult(agentTrainExample(), { kinds: ['modscope/agent-train'] });
    expect(result.kind).toBe('modscope/agent-train');
    expect(result.history[0]!.agents[0]!.meanReturn).toBeNull();
    expect(result.evaluation.trained[0]!.flags['other-in-range']!.actions.fire).toBe(0.3);
    expect(result.evaluation.comparison.map((c) => c.better)).toEqual([true, false]);
    const nan = agentTrainExample();
    nan.evaluation.comparison[1]!.standardError = Number.NaN as unknown as null;
    expect(parseResult(JSON.parse(resultJsonText(nan))).kind).toBe('modscope/agent-train');
  });

  it('refuses a result without agents or with a hidden size of 0, naming the field', () => {
    const noAgents = agentTrainExample();
    noAgents.files.agents = [];
    expect(() => parseResult(noAgents)).toThrow(/files\.agents/);
    const zero = agentTrainExample();
    zero.ppo.hidden = [0];
    expect(() => parseResult(zero)).toThrow(/ppo\.hidden\[0\] is 0, expected an integer ≥ 1/);
  });
});
