// The demo's report.html in a real browser (Debian's chromium, headless): it opens offline without
// console errors or network requests, and every figure is drawn with the marks its results promise.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
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
