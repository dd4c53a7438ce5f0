import { RESULT_KINDS } from '@modscope/results';
import { checkResult } from './check-result.js';
import { echartsSource } from './echarts-source.js';
import type { Block, Figure, Section } from './figure.js';
import { escapeHtml, scriptJson } from './html.js';
import type { ImageMap } from './lesion-section.js';
import { PAGE_SCRIPT } from './page-script.js';
import { PAGE_STYLE } from './page-style.js';
import { REPORT_KINDS } from './report-kinds.js';
import { resultSection } from './result-section.js';

/** Version of this package, written into the page. */
export const REPORT_VERSION = '0.1.0';

export interface RenderReportOptions {
  /** The page title. Default: `modscope report` and the models' names. */
  title?: string;
  /** Where each result came from (file paths), for error messages and the page. Default `results[i]`. */
  sources?: readonly string[];
  /** Feature-visualization images as data: URIs, by the path the lesion result names them with. `writeReport` reads them. */
  images?: ImageMap;
}

/**
 * One self-contained HTML document (styles, scripts, Apache ECharts and the results inlined; works offline)
 * from modscope results objects as the CLI writes them with `--json FILE`. Every result is checked first:
 * an unknown kind, an unsupported version or a malformed field throws a clear error naming the result.
 */
export function renderReport(results: readonly unknown[], options: RenderReportOptions = {}): string {
  const sources = results.map((_, i) => options.sources?.[i] ?? `results[${i}]`);
  const checked = results.map((value, i) => ({ ...checkResult(value, sources[i]!), index: i }));
  // sections in a fixed order (cluster, lesion, compare, excise), files of one kind in the order given
  checked.sort((a, b) => REPORT_KINDS.indexOf(a.kind) - REPORT_KINDS.indexOf(b.kind) || a.index - b.index);
  const sections = checked.map((c) => ({ section: resultSection(c, options.images ?? {}), source: sources[c.index]! }));
  const models = [...new Set(checked.map((c) => ('network' in c.result ? c.result.network : c.result.model)))];
  const title = options.title ?? `modscope report: ${models.join(', ') || 'no results'}`;
  const figures: { id: string; option: Record<string, unknown> }[] = [];
  const body = sections.map(({ section, source }, s) => sectionHtml(section, source, `section-${s + 1}`, figures)).join('\n');
  const toc = sections.map(({ section }, s) => `<a href="#section-${s + 1}">${escapeHtml(section.title)}</a>`).join('');
  const downloads = checked
    .map(
      (c) =>
        `<button type="button" data-download="${c.index}" title="${escapeHtml(sources[c.index]!)}">${escapeHtml(basename(sources[c.index]!))}</button>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="@modscope/report ${REPORT_VERSION}">
<title>${escapeHtml(title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header class="top"><div class="wrap">
<h1>${escapeHtml(title)}</h1>
<p>${checked.length} result${checked.length === 1 ? '' : 's'}: ${escapeHtml(checked.map((c) => kindName(c.kind)).join(', ') || 'none')}. Hover over a figure for values.</p>
<nav class="toc">${toc}</nav>
</div></header>
<main class="wrap">
${body || '<p>No results to show.</p>'}
</main>
<footer class="wrap">
<p>The results are embedded unchanged in this page (<code>&lt;script id="modscope-results"&gt;</code>); they, not the pictures, are the record. Download: ${downloads || '—'}</p>
<p>Made by @modscope/report ${REPORT_VERSION} with Apache ECharts. The method: Filan et al., “Clusterability in Neural Networks” (arXiv 2103.03386); Hod et al., “Quantifying Local Specialization in Deep Neural Networks” (arXiv 2110.08058).</p>
</footer>
<script type="application/json" id="modscope-results">${scriptJson({ generator: `@modscope/report ${REPORT_VERSION}`, sources, results })}</script>
<script type="application/json" id="modscope-figures">${scriptJson(figures)}</script>
<script>${echartsSource()}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

function sectionHtml(section: Section, source: string, id: string, figures: { id: string; option: Record<string, unknown> }[]): string {
  const highlights = section.highlights
    .map(
      (h) =>
        `<div class="stat ${h.tone ?? 'neutral'}"><div class="label">${escapeHtml(h.label)}</div><div class="value">${escapeHtml(h.value)}</div>${h.note ? `<div class="note">${escapeHtml(h.note)}</div>` : ''}</div>`,
    )
    .join('');
  const blocks = section.blocks.map((block) => blockHtml(block, `${id}-${section.blocks.indexOf(block) + 1}`, figures)).join('\n');
  return `<section class="result" id="${id}" data-kind="${escapeHtml(section.kind)}" data-source="${escapeHtml(source)}">
<h2>${escapeHtml(section.title)}</h2>
<p class="subtitle">${escapeHtml(section.subtitle)} <span class="mono">${escapeHtml(basename(source))}</span></p>
<div class="highlights">${highlights}</div>
<div class="blocks">
${blocks}
</div>
</section>`;
}

function blockHtml(block: Block, id: string, figures: { id: string; option: Record<string, unknown> }[]): string {
  const wide = block.wide ? ' wide' : '';
  if (block.type === 'html') {
    const heading = block.title ? `<h3>${escapeHtml(block.title)}</h3>` : '';
    const caption = block.caption ? `<figcaption>${escapeHtml(block.caption)}</figcaption>` : '';
    return `<figure class="card ${escapeHtml(block.kind)}${wide}" id="${id}" data-figure="${escapeHtml(block.kind)}">${heading}${block.html}${caption}</figure>`;
  }
  const f: Figure = block.figure;
  figures.push({ id: `${id}-chart`, option: f.option });
  return `<figure class="card${wide}" id="${id}" data-figure="${escapeHtml(f.kind)}">
<h3>${escapeHtml(f.title)}</h3>
<div class="chart" id="${id}-chart" style="height:${f.height}px" role="img" aria-label="${escapeHtml(f.title)}" data-marks="${escapeHtml(JSON.stringify(f.marks))}"></div>
<figcaption>${escapeHtml(f.caption)}</figcaption>
</figure>`;
}

/** `cluster`, `lesion`, …: a kind's short name. */
function kindName(kind: string): string {
  return RESULT_KINDS.find((k) => k.kind === kind)?.name ?? kind;
}

function basename(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
