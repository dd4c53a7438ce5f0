import type { ExciseView } from './excise-view.js';
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
export function recoveryFigure(result: ExciseView): Figure {
  const panels = [
    {
      key: 'forget' as const,
      title: `${result.forgetMetric ?? 'forget accuracy'}${result.forget ? ` (${result.forget})` : ''}`,
      floor: result.floor?.forget,
    },
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
  const axis = (p: number) => ({
    gridIndex: p,
    type: 'value',
    name: 'fine-tuning step',
    nameLocation: 'middle',
    nameGap: 26,
    axisLabel: { color: '#4a5361' },
    splitLine: { show: false },
  });
  return {
    kind: 'recovery',
    title: `Does the capability come back? ${capitalized(result.forgetMetric ?? 'forget accuracy')} and retain accuracy while fine-tuning on retain data (${methodCount(result.methods.length)})`,
    caption:
      `Left, ${result.forgetMetric ?? 'accuracy on the forget set'}; right, accuracy on the retain set; solid lines are excision methods and dashed ones baselines, and the dotted line is a model that never learned the capability — ` +
      `a method truly removed it when its forget curve stays near that floor while its retain curve stays high.`,
    height: 340,
    option: {
      animation: false,
      legend: { top: 0, itemStyle: { borderWidth: 0 }, textStyle: { color: '#3b434f' } },
      tooltip: { trigger: 'axis', valueFormatter: '@fn:percent' },
      title: panels.map((p, i) => ({
        text: p.title,
        left: i === 0 ? '4%' : '54%',
        top: 30,
        textStyle: { fontSize: 12, fontWeight: 'normal', color: '#3b434f' },
      })),
      grid: [
        { left: '4%', width: '42%', top: 60, bottom: 44, containLabel: true },
        { left: '54%', width: '42%', top: 60, bottom: 44, containLabel: true },
      ],
      xAxis: [axis(0), axis(1)],
      yAxis: [0, 1].map((p) => ({
        gridIndex: p,
        type: 'value',
        min: 0,
        max: 1,
        axisLabel: { color: '#4a5361', formatter: '@fn:percentAxis' },
        splitLine: { lineStyle: { color: '#eef0f3' } },
      })),
      series,
    },
    marks: [
      {
        selector: `path[stroke-width="${METHOD_WIDTH}"], path[stroke-width="${BASELINE_WIDTH}"]`,
        count: 2 * result.methods.length,
        what: 'curves',
      },
      { selector: `path[stroke="${FLOOR_COLOR}"]`, count: floors, what: 'never-trained floors' },
    ],
  };
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** `5 methods and baselines`, `1 method`. */
export const methodCount = (n: number) => (n === 1 ? '1 method' : `${n} methods and baselines`);

const RELEARN_WIDTH = 2.5;

/**
 * The relearning attack: the forget metric while fine-tuning on a few forget examples, from the
 * module-pruned model (solid) and from the never-trained one (dashed), one colour per number of examples.
 * A capability truly removed comes back no faster than in the model that never had it.
 */
export function relearningFigure(result: ExciseView): Figure {
  const counts = [...new Set(result.relearning.map((r) => r.examples))].sort((a, b) => a - b);
  const metric = result.forgetMetric ?? 'forget accuracy';
  const series = result.relearning.map((r) => ({
    type: 'line',
    name: `${r.model === 'never-trained' ? 'never trained' : r.model === 'module' ? 'module-pruned' : r.model}, ${r.examples} examples${r.retainExamples ? ` + ${r.retainExamples} retain` : ''}${r.degenerate ? ' (degenerate)' : ''}`,
    showSymbol: r.curve.length <= 12,
    symbolSize: 5,
    color: SERIES_COLORS[counts.indexOf(r.examples) % SERIES_COLORS.length],
    lineStyle: { width: RELEARN_WIDTH, type: r.model === 'never-trained' ? 'dashed' : 'solid' },
    data: r.curve.map((pt) => [pt.step, Math.round(pt.forget * 1e4) / 1e4]),
    ...(result.intact && r === result.relearning[0]
      ? {
          markLine: {
            silent: true,
            symbol: 'none',
            animation: false,
            lineStyle: { color: FLOOR_COLOR, type: 'dotted', width: 1.5 },
            label: { formatter: `intact ${percent(result.intact.forget)}`, position: 'insideEndTop', color: FLOOR_COLOR },
            data: [{ yAxis: result.intact.forget }],
          },
        }
      : {}),
  }));
  return {
    kind: 'relearning',
    title: `Relearning attack: ${metric} while fine-tuning on a few forget examples${result.relearning.some((r) => r.retainExamples) ? ' mixed with retain examples' : ''}`,
    caption:
      `Solid lines start from the module-pruned model, dashed ones from the never-trained model, one colour per number of forget examples; the dotted line is the intact network — ` +
      `if the pruned model climbs back much faster than the never-trained one, the capability was hidden rather than removed.`,
    height: 320,
    option: {
      animation: false,
      legend: { top: 0, itemStyle: { borderWidth: 0 }, textStyle: { color: '#3b434f' } },
      tooltip: { trigger: 'axis', valueFormatter: '@fn:percent' },
      grid: { left: '4%', right: '4%', top: 50, bottom: 44, containLabel: true },
      xAxis: {
        type: 'value',
        name: 'fine-tuning step',
        nameLocation: 'middle',
        nameGap: 26,
        axisLabel: { color: '#4a5361' },
        splitLine: { show: false },
      },
      yAxis: {
        type: 'value',
        min: 0,
        max: 1,
        axisLabel: { color: '#4a5361', formatter: '@fn:percentAxis' },
        splitLine: { lineStyle: { color: '#eef0f3' } },
      },
      series,
    },
    marks: [
      { selector: `path[stroke-width="${RELEARN_WIDTH}"]`, count: result.relearning.length, what: 'relearning curves' },
      { selector: `path[stroke="${FLOOR_COLOR}"]`, count: result.intact ? 1 : 0, what: 'intact line' },
    ],
  };
}
