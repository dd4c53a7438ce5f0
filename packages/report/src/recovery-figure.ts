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
const RELEARN_BASELINE_WIDTH = 1.75;
const INTACT_COLOR = '#8a919c';
const DEGENERATE_OPACITY = 0.4;

/** Where a relearning attack started, in words: the method's name, or `never trained` for the floor. */
export function relearnStart(result: ExciseView, model: string): string {
  if (model === 'never-trained') return 'never trained';
  return result.methods.find((m) => m.method === model)?.name ?? model;
}

/**
 * The relearning attack: the forget metric while fine-tuning on a few forget examples (mixed into retain
 * data), one panel per number of examples, one line per start — each method's network after its retain
 * fine-tuning, in that method's colour of the recovery figure (solid for the method under test, dashed for
 * baselines), and the never-trained floor in black. A capability truly removed comes back no faster than in
 * the model that never had it. Degenerate runs (retain down by more than 10 points) are drawn faint.
 */
export function relearningFigure(result: ExciseView): Figure {
  const counts = [...new Set(result.relearning.map((r) => r.examples))].sort((a, b) => a - b);
  const metric = result.forgetMetric ?? 'forget accuracy';
  const width = (92 - 8 * (counts.length - 1)) / counts.length;
  const starts = [...new Set(result.relearning.map((r) => r.model))];
  const color = (model: string) => {
    if (model === 'never-trained') return FLOOR_COLOR;
    const i = result.methods.findIndex((m) => m.method === model);
    return SERIES_COLORS[(i >= 0 ? i : starts.indexOf(model as never)) % SERIES_COLORS.length];
  };
  const baseline = (model: string) => result.methods.find((m) => m.method === model)?.baseline ?? model !== 'module';
  const firstOfPanel = new Set(counts.map((n) => result.relearning.find((r) => r.examples === n)));
  const series = result.relearning.map((r) => {
    const p = counts.indexOf(r.examples);
    const dashed = r.model !== 'never-trained' && baseline(r.model);
    return {
      type: 'line',
      name: relearnStart(result, r.model),
      xAxisIndex: p,
      yAxisIndex: p,
      showSymbol: r.curve.length <= 12,
      symbolSize: 5,
      color: color(r.model),
      lineStyle: {
        width: dashed ? RELEARN_BASELINE_WIDTH : RELEARN_WIDTH,
        type: dashed ? 'dashed' : 'solid',
        ...(r.degenerate ? { opacity: DEGENERATE_OPACITY } : {}),
      },
      ...(r.degenerate ? { itemStyle: { opacity: DEGENERATE_OPACITY } } : {}),
      data: r.curve.map((pt) => [pt.step, Math.round(pt.forget * 1e4) / 1e4]),
      ...(result.intact && firstOfPanel.has(r)
        ? {
            markLine: {
              silent: true,
              symbol: 'none',
              animation: false,
              lineStyle: { color: INTACT_COLOR, type: 'dotted', width: 1.5 },
              label: { formatter: `intact ${percent(result.intact.forget)}`, position: 'insideEndTop', color: '#4a5361' },
              data: [{ yAxis: result.intact.forget }],
            },
          }
        : {}),
    };
  });
  const panelTitle = (n: number) => {
    const runs = result.relearning.filter((r) => r.examples === n);
    const mixed = runs.find((r) => r.retainExamples)?.retainExamples;
    const degenerate = runs.filter((r) => r.degenerate).map((r) => relearnStart(result, r.model));
    return `${n} forget example${n === 1 ? '' : 's'}${mixed ? ` + ${mixed} retain` : ''}${degenerate.length ? ` — degenerate (faint): ${degenerate.join(', ')}` : ''}`;
  };
  const left = (p: number) => `${4 + p * (width + 8)}%`;
  return {
    kind: 'relearning',
    title: `Relearning attack: ${metric} while fine-tuning on a few forget examples${result.relearning.some((r) => r.retainExamples) ? ' mixed with retain examples' : ''}, from each method and from the never-trained floor`,
    caption:
      `One panel per number of forget examples; each line starts from a method's network after its retain fine-tuning (solid: ${relearnStart(result, 'module')}, dashed: baselines, in their colours of the recovery figure) or from the never-trained model (black); the dotted line is the intact network. ` +
      `If a pruned model climbs back much faster than the never-trained one, the capability was hidden rather than removed; faint lines are degenerate runs, whose retain accuracy fell by more than 10 points.`,
    height: 340,
    option: {
      animation: false,
      legend: { top: 0, itemStyle: { borderWidth: 0 }, textStyle: { color: '#3b434f' } },
      tooltip: { trigger: 'axis', valueFormatter: '@fn:percent' },
      title: counts.map((n, p) => ({
        text: panelTitle(n),
        left: left(p),
        top: 30,
        textStyle: { fontSize: 12, fontWeight: 'normal', color: '#3b434f' },
      })),
      grid: counts.map((_, p) => ({ left: left(p), width: `${width}%`, top: 60, bottom: 44, containLabel: true })),
      xAxis: counts.map((_, p) => ({
        gridIndex: p,
        type: 'value',
        name: 'fine-tuning step',
        nameLocation: 'middle',
        nameGap: 26,
        axisLabel: { color: '#4a5361' },
        splitLine: { show: false },
      })),
      yAxis: counts.map((_, p) => ({
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
        selector: `path[stroke-width="${RELEARN_WIDTH}"], path[stroke-width="${RELEARN_BASELINE_WIDTH}"]`,
        count: result.relearning.length,
        what: 'relearning curves',
      },
      { selector: `path[stroke="${INTACT_COLOR}"]`, count: result.intact ? counts.length : 0, what: 'intact lines' },
    ],
  };
}
