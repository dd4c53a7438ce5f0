// The demo's report.html in a real browser (Debian's chromium, headless): it opens offline without
// console errors or network requests, and every figure is drawn with the marks its results promise.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const CHROMIUM = '/usr/bin/chromium';
const out = mkdtempSync(join(tmpdir(), 'modscope-demo-report-'));
const read = (file: string): Record<string, any> => JSON.parse(readFileSync(join(out, file), 'utf8'));

interface Drawn {
  figure: string;
  rendered: boolean;
  size: [number, number];
  marks: Record<string, { expected: number; found: number }>;
}

describe("the demo's report in a real browser", () => {
  let browser: Browser;
  let stdout: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) to run the browser test.`);
    const r = runCli(['demo', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    stdout = r.stdout;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
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
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) problems.push(`network request: ${r.url()}`);
    });
    await page.goto(`file://${join(out, 'report.html')}`);
    await page.waitForSelector('html[data-report-ready="true"]', { timeout: 30_000 });
    const figures: Drawn[] = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.chart')].map((chart) => {
        const svg = chart.querySelector('svg');
        const marks = JSON.parse(chart.dataset.marks ?? '[]') as { selector: string; count: number; what: string }[];
        return {
          figure: chart.closest('figure')!.dataset.figure!,
          rendered: chart.dataset.rendered === 'true',
          size: (svg ? [svg.clientWidth, svg.clientHeight] : [0, 0]) as [number, number],
          marks: Object.fromEntries(marks.map((m) => [m.what, { expected: m.count, found: svg ? svg.querySelectorAll(m.selector).length : 0 }])),
        };
      }),
    );
    expect(problems).toEqual([]);
    expect(figures.map((f) => f.figure)).toEqual(['network', 'shuffle-histogram', 'shuffle-histogram', 'drop-heatmap', 'agreement', 'recovery', 'relearning']);
    for (const f of figures) {
      expect(f.rendered, f.figure).toBe(true);
      expect(f.size[0], f.figure).toBeGreaterThan(300);
      expect(f.size[1], f.figure).toBeGreaterThanOrEqual(200);
      for (const [what, m] of Object.entries(f.marks)) expect(m.found, `${f.figure}: ${what}`).toBe(m.expected);
    }
    // the counts the page promises follow from the demo's results, not from the page
    const cluster = read('cluster.json');
    const lesion = read('lesion.json');
    const compare = read('compare.json');
    const excise = read('excise.json');
    const marksOf = (name: string) => figures.filter((f) => f.figure === name).map((f) => f.marks);
    const units = cluster.labels.reduce((s: number, l: number[]) => s + l.length, 0);
    expect(marksOf('network')[0]).toMatchObject({ units: { found: units }, edges: { found: cluster.drawing.edges.length } });
    expect(marksOf('shuffle-histogram').map((m) => m['histogram bins']!.found)).toEqual([20, 20]); // 100 shuffles → 2·⌈√100⌉ bins
    expect(marksOf('drop-heatmap')[0]).toMatchObject({ cells: { found: lesion.subclusters.length * lesion.classNames.length } });
    expect(marksOf('agreement')[0]).toMatchObject({ bars: { found: 4 * (compare.layers.length + 1) } });
    expect(marksOf('recovery')[0]).toMatchObject({ curves: { found: 2 * excise.methods.length }, 'never-trained floors': { found: 2 } });
    expect(marksOf('relearning')[0]).toMatchObject({ 'relearning curves': { found: excise.relearning.length } });
    // the headline numbers a reader sees first
    const headlines = await page.evaluate(() => [...document.querySelectorAll('.stat .value')].map((e) => e.textContent));
    expect(headlines).toContain(cluster.ncut.toFixed(3));
    const screenshot = join(out, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`report: ${join(out, 'report.html')}\nscreenshot: ${screenshot}`);
    await page.close();
  });
});
