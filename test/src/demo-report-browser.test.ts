// The demo's report.html in a real browser (Debian's chromium, headless): it opens offline without
// console errors or network requests, and every figure is drawn with the marks its results promise.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliAsync } from './run-cli.js';
import { expectEveryFigureDrawn, launchChromium, marksOf, openReport } from './support/report-page.js';

const out = mkdtempSync(join(tmpdir(), 'modscope-demo-report-'));
const read = (file: string): Record<string, any> => JSON.parse(readFileSync(join(out, file), 'utf8'));

describe("the demo's report in a real browser", () => {
  let browser: Browser;
  let stdout: string;

  beforeAll(async () => {
    const r = runCli(['demo', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    stdout = r.stdout;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('prints the summary and where the report is', () => {
    expect(stdout).toMatch(/Is it modular\? n-cut [\d.]+ at k = 2/);
    expect(stdout).toMatch(/Do the modules follow the tasks\? yes: ARI/);
    expect(stdout).toMatch(/Which lesions hurt which task/);
    expect(stdout).toMatch(/after excision +[\d.]+% +[\d.]+%/);
    expect(stdout).toContain(`open ${join(out, 'report.html')} in a browser`);
  });

  it('opens without console errors or network requests and draws every figure with its marks', async () => {
    const { page, problems, figures } = await openReport(browser, join(out, 'report.html'));
    expect(problems).toEqual([]);
    expect(figures.map((f) => f.figure)).toEqual([
      'network',
      'shuffle-histogram',
      'shuffle-histogram',
      'drop-heatmap',
      'agreement',
      'recovery',
      'relearning',
    ]);
    expectEveryFigureDrawn(figures);
    // the counts the page promises follow from the demo's results, not from the page
    const cluster = read('cluster.json');
    const lesion = read('lesion.json');
    const compare = read('compare.json');
    const excise = read('excise.json');
    const units = cluster.labels.reduce((s: number, l: number[]) => s + l.length, 0);
    expect(marksOf(figures, 'network')[0]).toMatchObject({ units: { found: units }, edges: { found: cluster.drawing.edges.length } });
    expect(marksOf(figures, 'shuffle-histogram').map((m) => m['histogram bins']!.found)).toEqual([20, 20]); // 100 shuffles → 2·⌈√100⌉ bins
    expect(marksOf(figures, 'drop-heatmap')[0]).toMatchObject({ cells: { found: lesion.subclusters.length * lesion.classNames.length } });
    expect(marksOf(figures, 'agreement')[0]).toMatchObject({ bars: { found: 4 * (compare.layers.length + 1) } });
    expect(marksOf(figures, 'recovery')[0]).toMatchObject({
      curves: { found: 2 * excise.methods.length },
      'never-trained floors': { found: 2 },
    });
    expect(marksOf(figures, 'relearning')[0]).toMatchObject({ 'relearning curves': { found: excise.relearning.length } });
    // the headline numbers a reader sees first
    const headlines = await page.evaluate(() => [...document.querySelectorAll('.stat .value')].map((e) => e.textContent));
    expect(headlines).toContain(cluster.ncut.toFixed(3));
    const screenshot = join(out, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`report: ${join(out, 'report.html')}\nscreenshot: ${screenshot}`);
    await page.close();
  });
});

describe("the language-model demo's report in a real browser", () => {
  const lmOut = mkdtempSync(join(tmpdir(), 'modscope-demo-lm-report-'));
  let browser: Browser;
  let stdout: string;

  beforeAll(async () => {
    const r = await runCliAsync(['demo', 'lm', '--out', lmOut]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    stdout = r.stdout;
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('prints the summary and where the report is', () => {
    expect(stdout).toMatch(/^trained a 2-block GPT \(width 32, 4 heads/m);
    expect(stdout).toMatch(/Did it learn the backdoor\? yes: [\d.]+% of \d+ held-out prompts/);
    expect(stdout).toMatch(/after excision +[\d.]+% +[\d.]+/);
    expect(stdout).toMatch(/never-trained model +[\d.]+% +[\d.]+/);
    expect(stdout).toMatch(/Greedy continuations of triggered prompts/);
    expect(stdout).toMatch(/A model this small/);
    expect(stdout).toContain(`open ${join(lmOut, 'report.html')} in a browser`);
  });

  it('opens without console errors and draws the excision of the trigger: recovery with the floor, relearning, tables, continuations', async () => {
    const { page, problems, figures } = await openReport(browser, join(lmOut, 'report.html'));
    expect(problems).toEqual([]);
    expect(figures.map((f) => f.figure)).toEqual(['recovery', 'relearning']);
    expectEveryFigureDrawn(figures);
    const excise = JSON.parse(readFileSync(join(lmOut, 'text-excise.json'), 'utf8'));
    expect(marksOf(figures, 'recovery')[0]).toMatchObject({
      curves: { found: 2 * excise.methods.length },
      'never-trained floors': { found: 2 },
    });
    expect(marksOf(figures, 'relearning')[0]).toMatchObject({ 'relearning curves': { found: excise.relearning.length } });
    const drawn = await page.evaluate(() => {
      const s = document.querySelector<HTMLElement>('section.result')!;
      return {
        kind: s.dataset.kind,
        blocks: [...s.querySelectorAll<HTMLElement>('figure[data-figure]')].map((f) => f.dataset.figure),
        rows: s.querySelectorAll('figure[data-figure="excise-table"] tbody th').length,
        samples: s.querySelectorAll('figure[data-figure="excise-samples"] td.sample').length,
        targets: s.querySelectorAll('figure[data-figure="excise-samples"] mark.target').length,
      };
    });
    expect(drawn).toMatchObject({
      kind: 'modscope/text-excise',
      blocks: ['recovery', 'excise-table', 'relearning', 'relearning-table', 'excise-modules', 'excise-samples'],
      // the intact model, every method and the never-trained one
      rows: excise.methods.length + 2,
      samples: 4 * excise.samples.length,
    });
    // the intact model continues triggered prompts with the target, and the page marks it
    expect(drawn.targets).toBeGreaterThan(0);
    const screenshot = join(lmOut, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`report: ${join(lmOut, 'report.html')}\nscreenshot: ${screenshot}`);
    await page.close();
  });
});
