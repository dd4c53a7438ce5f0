import { describe, expect, it } from 'vitest';
import { parseResult } from './parse-result.js';
import { agentExciseExample, agentLesionExample } from './result-examples.js';

describe('agentExciseResultSchema', () => {
  it('reads what runExciseAgents of @modscope/agents writes', () => {
    const result = parseResult(agentExciseExample(), { kinds: ['modscope/agent-excise'] });
    expect(result.kind).toBe('modscope/agent-excise');
    expect(result.methods.map((m) => m.method)).toEqual(['module', 'random', 'none']);
  });

  it('refuses a result without curves, or with a behaviour of an unknown kind, naming the field', () => {
    const noCurve = agentExciseExample();
    noCurve.methods[0]!.curve = [];
    expect(() => parseResult(noCurve)).toThrow(/methods\[0\]\.curve.*empty/);
    const oddKind = agentExciseExample();
    (oddKind.behaviours.all[0] as { kind: string }).kind = 'mood';
    expect(() => parseResult(oddKind)).toThrow(/behaviours\.all\[0\]\.kind/);
  });
});

describe('agentLesionResultSchema', () => {
  it('reads what runLesionAgents of @modscope/agents writes, and refuses a module without its p-values', () => {
    expect(parseResult(agentLesionExample(), { kinds: ['modscope/agent-lesion'] }).agents).toHaveLength(2);
    const broken = agentLesionExample();
    delete (broken.agents[0]!.modules[0] as { p?: unknown }).p;
    expect(() => parseResult(broken)).toThrow(/agents\[0\]\.modules\[0\]\.p/);
  });
});
