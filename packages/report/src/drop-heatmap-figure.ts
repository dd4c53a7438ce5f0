import type { Figure } from './figure.js';
import { escapeHtml, fixed, percent } from './html.js';
import type { LesionView, SubclusterView } from './lesion-view.js';

const CELL_BORDER = '#ffffff';
const DOT_COLOR = '#1b1f24';
/** Cells whose |drop| is at least this fraction of the scale's end get white labels. */
const STRONG = 0.6;
/** A class's drop counts as significant at this p (left-sided against the random lesions). */
const SIGNIFICANCE = 0.05;

/** Sub-clusters by importance: the lowest accuracy after the lesion first. */
export function rankSubclusters(result: LesionView): SubclusterView[] {
  return [...result.subclusters].sort((a, b) => a.accuracy - b.accuracy || a.layer.localeCompare(b.layer) || a.cluster - b.cluster);
}

export function subclusterName(s: { layer: string; cluster: number }): string {
  return `${s.layer} · module ${s.cluster}`;
}

/** The sub-cluster × class accuracy-drop matrix, rows ranked by importance, with significance dots. */
export function dropHeatmapFigure(result: LesionView): Figure {
  const rows = rankSubclusters(result);
  const classes = result.classNames;
  const extreme = Math.max(1, ...rows.flatMap((s) => s.drop.filter(Number.isFinite).map((d) => Math.abs(100 * d))));
  const top = Math.ceil(extreme / 5) * 5;
  const cells = rows.flatMap((s, y) =>
    classes.map((c, x) => ({
      value: [x, y, Number.isFinite(s.drop[x]!) ? Math.round(1000 * s.drop[x]!) / 10 : null],
      // white numbers on the saturated ends of the colour scale, dark ones elsewhere
      ...(Number.isFinite(s.drop[x]!) && Math.abs(100 * s.drop[x]!) >= STRONG * top ? { label: { color: '#ffffff' } } : {}),
      tip: `<b>${escapeHtml(subclusterName(s))}</b> (${s.size} units), class ${escapeHtml(c)}<br/>accuracy lost: ${fixed(100 * s.drop[x]!, 1)} points, p = ${fixed(s.dropP[x]!)}`,
    })),
  );
  const dots = rows.flatMap((s, y) => classes.flatMap((_, x) => (s.dropP[x]! <= SIGNIFICANCE ? [[x, y]] : [])));
  const rowHeight = Math.max(22, Math.min(30, Math.round(520 / Math.max(1, rows.length))));
  return {
    kind: 'drop-heatmap',
    title: `Accuracy lost per class when each sub-cluster is silenced (${rows.length} sub-clusters × ${classes.length} classes)`,
    caption:
      `Each row is a sub-cluster (one module's units in one layer), most damaging first; each cell is the accuracy points that class loses when the sub-cluster is silenced (red: lost, blue: gained), ` +
      `and a dot marks a drop larger than in random same-size lesions of that layer (p ≤ ${SIGNIFICANCE} against ${result.random} random lesions each${
        1 / (result.random + 1) > SIGNIFICANCE
          ? `; with ${result.random} random lesions no p can reach ${SIGNIFICANCE}: run with --random 19 or more`
          : ''
      }).`,
    height: rows.length * rowHeight + 80,
    option: {
      animation: false,
      grid: { left: 10, right: 92, top: 12, bottom: 8, containLabel: true },
      tooltip: { trigger: 'item', formatter: '@fn:dataTip' },
      xAxis: {
        type: 'category',
        data: classes,
        position: 'bottom',
        axisLabel: { color: '#3b434f', interval: 0, rotate: classes.some((c) => c.length > 6) ? 30 : 0 },
        axisTick: { show: false },
        splitArea: { show: false },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: rows.map((s) => `${subclusterName(s)} (${s.size})  ${percent(s.accuracy)}`),
        axisLabel: { color: '#3b434f', fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', fontSize: 11 },
        axisTick: { show: false },
      },
      visualMap: {
        type: 'continuous',
        seriesIndex: 0,
        min: -top,
        max: top,
        calculable: false,
        orient: 'vertical',
        right: 4,
        top: 'middle',
        itemHeight: Math.min(220, rows.length * rowHeight - 20),
        itemWidth: 12,
        text: ['lost', 'gained'],
        textStyle: { color: '#4a5361', fontSize: 11 },
        inRange: { color: ['#2c7bb6', '#abd9e9', '#f7f7f7', '#fdae61', '#d7191c'] },
      },
      series: [
        {
          type: 'heatmap',
          name: 'accuracy lost (points)',
          progressive: 0,
          itemStyle: { borderColor: CELL_BORDER, borderWidth: 1 },
          label: { show: true, fontSize: 11, color: '#1f242b', formatter: '@fn:dropLabel', offset: [0, dots.length > 0 ? 3 : 0] },
          emphasis: { itemStyle: { borderColor: '#333', borderWidth: 1.5 } },
          data: cells,
        },
        {
          type: 'scatter',
          name: `p ≤ ${SIGNIFICANCE}`,
          symbol: 'circle',
          symbolSize: 5,
          symbolOffset: [0, -7],
          silent: true,
          large: false,
          itemStyle: { color: DOT_COLOR },
          data: dots,
        },
      ],
    },
    marks: [
      { selector: `path[stroke="${CELL_BORDER}"]`, count: rows.length * classes.length, what: 'cells' },
      { selector: `path[fill="${DOT_COLOR}"]`, count: dots.length, what: 'significance dots' },
    ],
  };
}
