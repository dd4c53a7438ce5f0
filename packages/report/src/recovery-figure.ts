import type { ExciseResult } from './excise-result.js';
import type { Figure } from './figure.js';
import { percent } from './html.js';
import { SERIES_COLORS } from './palette.js';

const METHOD_WIDTH = 2.25;
const BASELINE_WIDTH = 1.75;
const FLOOR_COLOR = '#1b1f24';

/**
 * Forget and retain accuracy under fine-tuning on retain data, one line per excision method and baseline,
 * with the never-trained floor: the forget accuracy a model that never learned the capability reaches.
 */
export function recoveryFigure(result: ExciseResult): Figure {
  const panels = [
    { key: 'forget' as const, title: `forget accuracy${result.forget ? ` (${result.forget})` : ''}`, floor: result.floor?.forget },
    { key: 'retain' as const, title: `retain accuracy${result.retain ? ` (${result.retain})` : ''}`, floor: result.floor?.retain },
  ];
  const series = panels.flatMap((panel, p) =>
    result.methods.map((m, i) => ({
      type: 'line',
      name: m.name,
      xAxisIndex: p,
      yAxisIndex: p,
      showSymbol: m.curve.length <= 12,
      symbolSize: 5,
      color: SERIES_COLORS[i % SERIES_COLORS.length],
      lineStyle: { width: m.baseline ? BASELINE_WIDTH : METHOD_WIDTH, type: m.baseline ? 'dashed' : 'solid' },
      data: m.curve.map((pt) => [pt.step, Math.round(pt[panel.key] * 1e4) / 1e4]),
      ...(i === 0 && panel.floor !== undefined
        ? {
            markLine: {
              silent: true,
              symbol: 'none',
              animation: false,
              lineStyle: { color: FLOOR_COLOR, type: 'dotted', width: 1.5 },
              label: { formatter: `never trained ${percent(panel.floor)}`, position: 'insideEndTop', color: FLOOR_COLOR },
              data: [{ yAxis: panel.floor }],
            },
          }
        : {}),
    })),
  );
  const floors = panels.filter((p) => p.floor !== undefined).length;
  const axis = (p: number) => ({ gridIndex: p, type: 'value', name: 'fine-tuning step', nameLocation: 'middle', nameGap: 26, axisLabel: { color: '#4a5361' }, splitLine: { show: false } });
  return {
    kind: 'recovery',
    title: `Does the capability come back? Forget and retain accuracy while fine-tuning on retain data (${result.methods.length} methods and baselines)`,
    caption:
      `Left, accuracy on the forget set; right, on the retain set; solid lines are excision methods and dashed ones baselines, and the dotted line is a model that never learned the capability — ` +
      `a method truly removed it when its forget curve stays near that floor while its retain curve stays high.`,
    height: 340,
    option: {
      animation: false,
      legend: { top: 0, itemStyle: { borderWidth: 0 }, textStyle: { color: '#3b434f' } },
      tooltip: { trigger: 'axis', valueFormatter: '@fn:percent' },
      title: panels.map((p, i) => ({ text: p.title, left: i === 0 ? '4%' : '54%', top: 30, textStyle: { fontSize: 12, fontWeight: 'normal', color: '#3b434f' } })),
      grid: [
        { left: '4%', width: '42%', top: 60, bottom: 44, containLabel: true },
        { left: '54%', width: '42%', top: 60, bottom: 44, containLabel: true },
      ],
      xAxis: [axis(0), axis(1)],
      yAxis: [0, 1].map((p) => ({ gridIndex: p, type: 'value', min: 0, max: 1, axisLabel: { color: '#4a5361', formatter: '@fn:percentAxis' }, splitLine: { lineStyle: { color: '#eef0f3' } } })),
      series,
    },
    marks: [
      { selector: `path[stroke-width="${METHOD_WIDTH}"], path[stroke-width="${BASELINE_WIDTH}"]`, count: 2 * result.methods.length, what: 'curves' },
      { selector: `path[stroke="${FLOOR_COLOR}"]`, count: floors, what: 'never-trained floors' },
    ],
  };
}
