import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReport } from '@modscope/report';
import type { ClusterResultFile } from '@modscope/results';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, runCli } from './run-cli.js';
import { expectEveryFigureDrawn, launchChromium, marksOf, openReport } from './support/report-page.js';

const dir = mkdtempSync(join(tmpdir(), 'modscope-report-lm-browser-'));

/** Runs a modscope command that writes `--json FILE` and returns the parsed result. */
function resultOf(args: string[], file: string): ClusterResultFile {
  const r = runCli([...args, '--json', join(dir, file)]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(readFileSync(join(dir, file), 'utf8'));
}

describe('the HTML report of a language model in a real browser', () => {
  let browser: Browser;
  let residual: ClusterResultFile;
  let perBlock: ClusterResultFile;
  let out: string;

  beforeAll(async () => {
    const model = fixture('lm/lm-gpt2.onnx');
    residual = resultOf(['cluster', model, '--k', '6', '--shuffles', '5', '--attention'], 'residual.json');
    perBlock = resultOf(['cluster', model, '--k', '4', '--shuffles', '5', '--view', 'per-block', '--block', '1'], 'per-block.json');
    out = join(dir, 'report.html');
    const written = await writeReport([join(dir, 'residual.json'), join(dir, 'per-block.json')], out);
    expect(written.warnings).toEqual([]);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('clusters the residual view with heads and the per-block view of block 1', () => {
    expect(residual.view).toEqual({ view: 'residual', attention: true, block: null });
    expect(residual.layers.map((l) => l.id)).toEqual([
      'residual',
      'block0.attention',
      'block0.mlp.act',
      'block1.attention',
      'block1.mlp.act',
      'block2.attention',
      'block2.mlp.act',
    ]);
    expect(perBlock.view).toEqual({ view: 'per-block', attention: false, block: 1 });
  });

  it('opens without console errors and draws the network block by block, with what each block is made of', async () => {
    const { page, problems, figures } = await openReport(browser, out);
    expect(problems).toEqual([]);
    expect(figures.map((f) => f.figure)).toEqual([
      'residual-network',
      'block-composition',
      'shuffle-histogram',
      'shuffle-histogram',
      'network',
      'shuffle-histogram',
      'shuffle-histogram',
    ]);
    expectEveryFigureDrawn(figures);
    // the counts the page promises follow from the results, not from the page
    const units = residual.labels.reduce((s, l) => s + l.length, 0);
    expect(marksOf(figures, 'residual-network')[0]).toMatchObject({
      units: { found: units },
      edges: { found: residual.drawing!.edges.length },
      'block bands': { found: 1 }, // every other one of 3 blocks is shaded
    });
    // one bar segment per (residual stream or block's heads or neurons) × module present there
    const segments = residual.labels.reduce((s, l) => s + new Set(l).size, 0);
    expect(marksOf(figures, 'block-composition')[0]).toMatchObject({ segments: { found: segments } });
    expect(segments).toBeGreaterThan(7);
    const perBlockUnits = perBlock.labels.reduce((s, l) => s + l.length, 0);
    expect(marksOf(figures, 'network')[0]).toMatchObject({ units: { found: perBlockUnits } });
    // the words: the block names in the figure, the view in the caption, the nulls per weight matrix, the block in the per-block headings
    const text = await page.evaluate(() => ({
      blocks: [...document.querySelectorAll('figure[data-figure="residual-network"] svg text')].map((t) => t.textContent),
      captions: [...document.querySelectorAll('figcaption')].map((c) => c.textContent ?? ''),
      headings: [...document.querySelectorAll('h2, h3')].map((h) => h.textContent ?? ''),
    }));
    expect(text.blocks).toEqual(expect.arrayContaining(['block 0', 'block 1', 'block 2', 'attention heads (◆)', 'residual stream (128)']));
    expect(text.captions.some((c) => c.includes('|γ_i·W_in[i, j]| + |W_out[j, i]|') && c.includes('W_Q, W_K and W_V'))).toBe(true);
    expect(text.captions.filter((c) => c.includes("(every block's W_in, W_out, W_Q, W_K, W_V and W_O)"))).toHaveLength(2);
    expect(text.captions.filter((c) => c.includes("(block 1's W_in and W_out)"))).toHaveLength(2);
    expect(text.captions.some((c) => c.includes("each layer's"))).toBe(false);
    expect(text.headings).toContain("Clusterability of lm-gpt2.onnx, block 1's MLP");
    expect(text.headings.some((h) => h.startsWith("Block 1's MLP by module"))).toBe(true);
    const screenshot = join(dir, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`report: ${out}\nscreenshot: ${screenshot}`);
    await page.close();
  });
});
