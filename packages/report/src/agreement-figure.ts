import type { CompareView } from './compare-view.js';
import type { Figure } from './figure.js';
import { fixed } from './html.js';

const ARI = '#4e79a7';
const NMI = '#e15759';
const NULL_ARI = '#c3d0e0';
const NULL_NMI = '#f2c2c6';
const BAR_BORDER = '#fffffd';

/** ARI and NMI of the weight-graph and coactivation partitions, overall and per layer, next to the permutation null's mean. */
export function agreementFigure(result: Pick<CompareView, 'overall' | 'layers'>): Figure {
  const rows = [{ layer: 'all hidden', ...result.overall }, ...result.layers];
  const bar = (value: number, p?: number) => ({
    value: Number.isFinite(value) ? Math.round(value * 1e4) / 1e4 : null,
    ...(p !== undefined
      ? {
          label: {
            show: true,
            position: 'top',
            formatter: p <= 0.05 ? `p=${fixed(p)} ★` : `p=${fixed(p)}`,
            fontSize: 10,
            color: '#4a5361',
          },
        }
      : {}),
  });
  const series = [
    { name: 'ARI', color: ARI, data: rows.map((r) => bar(r.ari, r.ariP)) },
    { name: 'ARI, null mean', color: NULL_ARI, data: rows.map((r) => bar(r.ariMean)) },
    { name: 'NMI', color: NMI, data: rows.map((r) => bar(r.nmi, r.nmiP)) },
    { name: 'NMI, null mean', color: NULL_NMI, data: rows.map((r) => bar(r.nmiMean)) },
  ];
  const drawn = series.reduce((s, x) => s + x.data.filter((d) => d.value !== null).length, 0);
  return {
    kind: 'agreement',
    title: `Do weight-graph and coactivation modules agree? ARI ${fixed(result.overall.ari)} (null ${fixed(result.overall.ariMean)}, p = ${fixed(result.overall.ariP)}), NMI ${fixed(result.overall.nmi)} (null ${fixed(result.overall.nmiMean)})`,
    caption:
      `Dark bars are the agreement of the two partitions of the hidden units (adjusted Rand index: 1 identical, 0 chance; normalized mutual information), pale bars the mean over ${result.overall.permutations} random relabellings; ` +
      `a dark bar well above its pale one (★: p ≤ 0.05) means the modules found from the weights are also the units that fire together.`,
    height: 320,
    option: {
      animation: false,
      grid: { left: 50, right: 20, top: 44, bottom: 36 },
      legend: {
        top: 4,
        itemWidth: 14,
        itemHeight: 10,
        itemStyle: { borderColor: 'transparent', borderWidth: 0 },
        textStyle: { color: '#3b434f' },
      },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: '@fn:threeDecimals' },
      xAxis: {
        type: 'category',
        data: rows.map((r) => `${r.layer} (${r.n})`),
        axisLabel: { color: '#3b434f', interval: 0 },
        axisTick: { show: false },
      },
      yAxis: {
        type: 'value',
        name: 'agreement',
        nameTextStyle: { color: '#6b7480' },
        axisLabel: { color: '#4a5361' },
        splitLine: { lineStyle: { color: '#eef0f3' } },
      },
      series: series.map((s) => ({
        type: 'bar',
        name: s.name,
        barGap: '8%',
        itemStyle: { color: s.color, borderColor: BAR_BORDER, borderWidth: 0.5, borderRadius: [2, 2, 0, 0] },
        data: s.data,
      })),
    },
    marks: [{ selector: `path[stroke="${BAR_BORDER}"]`, count: drawn, what: 'bars' }],
  };
}
