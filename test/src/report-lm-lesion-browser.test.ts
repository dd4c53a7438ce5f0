import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TextCompareResultFile, TextLesionResultFile } from '@modscope/results';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, runCli } from './run-cli.js';
import { expectPublishedSchemaValid } from './support/published-schemas.js';
import { expectEveryFigureDrawn, launchChromium, marksOf, openReport } from './support/report-page.js';

// `modscope lesion --text` and `compare --text` on a fixture language model, end to end with --report, and
// their pages in Chromium (issue 16: "lesion, compare and report run end to end on a fixture LM").
const dir = mkdtempSync(join(tmpdir(), 'modscope-report-lm-lesion-'));
const lm = (file: string) => fixture(join('lm', file));

/** Runs a command with `--json` and `--report` into `dir` and returns its parsed result. */
function run<T>(args: string[], name: string): T {
  const r = runCli([...args, '--json', join(dir, `${name}.json`), '--report', join(dir, `${name}.html`)]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`wrote ${join(dir, `${name}.html`)}`);
  expectPublishedSchemaValid(join(dir, `${name}.json`));
  return JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as T;
}

/** Text as the page shows it: line breaks and tabs as visible marks. */
const shown = (text: string) => text.replace(/\r\n|\n|\r/g, '⏎').replace(/\t/g, '⇥');
/** A highlighted token as the page shows it: an empty one as ∅. */
const shownToken = (token: string) => (token === '' ? '∅' : shown(token));

describe('the report of a language model’s lesions and partition comparison in a real browser', () => {
  let browser: Browser;
  let lesion: TextLesionResultFile;
  let compare: TextCompareResultFile;

  beforeAll(async () => {
    // k = 4: at k = 3 every block's four heads fall in one module, a sub-cluster no random set can be drawn for
    const text = ['--text', lm('corpus.json'), '--k', '4', '--limit', '4'];
    lesion = run(['lesion', lm('lm-tiny.onnx'), ...text, '--random', '4', '--top', '3'], 'lesion');
    compare = run(['compare', lm('lm-tiny.onnx'), ...text, '--permutations', '19'], 'compare');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('lesions the neurons of both blocks and heads, with three contexts each, and compares the neurons of both blocks', () => {
    expect(lesion.kind).toBe('modscope/text-lesion');
    expect(new Set(lesion.subclusters.map((s) => s.kind))).toEqual(new Set(['neurons', 'heads']));
    expect(new Set(lesion.subclusters.filter((s) => s.kind === 'neurons').map((s) => s.block))).toEqual(new Set([0, 1]));
    for (const s of lesion.subclusters) expect(s.upstream.contexts).toHaveLength(3);
    expect(compare.kind).toBe('modscope/text-compare');
    expect(compare.layers.map((l) => l.layer)).toEqual(['block0.mlp.act', 'block1.mlp.act']);
  });

  it('draws the lesion page: every sub-cluster against its random sets, the tables, and each context with its token highlighted', async () => {
    const { page, problems, figures } = await openReport(browser, join(dir, 'lesion.html'));
    expect(problems).toEqual([]);
    expect(figures.map((f) => f.figure)).toEqual(['text-lesion']);
    expectEveryFigureDrawn(figures);
    expect(marksOf(figures, 'text-lesion')[0]).toEqual({
      'random sets': { expected: lesion.subclusters.length * 4, found: lesion.subclusters.length * 4 },
      'sub-clusters': { expected: lesion.subclusters.length, found: lesion.subclusters.length },
    });
    const drawn = await page.evaluate(() => {
      const rows = (kind: string) => document.querySelectorAll(`figure[data-figure="${kind}"] tbody tr`).length;
      const groups = [...document.querySelectorAll<HTMLDetailsElement>('figure[data-figure="text-contexts"] details.context-group')];
      return {
        kinds: [...document.querySelectorAll<HTMLElement>('figure[data-figure]')].map((f) => f.dataset.figure),
        domainRows: rows('domain-loss'),
        tableRows: rows('text-lesion-table'),
        tableHeads: [...document.querySelectorAll('figure[data-figure="text-lesion-table"] thead th')].map((th) => th.textContent),
        axis: [...document.querySelectorAll('figure[data-figure="text-lesion"] svg text')].map((t) => t.textContent ?? ''),
        groups: groups.map((g) => {
          const items = [...g.querySelectorAll('li.context')];
          return {
            layer: g.dataset.layer,
            cluster: Number(g.dataset.cluster),
            open: g.open,
            contexts: items.map((li) => {
              const mark = li.querySelector('mark.token')!;
              const box = mark.getBoundingClientRect();
              return {
                domain: li.querySelector('.domain-tag')!.textContent,
                token: mark.textContent,
                text: li.querySelector('.text')!.textContent,
                visible: mark.checkVisibility() && box.width > 0 && box.height > 0,
                background: getComputedStyle(mark).backgroundColor,
                tag: getComputedStyle(li.querySelector('.domain-tag')!).borderTopColor,
              };
            }),
          };
        }),
      };
    });
    expect(drawn.kinds).toEqual(['warnings', 'domain-loss', 'text-lesion', 'text-lesion-table', 'text-contexts']);
    expect(drawn.domainRows).toBe(lesion.domains.length);
    expect(drawn.tableRows).toBe(lesion.subclusters.length);
    expect(drawn.tableHeads).toEqual(expect.arrayContaining(lesion.domains.map((d) => `Δ ${d}`)));
    expect(drawn.axis.filter((t) => /^block \d (MLP|heads) · module \d+ \(\d+\)$/.test(t))).toHaveLength(lesion.subclusters.length);
    // one group per sub-cluster, most damaging first, each context as the result has it
    const ranked = [...lesion.subclusters].sort(
      (a, b) => b.increase - a.increase || a.layer.localeCompare(b.layer) || a.cluster - b.cluster,
    );
    expect(drawn.groups.map((g) => `${g.layer}:${g.cluster}`)).toEqual(ranked.map((s) => `${s.layer}:${s.cluster}`));
    expect(drawn.groups.filter((g) => g.open)).toHaveLength(Math.min(6, ranked.length));
    drawn.groups.forEach((g, i) => {
      const contexts = ranked[i]!.upstream.contexts;
      expect(g.contexts.map((c) => c.domain)).toEqual(contexts.map((c) => c.domain));
      expect(g.contexts.map((c) => c.token)).toEqual(contexts.map((c) => shownToken(c.token)));
      expect(g.contexts.map((c) => c.text)).toEqual(contexts.map((c) => shown(c.before) + shownToken(c.token) + shown(c.after)));
      for (const c of g.contexts) {
        expect(c.background).toBe('rgb(255, 213, 79)');
        expect(c.visible).toBe(g.open);
      }
    });
    // the two domains tagged in two colours
    const tags = new Map(drawn.groups.flatMap((g) => g.contexts.map((c) => [c.domain, c.tag] as const)));
    expect(new Set(tags.values()).size).toBe(tags.size);
    const screenshot = join(dir, 'lesion.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`report: ${join(dir, 'lesion.html')}\nscreenshot: ${screenshot}`);
    await page.close();
  });

  it('draws the compare page: the agreement bars and the ARI/NMI table over all neurons and block by block', async () => {
    const { page, problems, figures } = await openReport(browser, join(dir, 'compare.html'));
    expect(problems).toEqual([]);
    expect(figures.map((f) => f.figure)).toEqual(['agreement']);
    expectEveryFigureDrawn(figures);
    expect(marksOf(figures, 'agreement')[0]!.bars!.found).toBe(4 * (1 + compare.layers.length));
    const rows = await page.evaluate(() =>
      [...document.querySelectorAll('figure[data-figure="agreement-table"] tbody tr')].map((tr) =>
        [...tr.querySelectorAll('td')].slice(0, 3).map((td) => td.textContent),
      ),
    );
    expect(rows).toEqual([
      ['all MLP neurons', String(compare.overall.n), compare.overall.ari.toFixed(3).replace(/^-/, '−')],
      ...compare.layers.map((l) => [l.layer, String(l.n), l.ari.toFixed(3).replace(/^-/, '−')]),
    ]);
    const screenshot = join(dir, 'compare.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`report: ${join(dir, 'compare.html')}\nscreenshot: ${screenshot}`);
    await page.close();
  });
});
