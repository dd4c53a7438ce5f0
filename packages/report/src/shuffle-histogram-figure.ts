import type { ClusterView, NullTestView } from './cluster-view.js';
import type { Figure } from './figure.js';
import { fixed } from './html.js';

const BAR_COLOR = '#9fb1c9';
const REAL_COLOR = '#d1495b';

/** What each null keeps, for the caption. */
const NULL_WORDS: Record<string, string> = {
  layer: "each layer's weights permuted, zeros included",
  'layer-nonzero': "each layer's non-zero weights permuted among the non-zero positions",
};

/**
 * What a null shuffles, in words: for a language model (method §9), each weight matrix on its own before
 * the edges are combined; otherwise each layer's weights.
 */
function nullWords(result: ClusterView, name: string): string {
  const view = result.view;
  if (!view) return NULL_WORDS[name] ?? `weights shuffled by the '${name}' null`;
  const matrices =
    view.view === 'per-block'
      ? `block ${view.block}'s W_in and W_out`
      : `every block's W_in, W_out${view.attention ? ', W_Q, W_K, W_V and W_O' : ''}`;
  if (name === 'layer') return `each weight matrix (${matrices}) permuted on its own, zeros included, before the edges are combined`;
  if (name === 'layer-nonzero')
    return `each weight matrix's non-zero weights (${matrices}) permuted among its non-zero positions before the edges are combined`;
  return `each weight matrix (${matrices}) shuffled by the '${name}' null before the edges are combined`;
}

/** Number of histogram bins for n shuffled values. */
function histogramBins(n: number): number {
  return Math.max(5, Math.min(30, 2 * Math.ceil(Math.sqrt(n))));
}

/** The network's n-cut against the histogram of the n-cuts of its shuffles under one null model. */
export function shuffleHistogramFigure(result: ClusterView, name: string, test: NullTestView): Figure {
  const bins = histogramBins(test.n);
  const lo = Math.min(...test.values);
  const hi = Math.max(...test.values);
  const width = hi > lo ? (hi - lo) / bins : Math.max(1e-3, Math.abs(lo) * 1e-3);
  const start = hi > lo ? lo : lo - (width * bins) / 2;
  const counts = new Array<number>(bins).fill(0);
  for (const v of test.values) counts[Math.min(bins - 1, Math.max(0, Math.floor((v - start) / width)))]!++;
  const edges = counts.map((c, i) => [start + i * width, start + (i + 1) * width, c] as const);
  const left = Math.min(result.ncut, start);
  const right = Math.max(result.ncut, start + bins * width);
  const pad = (right - left) * 0.06 || 0.01;
  const minP = 1 / (test.n + 1);
  const z = Number.isFinite(test.z) ? fixed(test.z, 2) : test.z > 0 ? '+∞' : test.z < 0 ? '−∞' : '—';
  return {
    kind: 'shuffle-histogram',
    title: `'${name}' null: n-cut ${fixed(result.ncut)} vs ${fixed(test.mean)} ± ${fixed(test.std)} shuffled (z = ${z}, p = ${fixed(test.p)})`,
    caption:
      `Bars count the n-cuts of ${test.n} networks with ${nullWords(result, name)}; the red line is the network's own n-cut, ` +
      `and the further left of the bars it lies, the more clusterable the network is than chance` +
      (test.p <= minP + 1e-12 ? ` (p = ${fixed(test.p)} is the smallest p that ${test.n} shuffles can give).` : '.'),
    height: 260,
    option: {
      animation: false,
      grid: { left: 52, right: 28, top: 30, bottom: 44 },
      tooltip: { trigger: 'item', formatter: '@fn:histogramTooltip' },
      xAxis: {
        type: 'value',
        min: round(left - pad),
        max: round(right + pad),
        name: 'n-cut (lower = more clusterable)',
        nameLocation: 'middle',
        nameGap: 28,
        scale: true,
        axisLabel: { color: '#4a5361', formatter: '@fn:shortNumber', showMinLabel: false, showMaxLabel: false },
        splitLine: { show: false },
      },
      yAxis: {
        type: 'value',
        name: 'shuffles',
        nameLocation: 'middle',
        nameGap: 30,
        minInterval: 1,
        nameTextStyle: { color: '#6b7480' },
        axisLabel: { color: '#4a5361' },
        splitLine: { lineStyle: { color: '#eef0f3' } },
      },
      series: [
        {
          type: 'custom',
          name: 'shuffled n-cuts',
          renderItem: '@fn:histogramBin',
          itemStyle: { color: BAR_COLOR },
          encode: { x: [0, 1], y: 2 },
          data: edges.map(([a, b, c]) => [round(a), round(b), c]),
          markLine: {
            silent: true,
            symbol: 'none',
            animation: false,
            lineStyle: { color: REAL_COLOR, width: 2, type: 'solid' },
            label: { formatter: `network ${fixed(result.ncut)}`, color: REAL_COLOR, fontWeight: 'bold', position: 'insideEndTop' },
            data: [{ xAxis: result.ncut }],
          },
        },
      ],
    },
    marks: [{ selector: `path[fill="${BAR_COLOR}"]`, count: bins, what: 'histogram bins' }],
  };
}

function round(x: number): number {
  return Number(x.toPrecision(8));
}
