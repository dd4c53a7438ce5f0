import type { ClusterView } from './cluster-view.js';
import type { Block, Section } from './figure.js';
import { count, escapeHtml, fixed, percent, significant } from './html.js';
import { blockCompositionFigure } from './block-composition-figure.js';
import { networkFigure } from './network-figure.js';
import { moduleColor } from './palette.js';
import { residualLayout, shortResidualLayer } from './residual-layout.js';
import { residualNetworkFigure } from './residual-network-figure.js';
import { shuffleHistogramFigure } from './shuffle-histogram-figure.js';

/** The clusterability section: headline numbers, the network by module, the shuffle tests and the cluster table. */
export function clusterSection(result: ClusterView): Section {
  const nulls = Object.entries(result.nulls);
  // a language model's residual view is drawn block by block, with what each block is made of
  const layout = residualLayout(result);
  const blocks: Block[] = layout
    ? [
        { type: 'figure', figure: residualNetworkFigure(result, layout), wide: true },
        { type: 'figure', figure: blockCompositionFigure(result, layout), wide: true },
      ]
    : [{ type: 'figure', figure: networkFigure(result), wide: true }];
  for (const [name, test] of nulls)
    blocks.push({ type: 'figure', figure: shuffleHistogramFigure(result, name, test), wide: nulls.length === 1 });
  blocks.push({
    type: 'html',
    kind: 'cluster-table',
    title: `The ${result.clusters.length} modules`,
    caption:
      'Volume is the summed weight of the edges at a module’s units, cut the part leaving it; conductance (cut over the smaller of the volumes on either side) near 0 and a within-module fraction near 100% mark a well-separated module.',
    html: clusterTable(result),
    wide: true,
  });
  const best = nulls.length > 0 ? nulls.reduce((a, b) => (a[1].p <= b[1].p ? a : b)) : undefined;
  return {
    kind: 'modscope/cluster',
    title: `Clusterability of ${result.network}${result.view?.view === 'per-block' ? `, block ${result.view.block}'s MLP` : ''}`,
    subtitle: `${result.partitioner} partition of the ${viewWords(result)}weight graph, k = ${result.k}; ${count(result.nodes)} nodes (${count(result.removedNodes)} of degree 0 removed), ${count(result.edges)} edges${result.prune !== null ? `, pruned to ${(100 * result.prune).toFixed(0)}% sparsity per layer` : ''}`,
    highlights: [
      { label: 'n-cut', value: fixed(result.ncut), note: `0 = separate modules, ≈ ${result.k - 1} without structure` },
      ...nulls.map(([name, t]) => ({
        label: `vs '${name}' shuffles`,
        value: `z = ${Number.isFinite(t.z) ? fixed(t.z, 1) : '—'}`,
        // p = (r + 1)/(n + 1): at 1/(n + 1) it says so, since more shuffles could take it lower
        note: `mean ${fixed(t.mean)}, p = ${fixed(t.p)} (${t.n} shuffles${t.p === (t.smallestP ?? 1 / (t.n + 1)) ? ', the smallest possible' : ''})`,
        tone: t.p <= 0.05 ? ('good' as const) : ('neutral' as const),
      })),
      {
        label: 'modularity Q',
        value: fixed(result.modularity),
        note: `${percent(result.withinClusterFraction)} of the weight inside modules`,
      },
    ],
    blocks: [
      ...(best ? [{ type: 'html' as const, kind: 'verdict', title: '', caption: '', html: verdicts(result), wide: true }] : []),
      ...warningsBlock(result.warnings),
      ...blocks,
    ],
  };
}

/** The result's warnings (tests whose sample count keeps every p above 0.05), as a list under the verdicts. */
export function warningsBlock(warnings: readonly { message: string }[] | undefined): Block[] {
  if (!warnings?.length) return [];
  const items = warnings.map((w) => `<li>Warning: ${escapeHtml(w.message)}</li>`);
  return [
    {
      type: 'html',
      kind: 'warnings',
      title: '',
      caption: 'Each p here is (r + 1)/(n + 1) against n shuffled networks or random sets, so none can be below 1/(n + 1).',
      html: `<ul class="verdicts">${items.join('')}</ul>`,
      wide: true,
    },
  ];
}

/** The weight-graph view of a language model (method §9), in words, or nothing for other networks. */
function viewWords(result: ClusterView): string {
  const view = result.view;
  if (!view) return '';
  if (view.view === 'per-block') return `per-block view's (block ${view.block}'s MLP, d → neurons → d) `;
  return `residual view's (the residual stream joined to every block's MLP neurons${view.attention ? ' and attention heads' : ''}) `;
}

function verdicts(result: ClusterView): string {
  const items = Object.values(result.nulls).map((t) => `<li>The network is ${escapeHtml(t.verdict)}.</li>`);
  return `<ul class="verdicts">${items.join('')}</ul>`;
}

function clusterTable(result: ClusterView): string {
  const layerCounts = (label: number) => result.labels.map((l) => l.filter((x) => x === label).length);
  const rows = result.clusters.map((c) => {
    const within = c.volume > 0 ? c.internal / c.volume : Number.NaN;
    const spread = layerCounts(c.label)
      .map((n, i) => `<span title="${escapeHtml(result.layers[i]!.name)}: ${n} units" style="opacity:${n === 0 ? 0.15 : 1}">${n}</span>`)
      .join('');
    return `<tr>
<td><span class="swatch" style="background:${moduleColor(c.label)}"></span>${c.label}</td>
<td class="num">${count(c.size)}</td>
<td class="layers">${spread}</td>
<td class="num">${significant(c.volume)}</td>
<td class="num">${significant(c.cut)}</td>
<td class="num">${fixed(c.conductance)}</td>
<td class="bar-cell"><span class="bar" style="width:${Number.isFinite(within) ? (100 * within).toFixed(1) : 0}%"></span><span class="num">${percent(within)}</span></td>
</tr>`;
  });
  const header = result.layers
    .map(
      (l) =>
        `<span title="${escapeHtml(l.name)} (${l.units} units)">${escapeHtml((result.view?.view === 'residual' ? shortResidualLayer(l.id) : undefined) ?? shortLayer(l.name))}</span>`,
    )
    .join('');
  return `<table class="data clusters">
<thead><tr><th>module</th><th class="num">units</th><th class="layers">${header}</th><th class="num">volume</th><th class="num">cut</th><th class="num">conductance</th><th>within-module weight</th></tr></thead>
<tbody>${rows.join('\n')}</tbody>
<tfoot><tr><td>all</td><td class="num">${count(result.nodes)}</td><td></td><td></td><td></td><td></td><td class="bar-cell"><span class="bar total" style="width:${(100 * (result.withinClusterFraction || 0)).toFixed(1)}%"></span><span class="num">${percent(result.withinClusterFraction)}</span></td></tr></tfoot>
</table>`;
}

/** `/0/Gemm` → `0/Gemm`; long names are cut to keep the column narrow. */
function shortLayer(name: string): string {
  const s = name.replace(/^\//, '');
  return s.length > 10 ? `${s.slice(0, 9)}…` : s;
}
