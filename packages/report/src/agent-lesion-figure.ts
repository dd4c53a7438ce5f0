import type { AgentLesionView } from './agent-lesion-view.js';
import { SIGNIFICANCE, smallestP } from './agent-tables.js';
import type { Figure } from './figure.js';
import { escapeHtml, fixed } from './html.js';

const RANDOM_COLOR = '#9aa5b4';
const RANDOM_BORDER = '#fffffe';
const MODULE_BORDER = '#1b1f24';
const SIGNIFICANT = '#d7191c';
const NOT_SIGNIFICANT = '#4e79a7';
/** Between panels, percent of the chart's width. */
const GAP = 3;
/** The chart's width the modules' names are fitted to (a wide card on a laptop), and their font's width per character. */
const CHART_WIDTH = 1100;
const LABEL_CHAR = 6.8;

const dropTip = (x: number) => fixed(x, 3);

/** `agent 1 · dense1 · 0`: a module of one agent's policy. */
const agentModuleName = (agent: number, m: { layer: string; cluster: number }) => `agent ${agent + 1} · ${m.layer} · ${m.cluster}`;

/**
 * Per behaviour a panel: each module's drop (a diamond, red where p ≤ 0.05) against the drops of its random
 * same-size lesions (grey dots), one row per module of every agent.
 */
export function agentLesionFigure(result: AgentLesionView): Figure {
  const behaviours = result.behaviours.all;
  const rows = result.agents.flatMap((a) => a.modules.map((m) => ({ agent: a.agent, module: m })));
  const labels = rows.map(({ agent, module: m }) => `${agentModuleName(agent, m)} (${m.size})`);
  // left of the panels, the modules' names (percent of the chart's width)
  const gutter = Math.min(
    40,
    Math.max(12, Math.ceil((100 * (16 + LABEL_CHAR * Math.max(0, ...labels.map((l) => l.length)))) / CHART_WIDTH)),
  );
  const width = (100 - gutter - 2 - GAP * (behaviours.length - 1)) / Math.max(1, behaviours.length);
  const lefts = behaviours.map((_, p) => gutter + p * (width + GAP));
  let randomCount = 0;
  let moduleCount = 0;
  const series = behaviours.flatMap((b, p) => {
    const random = rows.flatMap(({ agent, module: m }, y) =>
      (m.random[b.name] ?? []).filter(Number.isFinite).map((x) => ({
        value: [x, y],
        tip: `<b>${escapeHtml(agentModuleName(agent, m))}</b>: a random lesion of ${m.size} units of ${escapeHtml(m.layer)}<br/>${escapeHtml(b.name)} drop ${dropTip(x)}`,
      })),
    );
    const modules = rows.flatMap(({ agent, module: m }, y) => {
      const drop = m.behaviours[b.name] ?? Number.NaN;
      if (!Number.isFinite(drop)) return [];
      const pValue = m.p[b.name] ?? Number.NaN;
      return [
        {
          value: [drop, y],
          itemStyle: { color: pValue <= SIGNIFICANCE ? SIGNIFICANT : NOT_SIGNIFICANT },
          tip: `<b>${escapeHtml(agentModuleName(agent, m))}</b> (${m.size} of ${m.layerUnits} units)<br/>${escapeHtml(b.description)}: drop ${dropTip(drop)}, p = ${fixed(pValue)}`,
        },
      ];
    });
    randomCount += random.length;
    moduleCount += modules.length;
    return [
      {
        type: 'scatter',
        name: 'random same-size lesions',
        xAxisIndex: p,
        yAxisIndex: p,
        symbol: 'circle',
        symbolSize: 6,
        progressive: 0,
        large: false,
        itemStyle: { color: RANDOM_COLOR, opacity: 0.75, borderColor: RANDOM_BORDER, borderWidth: 0.5 },
        data: random,
      },
      {
        type: 'scatter',
        name: 'module',
        xAxisIndex: p,
        yAxisIndex: p,
        symbol: 'diamond',
        symbolSize: 13,
        progressive: 0,
        large: false,
        z: 3,
        itemStyle: { color: NOT_SIGNIFICANT, borderColor: MODULE_BORDER, borderWidth: 1 },
        data: modules,
      },
    ];
  });
  const floor = smallestP(result.random);
  const rowHeight = Math.max(22, Math.min(30, Math.round(480 / Math.max(1, rows.length))));
  return {
    kind: 'agent-lesion',
    title: `What silencing each module does to each behaviour, against ${result.random} random same-size lesions of its layer`,
    caption:
      `One panel per behaviour (${behaviours.map((b) => `${b.name}: ${b.description}`).join('; ')}); one row per module of each agent's policy. ` +
      `The diamond is the drop of the behaviour when the module is silenced, the grey dots the drops of random lesions of as many units of the same layer (higher: the behaviour falls); ` +
      `a red diamond lowers it more than its random lesions (one-sided p ≤ ${SIGNIFICANCE}${floor > SIGNIFICANCE ? `, which no module can reach with ${result.random} random lesions: run with --random 19 or more` : ''}).`,
    height: rows.length * rowHeight + 100,
    option: {
      animation: false,
      legend: {
        top: 0,
        itemStyle: { borderColor: 'transparent', borderWidth: 0 },
        textStyle: { color: '#3b434f' },
        data: ['random same-size lesions', 'module'],
      },
      tooltip: { trigger: 'item', formatter: '@fn:dataTip' },
      title: behaviours.map((b, p) => ({
        text: `${b.name} (${b.kind === 'action' ? 'on recorded states' : 'per episode'})`,
        left: `${lefts[p]}%`,
        top: 26,
        textStyle: { fontSize: 12, fontWeight: 'normal', color: '#3b434f' },
      })),
      grid: lefts.map((left) => ({ left: `${left}%`, width: `${width}%`, top: 56, bottom: 40 })),
      xAxis: behaviours.map((_, p) => ({
        gridIndex: p,
        type: 'value',
        name: 'drop',
        nameLocation: 'middle',
        nameGap: 24,
        nameTextStyle: { color: '#6b7480' },
        axisLabel: { color: '#4a5361', formatter: '@fn:shortNumber', hideOverlap: true },
        splitLine: { lineStyle: { color: '#eef0f3' } },
      })),
      yAxis: behaviours.map((_, p) => ({
        gridIndex: p,
        type: 'category',
        inverse: true,
        data: labels,
        axisLabel:
          p === 0 ? { color: '#3b434f', fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', fontSize: 11 } : { show: false },
        axisTick: { show: false },
        splitLine: { show: true, lineStyle: { color: '#f3f4f6' } },
      })),
      series,
    },
    marks: [
      { selector: `path[stroke="${RANDOM_BORDER}"]`, count: randomCount, what: 'random lesions' },
      { selector: `path[stroke="${MODULE_BORDER}"]`, count: moduleCount, what: 'modules' },
    ],
  };
}
