import type { Figure } from './figure.js';
import { escapeHtml, fixed } from './html.js';
import { rankTextSubclusters, textSubclusterName, unitsText, type TextLesionView } from './text-lesion-view.js';

const RANDOM_COLOR = '#9aa5b4';
const RANDOM_BORDER = '#fffffe';
const LESION_BORDER = '#1b1f24';
const SIGNIFICANT = '#d7191c';
const NOT_SIGNIFICANT = '#4e79a7';
/** A sub-cluster's increase counts as important at this p (right-sided against its random sets). */
const SIGNIFICANCE = 0.05;

const nats = (x: number) => `${x > 0 ? '+' : ''}${fixed(x, 4)}`;

/** Each sub-cluster's loss increase (a diamond) against the increases of its random same-size sets (dots), most damaging first. */
export function textLesionFigure(result: TextLesionView): Figure {
  const rows = rankTextSubclusters(result);
  const random = rows.flatMap((s, y) =>
    s.randomIncrease.filter(Number.isFinite).map((x) => ({
      value: [x, y],
      tip: `<b>${escapeHtml(textSubclusterName(s))}</b>: a random set of ${unitsText(s.size, s.kind)}<br/>Δ loss ${nats(x)} nats per token`,
    })),
  );
  const lesions = rows.flatMap((s, y) =>
    Number.isFinite(s.increase)
      ? [
          {
            value: [s.increase, y],
            itemStyle: { color: s.importanceP <= SIGNIFICANCE ? SIGNIFICANT : NOT_SIGNIFICANT },
            tip: `<b>${escapeHtml(textSubclusterName(s))}</b> (${escapeHtml(s.layer)}, ${s.size} of ${s.layerUnits} ${s.kind})<br/>Δ loss ${nats(s.increase)} nats per token, p = ${fixed(s.importanceP)}`,
          },
        ]
      : [],
  );
  const rowHeight = Math.max(22, Math.min(30, Math.round(520 / Math.max(1, rows.length))));
  return {
    kind: 'text-lesion',
    title: `Loss increase when each sub-cluster is lesioned (${rows.length} sub-clusters), against ${result.random} random same-size sets of its layer`,
    caption:
      `Each row is a sub-cluster (one module's MLP neurons or attention heads in one block), most damaging first: the diamond is the increase of the next-token loss (nats per token) when its units are ${result.ablation === 'mean' ? 'set to their mean output' : 'zeroed'}, the grey dots the increases of random sets of as many units of the same layer; ` +
      `a red diamond is larger than its random sets (p ≤ ${SIGNIFICANCE}${1 / (result.random + 1) > SIGNIFICANCE ? `, which no sub-cluster can reach with ${result.random} random sets: run with --random 19 or more` : ''}).`,
    height: rows.length * rowHeight + 90,
    option: {
      animation: false,
      grid: { left: 10, right: 24, top: 36, bottom: 30, containLabel: true },
      legend: {
        top: 4,
        itemStyle: { borderColor: 'transparent', borderWidth: 0 },
        textStyle: { color: '#3b434f' },
        data: ['random same-size sets', 'sub-cluster'],
      },
      tooltip: { trigger: 'item', formatter: '@fn:dataTip' },
      xAxis: {
        type: 'value',
        name: 'Δ loss (nats per token)',
        nameLocation: 'middle',
        nameGap: 24,
        nameTextStyle: { color: '#6b7480' },
        axisLabel: { color: '#4a5361' },
        splitLine: { lineStyle: { color: '#eef0f3' } },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: rows.map((s) => `${textSubclusterName(s)} (${s.size})`),
        axisLabel: { color: '#3b434f', fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', fontSize: 11 },
        axisTick: { show: false },
        splitLine: { show: true, lineStyle: { color: '#f3f4f6' } },
      },
      series: [
        {
          type: 'scatter',
          name: 'random same-size sets',
          symbol: 'circle',
          symbolSize: 6,
          progressive: 0,
          large: false,
          itemStyle: { color: RANDOM_COLOR, opacity: 0.75, borderColor: RANDOM_BORDER, borderWidth: 0.5 },
          data: random,
        },
        {
          type: 'scatter',
          name: 'sub-cluster',
          symbol: 'diamond',
          symbolSize: 14,
          progressive: 0,
          large: false,
          z: 3,
          itemStyle: { color: NOT_SIGNIFICANT, borderColor: LESION_BORDER, borderWidth: 1 },
          data: lesions,
        },
      ],
    },
    marks: [
      { selector: `path[stroke="${RANDOM_BORDER}"]`, count: random.length, what: 'random sets' },
      { selector: `path[stroke="${LESION_BORDER}"]`, count: lesions.length, what: 'sub-clusters' },
    ],
  };
}
