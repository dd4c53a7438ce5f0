import type { ClusterView } from './cluster-view.js';
import type { Figure } from './figure.js';
import { count } from './html.js';
import { moduleRank } from './network-figure.js';
import { moduleColor } from './palette.js';
import type { ResidualLayout } from './residual-layout.js';

/** Marks the node and edge paths in the SVG, so they can be counted (as in `network-figure.ts`). */
const NODE_BORDER = '#fffffe';
const EDGE_MITER = 7;
/** Vertical gap between two blocks, as a share of the plot's height. */
const BLOCK_GAP = 0.035;
const BAND_COLOR = '#f3f5f8';

/**
 * A language model in the residual view (method §9), block by block: the residual stream as one shared bus
 * (the centre column), each block's MLP neurons to its right and its attention heads to its left, blocks
 * from top to bottom, every unit coloured by module, and the strongest edges from the bus to each block.
 */
export function residualNetworkFigure(result: ClusterView, layout: ResidualLayout): Figure {
  const { layers, labels } = result;
  const { blocks, bus, attention } = layout;
  const height = Math.round(Math.min(1400, Math.max(560, 120 + 170 * blocks.length)));
  const plot = height - 70;
  // columns: heads (with attention), the bus, neurons
  const column = { heads: 0, bus: attention ? 1 : 0, neurons: attention ? 2 : 1 };
  const segment = (1 - BLOCK_GAP * (blocks.length - 1)) / blocks.length;
  const top = (i: number) => i * (segment + BLOCK_GAP);
  // every node layer: its column, the span of the y axis it fills, and its units' positions sorted by module
  const place = new Map<number, { x: number; from: number; span: number }>();
  place.set(bus, { x: column.bus, from: 0, span: 1 });
  blocks.forEach((b, i) => {
    if (b.heads !== undefined) place.set(b.heads, { x: column.heads, from: top(i), span: segment });
    if (b.neurons !== undefined) place.set(b.neurons, { x: column.neurons, from: top(i), span: segment });
  });
  const round = (x: number) => Math.round(x * 1e4) / 1e4;
  const position = labels.map((layerLabels, l) => {
    const { from, span } = place.get(l) ?? { from: 0, span: 1 };
    const order = layerLabels.map((_, u) => u).sort((a, b) => moduleRank(layerLabels[a]!) - moduleRank(layerLabels[b]!) || a - b);
    const y = new Float64Array(layerLabels.length);
    order.forEach((unit, r) => {
      y[unit] = round(from + (span * (r + 0.5)) / layerLabels.length);
    });
    return y;
  });
  const isHeads = new Set(blocks.flatMap((b) => (b.heads !== undefined ? [b.heads] : [])));
  const unitName = (l: number, unit: number) =>
    `${layers[l]!.name} · ${l === bus ? 'dimension' : isHeads.has(l) ? 'head' : 'neuron'} ${unit}`;
  const dotSize = (l: number) => {
    const span = place.get(l)?.span ?? 1;
    return Math.round(Math.max(2, Math.min(isHeads.has(l) ? 11 : 9, (0.9 * plot * span) / labels[l]!.length)) * 10) / 10;
  };
  const modules = [...new Set(labels.flat())].sort((a, b) => moduleRank(a) - moduleRank(b));
  const nodeSeries = modules.map((label) => ({
    type: 'scatter',
    name: label < 0 ? 'removed (degree 0)' : `module ${label}`,
    z: 3,
    large: false,
    progressive: 0,
    animation: false,
    itemStyle: { color: moduleColor(label), borderColor: NODE_BORDER, borderWidth: 0.3, opacity: label < 0 ? 0.6 : 1 },
    emphasis: { scale: 1.8 },
    data: labels.flatMap((layerLabels, l) =>
      layerLabels.flatMap((x, unit) =>
        x === label
          ? [
              {
                value: [place.get(l)?.x ?? column.bus, position[l]![unit]!],
                name: unitName(l, unit),
                symbolSize: dotSize(l),
                ...(isHeads.has(l) ? { symbol: 'diamond' } : {}),
              },
            ]
          : [],
      ),
    ),
  }));
  const edges = result.drawing?.edges ?? [];
  // weights are normalized per block's heads or neurons: the two kinds of edge differ in scale
  const strongest = new Map<string, number>();
  const key = (a: number, b: number) => (a === bus ? b : b === bus ? a : `${a},${b}`);
  for (const [a, , b, , w] of edges) strongest.set(`${key(a, b)}`, Math.max(strongest.get(`${key(a, b)}`) ?? 0, w));
  const edgeSeries = {
    type: 'lines',
    coordinateSystem: 'cartesian2d',
    z: 1,
    large: false,
    progressive: 0,
    animation: false,
    silent: true,
    data: edges.map(([a, ua, b, ub, w]) => {
      const t = w / (strongest.get(`${key(a, b)}`) || 1);
      const la = labels[a]![ua]!;
      const same = la >= 0 && la === labels[b]![ub];
      return {
        coords: [
          [place.get(a)?.x ?? column.bus, position[a]![ua]!],
          [place.get(b)?.x ?? column.bus, position[b]![ub]!],
        ],
        lineStyle: {
          color: same ? moduleColor(la) : '#8a94a3',
          opacity: round(0.06 + 0.55 * t * t),
          width: round(0.35 + 1.6 * t),
          miterLimit: EDGE_MITER,
        },
      };
    }),
  };
  // every block as a band across the figure, named on the right; every other band shaded
  const blockSeries = {
    type: 'scatter',
    name: 'blocks',
    silent: true,
    animation: false,
    data: [],
    markArea: {
      silent: true,
      animation: false,
      label: { show: true, position: 'insideRight', color: '#4a5361', fontSize: 12, fontWeight: 600 },
      data: blocks.map((b, i) => [
        {
          name: `block ${b.block}`,
          yAxis: round(top(i) - BLOCK_GAP / 3),
          itemStyle: { color: i % 2 === 1 ? BAND_COLOR : 'rgba(255, 255, 255, 0)' },
        },
        { yAxis: round(top(i) + segment + BLOCK_GAP / 3) },
      ]),
    },
  };
  const columns = [...(attention ? ['attention heads (◆)'] : []), `residual stream (${layers[bus]!.units})`, 'MLP neurons'];
  const nodes = labels.reduce((s, l) => s + l.length, 0);
  const neurons = blocks.reduce((s, b) => s + (b.neurons !== undefined ? layers[b.neurons]!.units : 0), 0);
  const heads = blocks.reduce((s, b) => s + (b.heads !== undefined ? layers[b.heads]!.units : 0), 0);
  const what = `${count(neurons)} MLP neurons${attention ? ` and ${count(heads)} attention heads` : ''}`;
  return {
    kind: 'residual-network',
    title: `The network block by block: the residual stream (${layers[bus]!.units} dimensions) and ${what} in ${blocks.length} block${blocks.length === 1 ? '' : 's'}, k = ${result.k}`,
    caption:
      `The residual view (method §9): the residual stream is one bus shared by every block (${attention ? 'centre' : 'left'} column, one dot per dimension), and each block (top to bottom) reads from and writes to it through its MLP neurons (right)` +
      (attention ? ' and its attention heads (left, diamonds)' : '') +
      `. Residual dimension i and neuron j of block b are joined by |γ_i·W_in[i, j]| + |W_out[j, i]| (γ: that block's second LayerNorm gain)` +
      (attention
        ? `; a head by the mean |w| of its slice of row i of W_Q, W_K and W_V (first LayerNorm gain folded in) plus that of its slice of column i of W_O`
        : '') +
      `. Dots are sorted and coloured by module (grey: units without edges, removed before clustering); lines are the ${count(edges.length)} strongest of ${count(result.drawing?.totalEdges ?? result.edges)} edges, darker and thicker for larger weights within each block's neurons${attention ? ' or heads' : ''}, and coloured where both ends belong to the same module. ${count(nodes)} nodes in all.`,
    height,
    option: {
      animation: false,
      grid: { left: 20, right: 20, top: 10, bottom: 40 },
      tooltip: { trigger: 'item', formatter: '{a}<br/>{b}' },
      xAxis: {
        type: 'category',
        data: columns,
        boundaryGap: true,
        axisLine: { show: false },
        axisTick: { show: false },
        axisLabel: { color: '#4a5361', fontSize: 11, interval: 0 },
      },
      yAxis: { type: 'value', min: 0, max: 1, inverse: true, show: false },
      series: [edgeSeries, ...nodeSeries, blockSeries],
    },
    marks: [
      { selector: `path[stroke="${NODE_BORDER}"]`, count: nodes, what: 'units' },
      { selector: `path[stroke-miterlimit="${EDGE_MITER}"]`, count: edges.length, what: 'edges' },
      { selector: `path[fill="${BAND_COLOR}"]`, count: Math.floor(blocks.length / 2), what: 'block bands' },
    ],
  };
}
