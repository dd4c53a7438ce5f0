import type { Figure } from './figure.js';
import { fixed, percent } from './html.js';
import { SERIES_COLORS } from './palette.js';

const METHOD_WIDTH = 2.25;
const BASELINE_WIDTH = 1.75;
const FLOOR_COLOR = '#1b1f24';

interface CurvePoint {
  step: number;
  forget: number;
  retain: number;
}

/** What the recovery and relearning figures draw: the excision of a classifier's or a language model's capability (NaN: not finite). */
export interface RecoveryData {
  methods: readonly { name: string; method?: string; baseline: boolean; curve: readonly CurvePoint[] }[];
  intact?: { forget: number };
  floor?: { forget: number; retain?: number };
  relearning: readonly {
    model: string;
    examples: number;
    retainExamples?: number;
    curve: readonly CurvePoint[];
    degenerate?: boolean;
  }[];
}

/** `share`: an accuracy or a rate, in percent; `loss`: nats per token, on an axis fitted to the data. */
type MetricUnit = 'share' | 'loss';

/** How the figures name and scale the two metrics. */
export interface RecoveryMetrics {
  /** The forget metric in words: `accuracy on the forgotten classes`, `loss on the forget domain (nats per token)`. */
  forget: string;
  /** The retain metric in words: `retain accuracy`, `loss on the retain text (nats per token)`. */
  retain: string;
  /** What is forgotten and what retained, in brackets after the panel titles. */
  forgetSet?: string;
  retainSet?: string;
  forgetUnit: MetricUnit;
  retainUnit: MetricUnit;
  /** When a relearning run is degenerate, in words: `retain accuracy fell by more than 10 points`. */
  degenerate: string;
}

/** A value of a metric as the figures label it. */
export const metricText = (unit: MetricUnit, x: number) => (unit === 'share' ? percent(x) : fixed(x, 3));

const rounded = (x: number) => Math.round(x * 1e4) / 1e4;
const finiteOrUndefined = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : undefined);

/**
 * A y axis for a metric: shares from 0 (or below, for an attack success under zero) to 100%; losses over
 * `values` — the curves and the reference lines, which ECharts leaves out of an axis's extent — padded a little.
 */
function metricAxis(unit: MetricUnit, gridIndex: number, values: readonly number[]): Record<string, unknown> {
  const common = { gridIndex, type: 'value', splitLine: { lineStyle: { color: '#eef0f3' } } };
  if (unit === 'share') return { ...common, min: '@fn:shareMin', max: 1, axisLabel: { color: '#4a5361', formatter: '@fn:percentAxis' } };
  const finite = values.filter(Number.isFinite);
  const [lo, hi] = finite.length > 0 ? [Math.min(...finite), Math.max(...finite)] : [0, 1];
  const pad = Math.max(0.05 * (hi - lo), 0.05);
  return {
    ...common,
    min: Math.floor((lo - pad) * 10) / 10,
    max: Math.ceil((hi + pad) * 10) / 10,
    axisLabel: { color: '#4a5361', formatter: '@fn:shortNumber' },
  };
}

const tooltipOf = (unit: MetricUnit) => ({ valueFormatter: unit === 'share' ? '@fn:percent' : '@fn:threeDecimals' });

const stepAxis = (gridIndex: number) => ({
  gridIndex,
  type: 'value',
  name: 'fine-tuning step',
  nameLocation: 'middle',
  nameGap: 26,
  axisLabel: { color: '#4a5361' },
  splitLine: { show: false },
});

const floorLine = (label: string, value: number, color: string, labelColor: string) => ({
  markLine: {
    silent: true,
    symbol: 'none',
    animation: false,
    lineStyle: { color, type: 'dotted', width: 1.5 },
    label: { formatter: label, position: 'insideEndTop', color: labelColor },
    data: [{ yAxis: value }],
  },
});

/**
 * The forget and retain metrics under fine-tuning on retain data, one line per excision method and
 * baseline, with the never-trained floor: where a model that never learned the capability sits.
 */
export function recoveryFigure(result: RecoveryData, metrics: RecoveryMetrics): Figure {
  const panels = [
    {
      key: 'forget' as const,
      title: `${metrics.forget}${metrics.forgetSet ? ` (${metrics.forgetSet})` : ''}`,
      unit: metrics.forgetUnit,
      floor: finiteOrUndefined(result.floor?.forget),
    },
    {
      key: 'retain' as const,
      title: `${metrics.retain}${metrics.retainSet ? ` (${metrics.retainSet})` : ''}`,
      unit: metrics.retainUnit,
      floor: finiteOrUndefined(result.floor?.retain),
    },
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
      tooltip: tooltipOf(panel.unit),
      data: m.curve.map((pt) => [pt.step, rounded(pt[panel.key])]),
      ...(i === 0 && panel.floor !== undefined
        ? floorLine(`never trained ${metricText(panel.unit, panel.floor)}`, panel.floor, FLOOR_COLOR, FLOOR_COLOR)
        : {}),
    })),
  );
  const floors = panels.filter((p) => p.floor !== undefined).length;
  const retainGood = metrics.retainUnit === 'loss' ? 'low' : 'high';
  return {
    kind: 'recovery',
    title: `Does the capability come back? ${capitalized(metrics.forget)} and ${metrics.retain} while fine-tuning on retain data (${methodCount(result.methods.length)})`,
    caption:
      `Left, ${metrics.forget}; right, ${metrics.retain}; solid lines are excision methods and dashed ones baselines, and the dotted line is a model that never learned the capability — ` +
      `a method truly removed it when its forget curve stays near that floor while its retain curve stays ${retainGood}.`,
    height: 340,
    option: {
      animation: false,
      legend: { top: 0, itemStyle: { borderWidth: 0 }, textStyle: { color: '#3b434f' } },
      tooltip: { trigger: 'axis' },
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
      xAxis: [stepAxis(0), stepAxis(1)],
      yAxis: panels.map((panel, p) =>
        metricAxis(panel.unit, p, [
          ...result.methods.flatMap((m) => m.curve.map((pt) => pt[panel.key])),
          ...(panel.floor !== undefined ? [panel.floor] : []),
        ]),
      ),
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
export function relearnStart(result: RecoveryData, model: string): string {
  if (model === 'never-trained') return 'never trained';
  return result.methods.find((m) => m.method === model)?.name ?? model;
}

/**
 * The relearning attack: the forget metric while fine-tuning on a few forget examples (mixed into retain
 * data), one panel per number of examples, one line per start — each method's network after its retain
 * fine-tuning, in that method's colour of the recovery figure (solid for the method under test, dashed for
 * baselines), and the never-trained floor in black. A capability truly removed comes back no faster than in
 * the model that never had it. Degenerate runs (the retain metric collapsed) are drawn faint.
 */
export function relearningFigure(result: RecoveryData, metrics: RecoveryMetrics): Figure {
  const counts = [...new Set(result.relearning.map((r) => r.examples))].sort((a, b) => a - b);
  const width = (92 - 8 * (counts.length - 1)) / counts.length;
  const starts = [...new Set(result.relearning.map((r) => r.model))];
  const color = (model: string) => {
    if (model === 'never-trained') return FLOOR_COLOR;
    const i = result.methods.findIndex((m) => m.method === model);
    return SERIES_COLORS[(i >= 0 ? i : starts.indexOf(model)) % SERIES_COLORS.length];
  };
  const baseline = (model: string) => result.methods.find((m) => m.method === model)?.baseline ?? model !== 'module';
  const firstOfPanel = new Set(counts.map((n) => result.relearning.find((r) => r.examples === n)));
  const intact = finiteOrUndefined(result.intact?.forget);
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
      data: r.curve.map((pt) => [pt.step, rounded(pt.forget)]),
      ...(intact !== undefined && firstOfPanel.has(r)
        ? floorLine(`intact ${metricText(metrics.forgetUnit, intact)}`, intact, INTACT_COLOR, '#4a5361')
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
    title: `Relearning attack: ${metrics.forget} while fine-tuning on a few forget examples${result.relearning.some((r) => r.retainExamples) ? ' mixed with retain examples' : ''}, from each method and from the never-trained floor`,
    caption:
      `One panel per number of forget examples; each line starts from a method's network after its retain fine-tuning (solid: ${relearnStart(result, 'module')}, dashed: baselines, in their colours of the recovery figure) or from the never-trained model (black); the dotted line is the intact network. ` +
      `If a pruned model climbs back much faster than the never-trained one, the capability was hidden rather than removed; faint lines are degenerate runs, whose ${metrics.degenerate}.`,
    height: 340,
    option: {
      animation: false,
      legend: { top: 0, itemStyle: { borderWidth: 0 }, textStyle: { color: '#3b434f' } },
      tooltip: { trigger: 'axis', ...tooltipOf(metrics.forgetUnit) },
      title: counts.map((n, p) => ({
        text: panelTitle(n),
        left: left(p),
        top: 30,
        textStyle: { fontSize: 12, fontWeight: 'normal', color: '#3b434f' },
      })),
      grid: counts.map((_, p) => ({ left: left(p), width: `${width}%`, top: 60, bottom: 44, containLabel: true })),
      xAxis: counts.map((_, p) => stepAxis(p)),
      yAxis: counts.map((n, p) =>
        metricAxis(metrics.forgetUnit, p, [
          ...result.relearning.filter((r) => r.examples === n).flatMap((r) => r.curve.map((pt) => pt.forget)),
          ...(intact !== undefined ? [intact] : []),
        ]),
      ),
      series,
    },
    marks: [
      {
        selector: `path[stroke-width="${RELEARN_WIDTH}"], path[stroke-width="${RELEARN_BASELINE_WIDTH}"]`,
        count: result.relearning.length,
        what: 'relearning curves',
      },
      { selector: `path[stroke="${INTACT_COLOR}"]`, count: intact !== undefined ? counts.length : 0, what: 'intact lines' },
    ],
  };
}
