import { parseResult } from '@modscope/results';
import { describe, expect, it } from 'vitest';
import { checkResult } from './check-result.js';
import { renderReport } from './render-report.js';
import { sampleLesion, sampleTextCompare, sampleTextLesion } from './sample-results.js';
import { visibleText } from './text-contexts.js';

const figureKinds = (html: string) => [...html.matchAll(/data-figure="([^"]+)"/g)].map((m) => m[1]);
const marks = (html: string, figure: string) => {
  const m = new RegExp(`data-figure="${figure}">\\s*<h3>[^<]*</h3>\\s*<div class="chart"[^>]*data-marks="([^"]+)"`).exec(html)!;
  return Object.fromEntries(
    (JSON.parse(m[1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as { what: string; count: number }[]).map((x) => [x.what, x.count]),
  );
};
/** The HTML of one block of the page, by its `data-figure`. */
const block = (html: string, kind: string) => new RegExp(`<figure [^>]*data-figure="${kind}">([\\s\\S]*?)</figure>\\n`).exec(html)![1]!;

describe('the report of a language model: lesions and partition comparison', () => {
  const html = renderReport([sampleTextCompare(), sampleLesion(), sampleTextLesion()], { sources: ['lc.json', 'l.json', 'lt.json'] });

  it('takes samples that are valid results, and checks them into their views', () => {
    for (const sample of [sampleTextLesion(), sampleTextCompare()]) expect(parseResult(sample)).toEqual(sample);
    const lesion = checkResult(sampleTextLesion(), 'lt.json');
    expect(lesion.kind).toBe('modscope/text-lesion');
    const view = lesion.result as { subclusters: { domainIncrease: number[] }[]; fisher: { selectivity: number } };
    expect(view.subclusters[1]!.domainIncrease[1]).toBeNaN();
    expect(view.fisher.selectivity).toBeNaN();
    expect(checkResult(sampleTextCompare(), 'lc.json').kind).toBe('modscope/text-compare');
  });

  it('orders the sections lesion, text lesion, text compare, with their blocks', () => {
    expect([...html.matchAll(/<section class="result" id="[^"]+" data-kind="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'modscope/lesion',
      'modscope/text-lesion',
      'modscope/text-compare',
    ]);
    const kinds = figureKinds(html);
    expect(kinds.slice(kinds.indexOf('domain-loss') - 1)).toEqual([
      'warnings',
      'domain-loss',
      'text-lesion',
      'text-lesion-table',
      'text-contexts',
      'agreement',
      'agreement-table',
    ]);
    expect(html).toContain('<h2>Lesions of lm-tiny.onnx on prose + code &amp; &lt;tags&gt;</h2>');
  });

  it('draws every sub-cluster against its random sets, and promises those marks', () => {
    const sample = sampleTextLesion();
    expect(marks(html, 'text-lesion')).toEqual({
      'random sets': sample.subclusters.reduce((s, c) => s + c.random.increase.length, 0),
      'sub-clusters': sample.subclusters.length,
    });
    expect(marks(html, 'agreement')).toEqual({ bars: 12 });
  });

  it('ranks the sub-clusters by loss increase in the table, with a Δ per domain', () => {
    const table = block(html, 'text-lesion-table');
    const rows = [
      ...table.matchAll(/<tr><td class="mono">([^<]+)<\/td><td class="num">(\d)<\/td><td>(\w+)<\/td><td class="num">(\d)<\/td>/g),
    ];
    expect(rows.map((r) => `${r[1]}/${r[3]}/${r[4]}`)).toEqual([
      'block0.mlp.act/neurons/1',
      'block1.attention/heads/2',
      'block0.mlp.act/neurons/0',
    ]);
    expect(table).toContain('<td class="num">+0.2000</td><td class="num">+0.0200</td>');
    expect(table).toContain('<td class="num">+0.1000</td><td class="num">—</td>'); // a domain's Δ written as null
    expect((table.match(/<th class="num">Δ <span class="domain-tag"/g) ?? []).length).toBe(2);
    const domains = block(html, 'domain-loss');
    expect(domains).toMatch(
      /code &amp; &lt;tags&gt;<\/span><\/td><td class="num">2\.1000<\/td><td class="mono">block1\.attention · 2<\/td>/,
    );
  });

  it('shows each context as escaped text with its token highlighted, line breaks visible, the domain as a coloured tag', () => {
    const contexts = block(html, 'text-contexts');
    const items = [...contexts.matchAll(/<li class="context">([\s\S]*?)<\/li>/g)].map((m) => m[1]!);
    expect(items).toHaveLength(6);
    expect((contexts.match(/<mark class="token">/g) ?? []).length).toBe(6);
    for (const item of items) expect(item).not.toMatch(/[\n\t]/);
    expect(items[0]).toBe(
      '<span class="domain-tag" style="--tag:#e15759">code &amp; &lt;tags&gt;</span><span class="text"><span class="before">if (a &lt; b &amp;&amp; c) {</span><mark class="token"><span class="ws" title="line break">⏎</span></mark><span class="after">  &lt;script&gt;alert(1)&lt;/script&gt;</span></span><span class="activation" title="mean activation of its units">0.900</span>',
    );
    expect(items[1]).toContain(
      '<span class="before">Tom &amp; Jerry said</span><mark class="token"> </mark><span class="after">&quot;hi&quot;<span class="ws" title="tab">⇥</span>then</span>',
    );
    // the corpus's markup never reaches the page as markup
    expect(html.match(/<script/g)).toHaveLength(4);
    expect(html).not.toContain('<tags>');
    // the most damaging sub-cluster first, groups open
    expect(contexts.indexOf('data-cluster="1"')).toBeLessThan(contexts.indexOf('data-cluster="2"'));
    expect(contexts).toMatch(
      /<\/h3><div class="contexts"><details class="context-group" open data-layer="block0\.mlp\.act" data-cluster="1">/,
    );
  });

  it('shows control characters as visible marks, escaped', () => {
    expect(visibleText('a\r\nb\u0000c<d>')).toBe(
      'a<span class="ws" title="line break">⏎</span>b<span class="ws" title="U+0000">␀</span>c&lt;d&gt;',
    );
  });

  it('tabulates the agreement over all MLP neurons and block by block', () => {
    const table = block(html, 'agreement-table');
    const rows = [...table.matchAll(/<tr><td class="mono">([^<]+)<\/td><td class="num">(\d+)<\/td><td class="num">([^<]+)<\/td>/g)];
    expect(rows.map((r) => [r[1], r[2], r[3]])).toEqual([
      ['all MLP neurons', '32', '0.120'],
      ['block0.mlp.act', '16', '0.100'],
      ['block1.mlp.act', '16', '0.150'],
    ]);
    expect(table).toContain('<td class="num sig">0.050</td>');
  });
});
