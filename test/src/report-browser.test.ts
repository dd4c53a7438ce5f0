import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReport } from '@modscope/report';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, runCli } from './run-cli.js';
import { expectEveryFigureDrawn, launchChromium, marksOf, openReport } from './support/report-page.js';

const dir = mkdtempSync(join(tmpdir(), 'modscope-report-browser-'));

/** Runs a modscope command that writes `--json FILE` and returns the parsed result. */
function resultOf(args: string[], file: string): Record<string, any> {
  const r = runCli([...args, '--json', join(dir, file)]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(readFileSync(join(dir, file), 'utf8'));
}

describe('the HTML report in a real browser', () => {
  let browser: Browser;
  let cluster: Record<string, any>;
  let lesion: Record<string, any>;
  let compare: Record<string, any>;
  let excise: Record<string, any>;
  let out: string;

  beforeAll(async () => {
    const model = fixture('clusterability/control.onnx');
    cluster = resultOf(['cluster', model, '--k', '6', '--shuffles', '6', '--workers', '0'], 'cluster.json');
    lesion = resultOf(
      [
        'lesion',
        model,
        '--data',
        'fashion-mnist',
        '--limit',
        '500',
        '--k',
        '6',
        '--random',
        '19',
        '--feature-viz',
        join(dir, 'features'),
        '--feature-steps',
        '8',
      ],
      'lesion.json',
    );
    compare = resultOf(['compare', model, '--data', 'fashion-mnist', '--limit', '500', '--k', '6', '--permutations', '99'], 'compare.json');
    // forget class 7 (Sneaker) with at most 64 units; few images and steps, so it stays quick
    excise = resultOf(
      [
        'excise',
        model,
        '--data',
        'fashion-mnist',
        '--limit',
        '500',
        '--train-limit',
        '2000',
        '--forget',
        'class:7',
        '--budget',
        '64',
        '--finetune-steps',
        '20',
        '--evaluate-every',
        '10',
        '--methods',
        'module,random,none',
        '--never-trained-epochs',
        '1',
        '--relearn',
        '5,10',
        '--relearn-steps',
        '10',
      ],
      'excise.json',
    );
    out = join(dir, 'report.html');
    const written = await writeReport(
      ['cluster.json', 'lesion.json', 'compare.json', 'excise.json'].map((f) => join(dir, f)),
      out,
    );
    expect(written.warnings).toEqual([]);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('records the strongest edges of every pair of consecutive layers for the network figure', () => {
    expect(cluster).toMatchObject({ kind: 'modscope/cluster', version: 1 });
    const { edges, maxEdges, totalEdges } = cluster.drawing;
    expect(maxEdges).toBe(3000);
    expect(edges).toHaveLength(3000);
    expect(totalEdges).toBe(cluster.edges);
    const pairs = new Set(edges.map((e: number[]) => `${e[0]}-${e[2]}`));
    expect([...pairs].sort()).toEqual(['0-1', '1-2', '2-3', '3-4', '4-5']);
    for (const [a, ua, b, ub, w] of edges) {
      expect(b).toBe(a + 1);
      expect(cluster.labels[a][ua]).toBeGreaterThanOrEqual(0);
      expect(cluster.labels[b][ub]).toBeGreaterThanOrEqual(0);
      expect(w).toBeGreaterThan(0);
    }
  });

  it('opens without console errors and draws every figure with its marks', async () => {
    const { page, problems, figures } = await openReport(browser, out);
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
    // the counts the page promises follow from the results, not from the page
    const units = cluster.labels.reduce((s: number, l: number[]) => s + l.length, 0);
    expect(marksOf(figures, 'network')[0]).toMatchObject({ units: { found: units }, edges: { found: cluster.drawing.edges.length } });
    expect(marksOf(figures, 'shuffle-histogram').map((m) => m['histogram bins']!.found)).toEqual([6, 6]); // 6 shuffles → 2·⌈√6⌉ = 6 bins
    const classes = lesion.classNames.length;
    const significant = lesion.subclusters.reduce(
      (s: number, x: { dropP: (number | null)[] }) => s + x.dropP.filter((p) => p !== null && p <= 0.05).length,
      0,
    );
    expect(marksOf(figures, 'drop-heatmap')[0]).toMatchObject({
      cells: { found: lesion.subclusters.length * classes },
      'significance dots': { found: significant },
    });
    expect(marksOf(figures, 'agreement')[0]).toMatchObject({ bars: { found: 4 * (compare.layers.length + 1) } });
    expect(marksOf(figures, 'recovery')[0]).toMatchObject({
      curves: { found: 2 * excise.methods.length },
      'never-trained floors': { found: 2 },
    });
    expect(excise.methods).toHaveLength(3);
    // the attack from every method run and from the floor, in one panel per number of forget examples
    expect(marksOf(figures, 'relearning')[0]).toMatchObject({
      'relearning curves': { found: excise.relearning.length },
      'intact lines': { found: 2 },
    });
    expect(excise.relearning.map((r: { model: string; examples: number }) => `${r.model}:${r.examples}`)).toEqual(
      [5, 10].flatMap((n) => ['module', 'random', 'none', 'never-trained'].map((m) => `${m}:${n}`)),
    );
    // the feature visualizations are embedded images that the browser decoded
    const images = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLImageElement>('.feature-viz img')].map((img) => [img.src.slice(0, 22), img.naturalWidth]),
    );
    expect(images).toHaveLength(lesion.subclusters.length);
    for (const [src, width] of images) {
      expect(src).toBe('data:image/png;base64,');
      expect(width).toBeGreaterThan(0);
    }
    const screenshot = join(dir, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`report: ${out}\nscreenshot: ${screenshot}`);
    await page.close();
  });
});
