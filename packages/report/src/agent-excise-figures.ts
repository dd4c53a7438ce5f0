import type { AgentCurvePointView, AgentExciseView } from './agent-excise-view.js';
import type { Figure } from './figure.js';
import { fixed, percent } from './html.js';
import { SERIES_COLORS } from './palette.js';

const METHOD_WIDTH = 2.5;
const BASELINE_WIDTH = 1.5;
/** Reference lines: a width no curve has, so that the figures' marks count curves alone. */
const REFERENCE_WIDTH = 1.25;
/** Baselines are drawn dashed and muted, so that module pruning stands out. */
const BASELINE_OPACITY = 0.55;
const DEGENERATE_OPACITY = 0.3;
const FLOOR_COLOR = '#1b1f24';
const INTACT_COLOR = '#8a919c';

const rounded = (x: number) => Math.round(x * 1e4) / 1e4;
const finiteOrUndefined = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : undefined);

/** The forget figure (a probability) as the figures write it. */
export const forgetText = (x: number) => percent(x);
/** The retain figure (a count per episode) as the figures write it. */
export const retainText = (x: number) => fixed(x, 2);

/** The name of a start of the relearning attack: the method's name, or `never trained`. */
export function agentStartName(result: AgentExciseView, model: string): string {
  if (model === 'never-trained') return 'never trained';
  return result.methods.find((m) => m.method === model)?.name ?? model;
}

/** The colour of a method, the same in every figure of the section; black for the never-trained agents. */
function methodColor(result: AgentExciseView, model: string): string {
  if (model === 'never-trained') return FLOOR_COLOR;
  const i = result.methods.findIndex((m) => m.method === model);
  return SERIES_COLORS[Math.max(i, 0) % SERIES_COLORS.length]!;
}

const grid = (left: number, width: number) => ({ left: `${left}%`, width: `${width}%`, top: 60, bottom: 44, containLabel: true });

const updateAxis = (gridIndex: number, name: string) => ({
  gridIndex,
  type: 'value',
  name,
  nameLocation: 'middle',
  nameGap: 26,
  minInterval: 1,
  axisLabel: { color: '#4a5361' },
  splitLine: { show: false },
});

/** A probability: 0 to 100%. */
const shareAxis = (gridIndex: number) => ({
  gridIndex,
  type: 'value',
  min: 0,
  max: 1,
  splitLine: { lineStyle: { color: '#eef0f3' } },
  axisLabel: { color: '#4a5361', formatter: '@fn:percentAxis' },
});

/** A count per episode: from 0 (or below) to a little above every value, reference lines included (ECharts leaves them out of the extent). */
function countAxis(gridIndex: number, values: readonly number[]) {
  const finite = values.filter(Number.isFinite);
  const lo = Math.min(0, ...finite);
  const hi = finite.length > 0 ? Math.max(...finite) : 1;
  const pad = Math.max(0.05 * (hi - lo), 0.05);
  return {
    gridIndex,
    type: 'value',
    min: lo < 0 ? Math.floor((lo - pad) * 10) / 10 : 0,
    max: Math.ceil((hi + pad) * 10) / 10,
    splitLine: { lineStyle: { color: '#eef0f3' } },
    axisLabel: { color: '#4a5361', formatter: '@fn:shortNumber' },
  };
}

/** Horizontal reference lines (the never-trained floor, the intact agents) on one panel; none where no value is finite. */
function referenceLines(lines: readonly { label: string; value: number | undefined; color: string; labelColor: string }[]) {
  const data = lines
    .filter((l) => l.value !== undefined)
    .map((l) => ({
      yAxis: l.value,
      lineStyle: { color: l.color, type: 'dotted', width: REFERENCE_WIDTH, opacity: 1 },
      label: { formatter: l.label, position: 'insideEndTop', color: l.labelColor },
    }));
  if (data.length === 0) return {};
  return { markLine: { silent: true, symbol: 'none', animation: false, data } };
}

const titles = (texts: readonly string[], lefts: readonly number[]) =>
  texts.map((text, i) => ({ text, left: `${lefts[i]}%`, top: 30, textStyle: { fontSize: 12, fontWeight: 'normal', color: '#3b434f' } }));

/**
 * The forget and retain figures while the pruned agents are fine-tuned in the trusted environment (both
 * measured in the environment the behaviour was learned in), one line per method — module pruning solid
 * and strong, the baselines dashed and muted — with the never-trained agents and the intact ones as
 * dotted horizontal lines.
 */
export function agentFineTuningFigure(result: AgentExciseView): Figure {
  const { forget, retain } = result.behaviours;
  const floor = result.floor;
  const floorName = floor?.comparable === false ? 'never trained (no floor)' : 'never trained';
  const panels = [
    {
      key: 'forget' as const,
      title: `forget: ${forget.description}`,
      text: forgetText,
      floor: finiteOrUndefined(floor?.figures.forget),
      intact: finiteOrUndefined(result.intact.forget),
    },
    {
      key: 'retain' as const,
      title: `retain: ${retain.description}`,
      text: retainText,
      floor: finiteOrUndefined(floor?.figures.retain),
      intact: finiteOrUndefined(result.intact.retain),
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
      color: methodColor(result, m.method),
      z: m.baseline ? 2 : 3,
      lineStyle: {
        width: m.baseline ? BASELINE_WIDTH : METHOD_WIDTH,
        type: m.baseline ? 'dashed' : 'solid',
        ...(m.baseline ? { opacity: BASELINE_OPACITY } : {}),
      },
      ...(m.baseline ? { itemStyle: { opacity: BASELINE_OPACITY } } : {}),
      tooltip: { valueFormatter: p === 0 ? '@fn:percent' : '@fn:threeDecimals' },
      data: m.curve.map((pt) => [pt.update, rounded(pt[panel.key])]),
      ...(i === 0
        ? referenceLines([
            {
              label: `${floorName} ${panel.text(panel.floor ?? Number.NaN)}`,
              value: panel.floor,
              color: FLOOR_COLOR,
              labelColor: FLOOR_COLOR,
            },
            { label: `intact ${panel.text(panel.intact ?? Number.NaN)}`, value: panel.intact, color: INTACT_COLOR, labelColor: '#4a5361' },
          ])
        : {}),
    })),
  );
  const axisValues = (key: 'forget' | 'retain', extra: readonly (number | undefined)[]) => [
    ...result.methods.flatMap((m) => m.curve.map((pt) => pt[key])),
    ...extra.filter((x): x is number => x !== undefined),
  ];
  return {
    kind: 'agent-fine-tuning',
    title: `Does ${forget.name} come back? ${capitalized(forget.description)} and ${retain.description} while the agents are fine-tuned in the trusted environment`,
    caption:
      `Left, ${forget.description}; right, ${retain.description}: the team's means, measured in ${result.environment.name} as the behaviour was learned, ${result.evaluateEvery === 1 ? 'after every PPO update' : `every ${plural(result.evaluateEvery, 'PPO update')}`} of fine-tuning in the trusted environment (pruned units held at zero). ` +
      `Module pruning is the solid line, the baselines (same units per layer) dashed and faint; the dotted lines are the intact agents (grey) and the never-trained agents, trained only in the trusted environment (black) — ` +
      `${forget.name} was removed when the left curve stays near the black line while the right one stays up.`,
    height: 340,
    option: {
      animation: false,
      legend: { top: 0, itemStyle: { borderWidth: 0 }, textStyle: { color: '#3b434f' } },
      tooltip: { trigger: 'axis' },
      title: titles(
        panels.map((p) => p.title),
        [4, 54],
      ),
      grid: [grid(4, 42), grid(54, 42)],
      xAxis: [updateAxis(0, 'PPO update of fine-tuning'), updateAxis(1, 'PPO update of fine-tuning')],
      yAxis: [shareAxis(0), countAxis(1, axisValues('retain', [panels[1]!.floor, panels[1]!.intact]))],
      series,
    },
    marks: [
      {
        selector: `path[stroke-width="${METHOD_WIDTH}"], path[stroke-width="${BASELINE_WIDTH}"]`,
        count: 2 * result.methods.length,
        what: 'curves',
      },
      {
        selector: `path[stroke="${FLOOR_COLOR}"]`,
        count: panels.filter((p) => p.floor !== undefined).length,
        what: 'never-trained floors',
      },
      { selector: `path[stroke="${INTACT_COLOR}"]`, count: panels.filter((p) => p.intact !== undefined).length, what: 'intact lines' },
    ],
  };
}

/**
 * The relearning attack: the forget figure while each start is trained again with PPO in the environment
 * the behaviour was learned in, one panel per length of the attack, one line per start — each method's
 * agents after their fine-tuning, in the method's colour, and the never-trained agents in black — with the
 * intact agents dotted. Degenerate runs (task competence collapsed) are faint and named in the panel title.
 */
export function agentRelearningFigure(result: AgentExciseView): Figure {
  const { forget } = result.behaviours;
  const lengths = [...new Set(result.relearning.map((r) => r.updates))].sort((a, b) => a - b);
  const width = (92 - 8 * (lengths.length - 1)) / lengths.length;
  const lefts = lengths.map((_, p) => 4 + p * (width + 8));
  const intact = finiteOrUndefined(result.intact.forget);
  const firstOfPanel = new Set(lengths.map((n) => result.relearning.find((r) => r.updates === n)));
  const baseline = (model: string) =>
    model !== 'never-trained' && (result.methods.find((m) => m.method === model)?.baseline ?? model !== 'module');
  const series = result.relearning.map((r) => {
    const p = lengths.indexOf(r.updates);
    const muted = baseline(r.model);
    const opacity = r.degenerate ? DEGENERATE_OPACITY : muted ? BASELINE_OPACITY : undefined;
    return {
      type: 'line',
      name: agentStartName(result, r.model),
      xAxisIndex: p,
      yAxisIndex: p,
      showSymbol: r.curve.length <= 12,
      symbolSize: 5,
      color: methodColor(result, r.model),
      z: muted ? 2 : 3,
      lineStyle: {
        width: muted ? BASELINE_WIDTH : METHOD_WIDTH,
        type: muted ? 'dashed' : 'solid',
        ...(opacity !== undefined ? { opacity } : {}),
      },
      ...(opacity !== undefined ? { itemStyle: { opacity } } : {}),
      data: r.curve.map((pt: AgentCurvePointView) => [pt.update, rounded(pt.forget)]),
      ...(firstOfPanel.has(r)
        ? referenceLines([
            { label: `intact ${forgetText(intact ?? Number.NaN)}`, value: intact, color: INTACT_COLOR, labelColor: '#4a5361' },
          ])
        : {}),
    };
  });
  const panelTitle = (n: number) => {
    const degenerate = result.relearning.filter((r) => r.updates === n && r.degenerate).map((r) => agentStartName(result, r.model));
    return `${plural(n, 'PPO update')} in ${result.environment.name}${degenerate.length > 0 ? ` — degenerate (faint): ${degenerate.join(', ')}` : ''}`;
  };
  return {
    kind: 'agent-relearning',
    title: `Relearning attack: ${forget.description} while the agents are trained again in ${result.environment.name}, from each method and from the never-trained agents`,
    caption:
      `One panel per length of the attack (PPO in ${result.environment.name}, the environment the behaviour was learned in); each line starts from a method's agents after their fine-tuning (solid: module pruning, dashed: baselines, in their colours of the fine-tuning figure) or from the never-trained agents (black); the dotted line is the intact agents. ` +
      `If the pruned agents take ${forget.name} up again much faster than the never-trained ones, it was hidden rather than removed; faint lines are degenerate runs, whose ${result.behaviours.retain.description} fell by more than 10% during the attack.`,
    height: 340,
    option: {
      animation: false,
      legend: { top: 0, itemStyle: { borderWidth: 0 }, textStyle: { color: '#3b434f' } },
      tooltip: { trigger: 'axis', valueFormatter: '@fn:percent' },
      title: titles(lengths.map(panelTitle), lefts),
      grid: lefts.map((left) => grid(left, width)),
      xAxis: lengths.map((_, p) => updateAxis(p, 'PPO update of the attack')),
      yAxis: lengths.map((_, p) => shareAxis(p)),
      series,
    },
    marks: [
      {
        selector: `path[stroke-width="${METHOD_WIDTH}"], path[stroke-width="${BASELINE_WIDTH}"]`,
        count: result.relearning.length,
        what: 'relearning curves',
      },
      { selector: `path[stroke="${INTACT_COLOR}"]`, count: intact !== undefined ? lengths.length : 0, what: 'intact lines' },
    ],
  };
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** `1 PPO update`, `10 PPO updates`. */
export const plural = (n: number, what: string) => `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;
