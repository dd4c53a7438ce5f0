import { describe, expect, it } from 'vitest';
import { renderReport } from './render-report.js';
import { sampleCluster, sampleCompare, sampleExcise, sampleLesion } from './sample-results.js';

/** The figure options and the embedded results, parsed back out of the page. */
function parse(html: string) {
  const json = (id: string) => JSON.parse(new RegExp(`<script type="application/json" id="${id}">(.*?)</script>`, 's').exec(html)![1]!);
  const figures = [...html.matchAll(/data-figure="([^"]+)"/g)].map((m) => m[1]);
  const marks = [
    ...html.matchAll(
      /<figure class="card[^"]*" id="[^"]+" data-figure="([^"]+)">\s*<h3>[^<]*<\/h3>\s*<div class="chart"[^>]*data-marks="([^"]+)"/g,
    ),
  ].map((m) => ({
    figure: m[1]!,
    marks: JSON.parse(
      m[2]!
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>'),
    ) as { what: string; count: number }[],
  }));
  return {
    results: json('modscope-results'),
    options: json('modscope-figures') as { id: string; option: Record<string, unknown> }[],
    figures,
    marks,
  };
}

const countOf = (page: ReturnType<typeof parse>, figure: string, what: string) =>
  page.marks.filter((m) => m.figure === figure).map((m) => m.marks.find((x) => x.what === what)!.count);

describe('renderReport', () => {
  const results = [sampleExcise(), sampleCompare(), sampleLesion(), sampleCluster()];
  const html = renderReport(results, {
    sources: ['e.json', 'cmp.json', 'l.json', 'c.json'],
    images: { 'features/a.png': 'data:image/png;base64,iVBORw0KGgo=' },
  });
  const page = parse(html);

  it('is one complete, offline HTML document with ECharts inlined', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).toContain('<title>modscope report: tiny.onnx, two-task.onnx</title>');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/[^"'\s]*\.(js|css)\b/);
    expect(html.length).toBeGreaterThan(500_000); // echarts.min.js
    expect(html).toContain("echarts.init(el, null, { renderer: 'svg' })");
  });

  it('embeds the results unchanged, with their sources', () => {
    expect(page.results.sources).toEqual(['e.json', 'cmp.json', 'l.json', 'c.json']);
    expect(page.results.results).toEqual(JSON.parse(JSON.stringify(results)));
  });

  it('orders sections cluster, lesion, compare, excise, each figure with a title and a caption', () => {
    expect([...html.matchAll(/<section class="result" id="[^"]+" data-kind="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'modscope/cluster',
      'modscope/lesion',
      'modscope/compare',
      'modscope/excise',
    ]);
    expect(page.figures).toEqual([
      'verdict',
      'network',
      'shuffle-histogram',
      'shuffle-histogram',
      'cluster-table',
      'drop-heatmap',
      'lesion-table',
      'feature-viz',
      'agreement',
      'recovery',
    ]);
    const captions = [...html.matchAll(/<figcaption>([^<]+)<\/figcaption>/g)].map((m) => m[1]!);
    expect(captions).toHaveLength(page.figures.length - 1); // the verdict list has none
    for (const caption of captions) expect(caption).toMatch(/^[A-Z].*[.)]$/s);
    expect(page.options).toHaveLength(page.marks.length);
  });

  it('draws every unit and edge of the network, one bin per histogram bar, one cell per sub-cluster × class', () => {
    expect(countOf(page, 'network', 'units')).toEqual([8]);
    expect(countOf(page, 'network', 'edges')).toEqual([6]);
    expect(countOf(page, 'shuffle-histogram', 'histogram bins')).toEqual([6, 6]);
    expect(countOf(page, 'drop-heatmap', 'cells')).toEqual([2 * 3]);
    expect(countOf(page, 'drop-heatmap', 'significance dots')).toEqual([2]);
    expect(countOf(page, 'agreement', 'bars')).toEqual([4 * 3]);
    expect(countOf(page, 'recovery', 'curves')).toEqual([2 * 3]);
    expect(countOf(page, 'recovery', 'never-trained floors')).toEqual([2]);
  });

  it('ranks heatmap rows by importance and shows p and z of each null', () => {
    const heatmap = page.options.find((o) => JSON.stringify(o.option).includes('"heatmap"'))!.option as { yAxis: { data: string[] } };
    expect(heatmap.yAxis.data.map((label) => label.split(' (')[0])).toEqual(['/0/Gemm · module 1', '/0/Gemm · module 0']);
    expect(html).toContain('&#39;layer&#39; null: n-cut 0.420 vs 1.100 ± 0.050 shuffled (z = −13.60, p = 0.100)');
    expect(html).toContain('&#39;layer-nonzero&#39; null: n-cut 0.420 vs 0.500 ± 0.000 shuffled (z = —, p = 0.100)');
  });

  it('embeds the feature-visualization images it is given and marks the rest', () => {
    expect(html).toContain('<img src="data:image/png;base64,iVBORw0KGgo=" alt="feature visualization of /0/Gemm · module 0">');
    expect(html).toMatch(/image not embedded<br><small>features\/b\.png<\/small>/);
  });

  it('draws the excision recovery curves of every method with the never-trained floor', () => {
    const recovery = page.options.find((o) => JSON.stringify(o.option).includes('fine-tuning step'))!.option as {
      series: {
        name: string;
        xAxisIndex: number;
        lineStyle: { type: string };
        data: number[][];
        markLine?: { data: { yAxis: number }[] };
      }[];
    };
    expect(recovery.series.map((s) => `${s.xAxisIndex}:${s.name}:${s.lineStyle.type}`)).toEqual([
      '0:module pruning:solid',
      '0:random units:dashed',
      '0:no pruning:dashed',
      '1:module pruning:solid',
      '1:random units:dashed',
      '1:no pruning:dashed',
    ]);
    expect(recovery.series[0]!.data).toEqual([
      [0, 0.2],
      [50, 0.25],
      [100, 0.3],
    ]);
    expect(recovery.series[3]!.data).toEqual([
      [0, 0.9],
      [50, 0.95],
      [100, 0.96],
    ]);
    expect(recovery.series.flatMap((s) => s.markLine?.data.map((d) => d.yAxis) ?? [])).toEqual([0.2, 0.97]);
  });

  it('escapes names from the results everywhere, also inside the embedded JSON', () => {
    const evil = '</script><img src=x onerror=alert(1)>';
    const out = renderReport([{ ...sampleCompare(), model: evil }]);
    expect(out).not.toContain('<img src=x');
    expect(out).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(parse(out).results.results[0].model).toBe(evil);
  });

  it('checks every result before drawing anything, naming the one at fault', () => {
    expect(() => renderReport([sampleCluster(), { ...sampleLesion(), version: 2 }])).toThrow(
      /^@modscope\/report: results\[1\]: lesion result version 2 is newer than this report supports \(1\)/,
    );
  });

  it('renders an empty report', () => {
    expect(renderReport([])).toContain('No results to show.');
  });
});
