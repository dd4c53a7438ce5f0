import { parseResult } from '@modscope/results';
import { describe, expect, it } from 'vitest';
import { agentExciseSection } from './agent-excise-section.js';
import type { AgentExciseView } from './agent-excise-view.js';
import { agentLesionFigure } from './agent-lesion-figure.js';
import { agentLesionSection } from './agent-lesion-section.js';
import type { AgentLesionView } from './agent-lesion-view.js';
import { checkResult } from './check-result.js';
import { renderReport } from './render-report.js';
import { sampleAgentExcise, sampleAgentLesion, sampleLesion } from './sample-results.js';

const read = (value: unknown) => checkResult(value, 'agent-lesion.json').result as AgentLesionView;
const html = (section: ReturnType<typeof agentLesionSection>, kind: string, which = 0) => {
  const block = section.blocks.filter((b) => b.type === 'html' && b.kind === kind)[which];
  if (block?.type !== 'html') throw new Error(`no ${kind} block`);
  return block;
};
/** The page between <main> and </main>: what the sections wrote (the inlined ECharts has its own NaN). */
const mainOf = (page: string) => page.slice(page.indexOf('<main'), page.indexOf('</main>'));
/** Each body row of a table, its cells' text (tags dropped). */
const cellsOf = (table: string) =>
  [...table.matchAll(/<tr(?: class="chosen")?>(.*?)<\/tr>/g)]
    .slice(1)
    .map((row) => [...row[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, '')));
type Scatter = { name: string; xAxisIndex: number; data: { value: [number, number]; itemStyle?: { color: string } }[] };

describe('the agent-lesion result and section', () => {
  it('takes a sample that is a valid result, its p-values those of its random lesions, null statistics as NaN', () => {
    expect(parseResult(sampleAgentLesion())).toEqual(sampleAgentLesion());
    const r = read(sampleAgentLesion());
    expect(r.kind).toBe('modscope/agent-lesion');
    expect(r.random).toBe(19);
    expect(r.agents[1]!.modules[0]!.random.fire).toHaveLength(19);
    expect(r.agents[1]!.modules[0]!.random.fire![4]).toBeNaN();
    // one-sided p = (1 + random lesions that lowered the behaviour at least as much) / (random + 1)
    for (const a of r.agents)
      for (const m of a.modules)
        for (const b of r.behaviours.all) {
          const drop = m.behaviours[b.name]!;
          expect(m.p[b.name]).toBeCloseTo((1 + m.random[b.name]!.filter((x) => x >= drop).length) / 20, 12);
        }
    expect(r.agents.map((a) => a.modules.map((m) => m.p.fire))).toEqual([
      [0.05, 1],
      [0.05, 1],
    ]);
  });

  it('opens with the environment, the behaviours in words and each intact agent’s figures', () => {
    const section = agentLesionSection(read(sampleAgentLesion()));
    expect(section.kind).toBe('modscope/agent-lesion');
    expect(section.title).toBe('Lesions of hand-agents by behaviour');
    expect(section.subtitle).toBe(
      '2 agents in gathering; 4 modules of the hand partition with k = 2, each against 19 random same-size lesions of its layer; 3 behaviours: fire, move, collect',
    );
    expect(section.blocks.map((b) => (b.type === 'figure' ? b.figure.kind : b.kind))).toEqual([
      'agent-lesion-setting',
      'agent-lesion',
      'agent-lesion-table',
      'agent-lesion-table',
    ]);
    const setting = html(section, 'agent-lesion-setting').html;
    const row = (name: string) => new RegExp(`<th scope="row">${name}</th><td>(.*?)</td></tr>`, 's').exec(setting)?.[1] ?? '';
    expect(row('environment')).toMatch(/^gathering: regrowth <strong>0\.02<\/strong>, episodeLength <strong>100<\/strong>/);
    expect(row('environment')).toContain('<details class="setting"><summary>map</summary><pre class="mono">#################\n');
    expect(row('environment')).toContain('16 games × 2 episodes (seed 205)');
    expect(row('environment')).toContain('rollouts of 8 games × 1 episode (seed 104)');
    expect(
      [...row('behaviours').matchAll(/<li><strong>([^<]+)<\/strong>: ([^<]+) <span class="note">\(([^)]+)\)/g)].map((m) => m.slice(1)),
    ).toEqual([
      ['fire', 'P(fire | the other agent in beam range)', 'an action share, on the recorded states'],
      ['move', 'P(a step | an apple in view)', 'an action share, on the recorded states'],
      ['collect', 'apples collected per episode', 'an event, per episode by rollouts'],
    ]);
    expect(row('behaviours')).toContain('the module score is the drop of fire (the action fire where other-in-range) − the retain drop');
    expect(row('lesions')).toContain('With 19 random lesions per module no p can be below 1/20 = 0.050.');
    expect([...row('intact agents').matchAll(/<div class="agent-figures" data-agent="\d">(.*?)<\/div>/g)].map((m) => m[1])).toEqual([
      'agent 1: fire <strong>100.0%</strong>, move <strong>47.9%</strong>, collect <strong>1.38</strong>, fire rate <strong>2.8%</strong>, return <strong>1.38</strong>',
      'agent 2: fire <strong>100.0%</strong>, move <strong>55.0%</strong>, collect <strong>1.63</strong>, fire rate <strong>1.0%</strong>, return <strong>1.63</strong>',
    ]);
    expect(section.highlights.map((h) => [h.label, h.value, h.tone])).toEqual([
      ['fire, intact', '100.0%', undefined],
      ['fire: modules at p ≤ 0.05', '2 of 4', 'good'],
      ['move: modules at p ≤ 0.05', '0 of 4', 'neutral'],
      ['collect: modules at p ≤ 0.05', '0 of 4', 'neutral'],
    ]);
  });

  it('shows each agent’s lesion table by behaviour: a column per behaviour with the module’s drop, its random lesions’ mean and p, marked at p ≤ 0.05', () => {
    const section = agentLesionSection(read(sampleAgentLesion()));
    const first = html(section, 'agent-lesion-table', 0);
    expect(first.title).toBe('Lesion table by behaviour: agent 1');
    expect([...first.html.matchAll(/<th scope="col"[^>]*>([^<]+)<\/th>/g)].map((m) => m[1])).toEqual([
      'layer',
      'module',
      'units',
      'fire',
      'move',
      'collect',
      'retain drop',
      'score',
    ]);
    expect(cellsOf(first.html)).toEqual([
      [
        'dense1',
        '0',
        '4 of 16',
        '0.99 (random 0.01) p = 0.050 ★',
        '−0.01 (random 0.00) p = 0.600',
        '0.75 (random 0.00) p = 0.200',
        '0.00',
        '0.989',
      ],
      [
        'dense1',
        '1',
        '12 of 16',
        '0.00 (random 0.50) p = 1.000',
        '−0.08 (random −0.05) p = 0.650',
        '−1.88 (random −0.50) p = 0.950',
        '1.00',
        '−1.000',
      ],
    ]);
    expect(first.html).toContain(
      '<td class="num">0.99 <span class="random">(random 0.01)</span> <span class="p sig">p = 0.050 ★</span></td>',
    );
    expect(first.html.match(/class="p sig"/g)).toHaveLength(1);
    expect(first.html).not.toContain('pruned');
    expect(first.caption).toMatch(/^Each module of agent 1's policy \(the hand partition, k = 2\) silenced alone: per behaviour/);
    expect(first.caption).toContain('in brackets the mean drop of 19 random same-size lesions of the same layer');
    expect(first.caption).toContain('(★: p ≤ 0.05). With 19 random lesions per module no p can be below 1/20 = 0.050.');
    // a random lesion that could not be scored leaves the mean of the others, and does not count against the module
    const second = html(section, 'agent-lesion-table', 1).html;
    expect(second).toContain('<td class="num">0.99 <span class="random">(random 0.00)</span> <span class="p sig">p = 0.050 ★</span></td>');
  });

  it('says when the random lesions are too few for any p to reach 0.05, and never marks a drop that was not measured', () => {
    const file = sampleAgentLesion();
    file.random = 3;
    for (const a of file.agents)
      for (const m of a.modules) {
        for (const k of Object.keys(m.random)) m.random[k] = m.random[k]!.slice(0, 3);
        for (const k of Object.keys(m.p)) m.p[k] = Math.max(m.p[k]!, 0.25);
      }
    (file.agents[0]!.modules[0]!.behaviours as Record<string, number | null>).collect = null;
    (file.agents[0]!.modules[0]!.p as Record<string, number | null>).move = null;
    const section = agentLesionSection(read(file));
    const table = html(section, 'agent-lesion-table').html;
    expect(cellsOf(table)[0]!.slice(3, 6)).toEqual(['0.99 (random 0.01) p = 0.250', '−0.01 (random −0.01) p —', '— (random −0.22) p —']);
    expect(table).not.toContain('sig');
    expect(html(section, 'agent-lesion-table').caption).toContain(
      'With 3 random lesions per module no p can be below 1/4 = 0.250, so none can reach p ≤ 0.05: run with --random 19 or more.',
    );
    expect(section.highlights.slice(1).map((h) => [h.label, h.value, h.tone])).toEqual([
      ['fire: modules at p ≤ 0.05', '0 of 4', 'neutral'],
      ['move: modules at p ≤ 0.05', '0 of 4', 'neutral'],
      ['collect: modules at p ≤ 0.05', '0 of 4', 'neutral'],
      ['smallest possible p', '0.250', 'bad'],
    ]);
    expect(agentLesionFigure(read(file)).caption).toContain(
      'which no module can reach with 3 random lesions: run with --random 19 or more',
    );
    const page = mainOf(renderReport([file], { sources: ['few.json'] }));
    expect(page).not.toMatch(/NaN|undefined/);
  });

  it('draws per behaviour each module’s drop against its random lesions, red where p ≤ 0.05', () => {
    const figure = agentLesionFigure(read(sampleAgentLesion()));
    const series = figure.option.series as Scatter[];
    expect(series.map((s) => `${s.xAxisIndex}:${s.name}:${s.data.length}`)).toEqual([
      '0:random same-size lesions:75',
      '0:module:4',
      '1:random same-size lesions:76',
      '1:module:4',
      '2:random same-size lesions:76',
      '2:module:4',
    ]);
    expect(series[1]!.data.map((d) => [d.value, d.itemStyle!.color])).toEqual([
      [[0.9885, 0], '#d7191c'],
      [[0, 1], '#4e79a7'],
      [[0.987, 2], '#d7191c'],
      [[0, 3], '#4e79a7'],
    ]);
    expect((figure.option.yAxis as { data: string[] }[])[0]!.data).toEqual([
      'agent 1 · dense1 · 0 (4)',
      'agent 1 · dense1 · 1 (12)',
      'agent 2 · dense1 · 0 (4)',
      'agent 2 · dense1 · 1 (12)',
    ]);
    expect((figure.option.title as { text: string }[]).map((t) => t.text)).toEqual([
      'fire (on recorded states)',
      'move (on recorded states)',
      'collect (per episode)',
    ]);
    expect(figure.marks.map((m) => [m.what, m.count])).toEqual([
      ['random lesions', 227],
      ['modules', 12],
    ]);
  });

  it('shares its lesion table with the agent-excise section, which ticks the modules pruned and shows their p too', () => {
    const excise = agentExciseSection(checkResult(sampleAgentExcise(), 'ae.json').result as AgentExciseView);
    const table = excise.blocks.find((b) => b.type === 'html' && b.kind === 'agent-lesion-table');
    expect(table?.type === 'html' && table.html).toContain('<th scope="col">pruned</th>');
    expect(table?.type === 'html' && table.html).toContain('<span class="p">p = 0.333</span>');
  });

  it('places the agents’ lesions after the language model’s, every name from the result escaped, no NaN on the page', () => {
    const evil = sampleAgentLesion();
    evil.model = '<script>alert(1)</script>';
    evil.behaviours.all[1]!.name = '<b>move</b>';
    evil.environment.settings.map = '<i>map</i> & more, long enough to be folded away';
    const page = renderReport([sampleAgentExcise(), evil, sampleLesion()], { sources: ['ae.json', 'al.json', 'l.json'] });
    expect([...page.matchAll(/<section class="result" id="[^"]+" data-kind="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'modscope/lesion',
      'modscope/agent-lesion',
      'modscope/agent-excise',
    ]);
    expect(page.match(/<script/g)).toHaveLength(4);
    expect(page).not.toMatch(/<b>move|<i>map/);
    expect(page).toContain('<h2>Lesions of &lt;script&gt;alert(1)&lt;/script&gt; by behaviour</h2>');
    expect(mainOf(page)).not.toMatch(/NaN|undefined/);
    expect(mainOf(renderReport([sampleAgentLesion()]))).not.toMatch(/NaN|undefined/);
  });
});
