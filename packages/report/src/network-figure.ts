import type { ClusterView } from './cluster-view.js';
import type { Figure } from './figure.js';
import { count } from './html.js';
import { moduleColor } from './palette.js';

const HEIGHT = 560;
const PLOT = HEIGHT - 70;
/** Marks the node and edge paths in the SVG, so they can be counted. */
const NODE_BORDER = '#fffffe';
const EDGE_MITER = 7;

/**
 * The network drawn as the papers draw it: one column per layer, one dot per unit sorted and coloured by
 * module, and the strongest edges (`drawing`) with opacity and width growing with the weight.
 */
export function networkFigure(result: ClusterView): Figure {
  const { layers, labels } = result;
  // y position of every unit: sorted by module within its layer, removed units last
  const position = labels.map((layerLabels) => {
    const order = layerLabels.map((_, u) => u).sort((a, b) => moduleRank(layerLabels[a]!) - moduleRank(layerLabels[b]!) || a - b);
    const y = new Float64Array(layerLabels.length);
    order.forEach((unit, r) => {
      y[unit] = (r + 0.5) / layerLabels.length;
    });
    return y;
  });
  const round = (x: number) => Math.round(x * 1e4) / 1e4;
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
          ? [{ value: [l, round(position[l]![unit]!)], name: `${layers[l]!.name} · unit ${unit}`, symbolSize: dotSize(layerLabels.length) }]
          : [],
      ),
    ),
  }));
  const edges = result.drawing?.edges ?? [];
  // weights are normalized per pair of layers: input weights are often far smaller than hidden ones
  const strongest = new Map<string, number>();
  for (const [a, , b, , w] of edges) strongest.set(`${a},${b}`, Math.max(strongest.get(`${a},${b}`) ?? 0, w));
  const edgeSeries = {
    type: 'lines',
    coordinateSystem: 'cartesian2d',
    z: 1,
    large: false,
    progressive: 0,
    animation: false,
    silent: true,
    data: edges.map(([a, ua, b, ub, w]) => {
      const t = w / (strongest.get(`${a},${b}`) || 1);
      const la = labels[a]![ua]!;
      const same = la >= 0 && la === labels[b]![ub];
      return {
        coords: [
          [a, round(position[a]![ua]!)],
          [b, round(position[b]![ub]!)],
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
  const nodes = labels.reduce((s, l) => s + l.length, 0);
  const shown = edges.length;
  const block = result.view?.view === 'per-block' ? result.view.block : null;
  return {
    kind: 'network',
    title:
      block !== null
        ? `Block ${block}'s MLP by module: ${count(nodes)} units in ${layers.length} layers, k = ${result.k}`
        : `The network by module: ${count(nodes)} units in ${layers.length} layers, k = ${result.k}`,
    caption:
      (block !== null
        ? `The per-block view (method §9): block ${block}'s MLP as a network of its own, the residual stream as it reads it (after its second LayerNorm, whose gain is folded into W_in) on the left, its neurons, and the residual stream it writes to (W_out) on the right; each dot is a unit, sorted and coloured by its module (grey: units without edges, removed before clustering); `
        : `Each column is a layer (input on the left) and each dot a unit, sorted and coloured by its module (grey: units without edges, removed before clustering); `) +
      `lines are the ${count(shown)} strongest of ${count(result.drawing?.totalEdges ?? result.edges)} weights, darker and thicker for larger |w| within each pair of layers, and coloured where both ends belong to the same module — a modular network shows mostly coloured bands.`,
    height: HEIGHT,
    option: {
      animation: false,
      grid: { left: 20, right: 20, top: 10, bottom: 40 },
      tooltip: { trigger: 'item', formatter: '{a}<br/>{b}' },
      xAxis: {
        type: 'category',
        data: layers.map((l) => `${l.name} (${l.units})`),
        boundaryGap: true,
        axisLine: { show: false },
        axisTick: { show: false },
        axisLabel: { color: '#4a5361', fontSize: 11, interval: 0 },
      },
      yAxis: { type: 'value', min: 0, max: 1, inverse: true, show: false },
      series: [edgeSeries, ...nodeSeries],
    },
    marks: [
      { selector: `path[stroke="${NODE_BORDER}"]`, count: nodes, what: 'units' },
      { selector: `path[stroke-miterlimit="${EDGE_MITER}"]`, count: shown, what: 'edges' },
    ],
  };

  function dotSize(units: number): number {
    return Math.round(Math.max(2, Math.min(9, (0.9 * PLOT) / units)) * 10) / 10;
  }
}

/** Modules in label order, removed units (−1) last. */
export function moduleRank(label: number): number {
  return label < 0 ? Number.MAX_SAFE_INTEGER : label;
}
