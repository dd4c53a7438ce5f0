import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectCleanFailure, fixture, runCli } from './run-cli.js';

// `modscope evaluate MODEL --text …` on the fixture language models (issue 16, items 4 and 9).
const dir = mkdtempSync(join(tmpdir(), 'modscope-evaluate-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lm = (file: string) => fixture(join('lm', file));
const manifest = JSON.parse(readFileSync(lm('manifest.json'), 'utf8')) as {
  models: { file: string; domains: Record<string, { testLoss: number; testAccuracy: number }> }[];
};

describe('modscope evaluate --text', () => {
  it("prints PyTorch's per-domain test loss (within 1e-3 nats) as JSON, on onnxruntime and on tfjs", () => {
    const entry = manifest.models.find((m) => m.file === 'lm-tiny.onnx')!;
    for (const engine of ['native', 'tfjs']) {
      const r = runCli(['evaluate', lm('lm-tiny.onnx'), '--text', lm('corpus.json'), '--engine', engine, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout) as { domains: { name: string; loss: number; accuracy: number }[]; engine: string };
      expect(result.engine).toMatch(engine === 'tfjs' ? /^tfjs/ : /^onnxruntime/);
      for (const d of result.domains) expect(Math.abs(d.loss - entry.domains[d.name]!.testLoss), `${engine} ${d.name}`).toBeLessThan(1e-3);
    }
  });

  it('reads domains given as name=file specs, with the vocabulary beside the model, and prints a table', () => {
    const r = runCli([
      'evaluate',
      lm('lm-gpt2.onnx'),
      '--text',
      'en=/usr/share/games/fortunes/people',
      '--text',
      'de=/usr/share/games/fortunes/de/witze',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/lm-gpt2\.onnx on en \+ de \(test\): \d\.\d{4} nats per token/);
    expect(r.stdout).toMatch(/^en\s+\d\.\d{4}\s+\d+\.\d\d%/m);
    expect(r.stdout).toMatch(/^de\s+\d\.\d{4}\s+\d+\.\d\d%/m);
  });
});

describe('modscope inspect on a language model', () => {
  it('lists the blocks by their layer ids, heads, GELU form and the tied unembedding', () => {
    const r = runCli(['inspect', lm('lm-gpt2.onnx')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/layout sequence/);
    expect(r.stdout).toMatch(/^block2\.attention\s+attention\s+4 heads × 32, causal/m);
    expect(r.stdout).toMatch(/^block0\.mlp\.act\s+activation\s+gelu-tanh/m);
    expect(r.stdout).toMatch(/^unembedding\s+dense\s+128→100, tied to embedding/m);
    expect(r.stdout).toMatch(/^block1\.ln2\s+layernorm\s+ε 1e-5/m);
  });
});

describe('modscope evaluate --text refuses bad input in one line', () => {
  const write = (name: string, content: string | Uint8Array) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const fails = (args: string[]) => {
    const r = runCli(args);
    expect(r.code).not.toBe(0);
    return expectCleanFailure(r);
  };

  it('a tokenizer whose vocabulary does not fit the embedding', () => {
    const chars = ['\u0000', ...Array.from({ length: 150 }, (_, i) => String.fromCodePoint(0x4e00 + i))];
    const vocab = write('big-vocab.json', JSON.stringify({ chars, unknown: 0 }));
    expect(fails(['evaluate', lm('lm-tiny.onnx'), '--text', 'en=/usr/share/games/fortunes/people', '--tokenizer', vocab])).toMatch(
      /151.*100|100.*151/,
    );
  });

  it('text shorter than one window', () => {
    const short = write('short.txt', 'too short for a window of 64 characters');
    expect(fails(['evaluate', lm('lm-tiny.onnx'), '--text', `en=${short}`])).toMatch(/64/);
  });

  it('bytes that are not UTF-8', () => {
    const latin1 = write(
      'latin1.txt',
      Uint8Array.from([...Buffer.from('Gr'), 0xfc, ...Buffer.from('n ist die Farbe der Hoffnung. '.repeat(10))]),
    );
    expect(fails(['evaluate', lm('lm-tiny.onnx'), '--text', `de=${latin1}`])).toMatch(/UTF-8.*byte 2|byte 2.*UTF-8|offset 2/i);
  });

  it('a transformer with parts modscope does not read', () => {
    expect(fails(['evaluate', lm('unsupported/rotary.onnx'), '--text', 'en=/usr/share/games/fortunes/people'])).toMatch(
      /rotary position embeddings/,
    );
    expect(fails(['inspect', lm('unsupported/moe.onnx')])).toMatch(/mixture-of-experts/);
  });

  it('a classifier given text, a language model given a dataset, and neither', () => {
    expect(fails(['evaluate', fixture('mlp-fashion.onnx'), '--text', 'en=/usr/share/games/fortunes/people'])).toMatch(
      /is not a language model/,
    );
    expect(fails(['evaluate', lm('lm-tiny.onnx'), '--data', 'fashion-mnist'])).toMatch(/is a language model/);
    expect(fails(['evaluate', lm('lm-tiny.onnx')])).toMatch(/needs --data .* or --text/);
  });
});
