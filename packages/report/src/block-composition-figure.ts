import type { ClusterView } from './cluster-view.js';
import type { Figure } from './figure.js';
import { moduleRank } from './network-figure.js';
import { moduleColor } from './palette.js';
import type { ResidualLayout } from './residual-layout.js';

/** Marks the bar segments in the SVG, so they can be counted. */
const SEGMENT_BORDER = '#fffffc';

/**
 * What each block is made of: one bar per block's MLP neurons (and attention heads), and one for the
 * residual stream, split by the share of its units in each module.
 */
export function blockCompositionFigure(result: ClusterView, layout: ResidualLayout): Figure {
  const { layers, labels } = result;
  const rows = [
    { layer: layout.bus, name: `residual stream (${layers[layout.bus]!.units})` },
    ...layout.blocks.flatMap((b) => [
      ...(b.heads !== undefined ? [{ layer: b.heads, name: `block ${b.block} heads (${layers[b.heads]!.units})` }] : []),
      ...(b.neurons !== undefined ? [{ layer: b.neurons, name: `block ${b.block} neurons (${layers[b.neurons]!.units})` }] : []),
    ]),
  ];
  const counts = rows.map(({ layer }) => {
    const byModule = new Map<number, number>();
    for (const label of labels[layer]!) byModule.set(label, (byModule.get(label) ?? 0) + 1);
    return byModule;
  });
  const modules = [...new Set(labels.flat())].sort((a, b) => moduleRank(a) - moduleRank(b));
  const share = (x: number) => Math.round(x * 1e5) / 1e5;
  const series = modules.map((label) => {
    const name = label < 0 ? 'removed (degree 0)' : `module ${label}`;
    return {
      type: 'bar',
      name,
      stack: 'units',
      barMaxWidth: 22,
      animation: false,
      itemStyle: { color: moduleColor(label), borderColor: SEGMENT_BORDER, borderWidth: 0.5, opacity: label < 0 ? 0.7 : 1 },
      label: { show: true, position: 'inside', formatter: '@fn:segmentLabel', fontSize: 10, color: '#1f242b' },
      data: rows.map((row, r) => {
        const n = counts[r]!.get(label) ?? 0;
        const units = layers[row.layer]!.units;
        // a module absent from a row draws nothing (null), so every segment drawn is one module in one row
        return n === 0
          ? null
          : {
              value: share(n / units),
              units: n,
              tip: `${row.name.replace(/ \(\d+\)$/, '')}: ${name}, ${n} of ${units} units (${((100 * n) / units).toFixed(1)}%)`,
            };
      }),
    };
  });
  const segments = counts.reduce((s, c) => s + c.size, 0);
  return {
    kind: 'block-composition',
    title: `What each block is made of: the share of its ${layout.attention ? 'heads and ' : ''}neurons in each module`,
    caption:
      'Each bar is the residual stream or one block’s MLP neurons' +
      (layout.attention ? ' or attention heads' : '') +
      ', split by the share of its units in each module (the numbers count units; hover for more). ' +
      'A colour filling one block’s bars is a module that lives in that block; one spread over the bars of many blocks joins them through the residual stream.',
    height: Math.max(220, 90 + 26 * rows.length),
    option: {
      animation: false,
      grid: { left: 20, right: 24, top: 34, bottom: 30, containLabel: true },
      legend: {
        top: 0,
        left: 'center',
        itemWidth: 12,
        itemHeight: 10,
        itemStyle: { borderColor: '#ffffff', borderWidth: 0 },
        textStyle: { color: '#4a5361', fontSize: 11 },
      },
      tooltip: { trigger: 'item', formatter: '@fn:dataTip' },
      xAxis: {
        type: 'value',
        min: 0,
        max: 1,
        axisLabel: { color: '#4a5361', formatter: '@fn:percentAxis' },
        splitLine: { lineStyle: { color: '#eef0f3' } },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: rows.map((r) => r.name),
        axisTick: { show: false },
        axisLabel: { color: '#4a5361', fontSize: 11 },
      },
      series,
    },
    marks: [{ selector: `path[stroke="${SEGMENT_BORDER}"]`, count: segments, what: 'segments' }],
  };
}
