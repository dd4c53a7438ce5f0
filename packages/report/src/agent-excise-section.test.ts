import { inflateSync } from 'node:zlib';
import { parseResult } from '@modscope/results';
import { describe, expect, it } from 'vitest';
import { agentFineTuningFigure, agentRelearningFigure } from './agent-excise-figures.js';
import { agentExciseSection } from './agent-excise-section.js';
import type { AgentExciseView } from './agent-excise-view.js';
import { checkResult } from './check-result.js';
import { renderReport } from './render-report.js';
import { sampleAgentExcise, sampleTextExcise } from './sample-results.js';

const read = (value: unknown) => checkResult(value, 'agent-excise.json').result as AgentExciseView;
const html = (section: ReturnType<typeof agentExciseSection>, kind: string, which = 0) => {
  const block = section.blocks.filter((b) => b.type === 'html' && b.kind === kind)[which];
  if (block?.type !== 'html') throw new Error(`no ${kind} block`);
  return block;
};
const rowNames = (table: string) => [...table.matchAll(/<tr(?: class="chosen")?><th scope="row">(.*?)<\/th>/g)].map((m) => m[1]);
/** The page between <main> and </main>: what the sections wrote (the inlined ECharts has its own NaN). */
const mainOf = (page: string) => page.slice(page.indexOf('<main'), page.indexOf('</main>'));
type Series = {
  name: string;
  xAxisIndex: number;
  lineStyle: { type: string; width: number; opacity?: number };
  data: number[][];
  markLine?: { data: { yAxis: number; label: { formatter: string } }[] };
};

/** A PNG data URL's size and its pixels, read back with zlib (8-bit RGB, filter 0 on every row). */
function readPng(url: string) {
  const png = Buffer.from(url.replace(/^data:image\/png;base64,/, ''), 'base64');
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  expect([...png.subarray(24, 29)]).toEqual([8, 2, 0, 0, 0]);
  const idat = png.indexOf('IDAT');
  const rows = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
  const pixel = (x: number, y: number) => [...rows.subarray(y * (1 + 3 * width) + 1 + 3 * x, y * (1 + 3 * width) + 4 + 3 * x)];
  return { width, height, pixel };
}

describe('the agent-excise result and section', () => {
  it('takes a sample that is a valid result, null statistics as NaN, no floor as absent', () => {
    expect(parseResult(sampleAgentExcise())).toEqual(sampleAgentExcise());
    const r = read(sampleAgentExcise());
    expect(r.kind).toBe('modscope/agent-excise');
    expect(r.methods[1]!.curve[1]!.forget).toBeNaN();
    expect(r.agents[1]!.modules[0]!.random.fire).toEqual([0, Number.NaN]);
    expect(r.floor).toMatchObject({ updates: 2, comparable: true, figures: { forget: 0.0714 } });
    expect(read({ ...sampleAgentExcise(), floor: null }).floor).toBeUndefined();
  });

  it('opens with the setting: both environments, the behaviour removed, task competence, the intact agents and the floor', () => {
    const section = agentExciseSection(read(sampleAgentExcise()));
    expect(section.title).toBe('Excision of fire from hand-agents');
    expect(section.subtitle).toBe(
      '3 methods and baselines; forget: P(fire | the other agent in beam range) in gathering; retain: apples collected per episode; 2 agents; 2 PPO updates of fine-tuning in the trusted environment',
    );
    expect(section.blocks.map((b) => (b.type === 'figure' ? b.figure.kind : b.kind))).toEqual([
      'agent-excise-setting',
      'agent-fine-tuning',
      'agent-excise-table',
      'agent-relearning',
      'agent-relearning-table',
      'agent-lesion-table',
      'agent-lesion-table',
      'agent-episodes',
    ]);
    expect(section.highlights.map((h) => [h.label, h.value])).toEqual([
      ['fire, intact', '100.0%'],
      ['right after module pruning', '0.0%'],
      ['after fine-tuning (module pruning)', '2.1%'],
      ['never-trained floor', '7.1%'],
    ]);
    const setting = html(section, 'agent-excise-setting').html;
    const row = (name: string) => new RegExp(`<th scope="row">${name}</th><td>(.*?)</td></tr>`, 's').exec(setting)?.[1] ?? '';
    expect(row('environment')).toMatch(
      /^gathering: regrowth <strong>0\.02<\/strong>, episodeLength <strong>100<\/strong>, beamLength <strong>5<\/strong>/,
    );
    // the map folded away, one row a line
    expect(row('environment')).toContain(
      '<details class="setting"><summary>map</summary><pre class="mono">#################\n#S.............S#\n',
    );
    expect(row('trusted environment')).toMatch(/^gathering with regrowth <strong>0\.3<\/strong>, the other settings as above/);
    expect(row('behaviour removed')).toContain('<strong>fire</strong>: P(fire | the other agent in beam range)');
    expect(row('behaviour removed')).toContain('(the action fire where other-in-range)');
    expect(row('task competence')).toContain('<strong>collect</strong>: apples collected per episode');
    expect(row('intact agents')).toContain(
      'P(fire | the other agent in beam range) <strong>100.0%</strong>, fire rate (share of all steps) <strong>1.3%</strong>, apples collected per episode <strong>1.69</strong>',
    );
    expect(row('never-trained floor')).toContain('<strong>7.1%</strong>');
    expect(row('never-trained floor')).toContain('Comparable: trained 2 updates in the trusted environment only;');
    expect(row('module pruning')).toMatch(
      /^at most 4 units per agent, modules taken best score first until P\(fire \| the other agent in beam range\) on the recorded states is at 7\.1% \(the never-trained agents’\)/,
    );
    const noFloor = sampleAgentExcise();
    noFloor.floor.comparable = false;
    const worse = agentExciseSection(read(noFloor));
    expect(html(worse, 'agent-excise-setting').html).toContain('<strong class="bad">Not comparable: no floor</strong>');
    expect(worse.highlights[3]).toMatchObject({ label: 'never-trained floor', tone: 'bad' });
  });

  it('draws the forget and retain figures during fine-tuning per method, module pruning strong, baselines muted, the floor as a line', () => {
    const figure = agentFineTuningFigure(read(sampleAgentExcise()));
    const series = figure.option.series as Series[];
    expect(series.map((s) => `${s.xAxisIndex}:${s.name}:${s.lineStyle.type}:${s.lineStyle.opacity ?? 1}`)).toEqual([
      '0:module pruning:solid:1',
      '0:random units:dashed:0.55',
      '0:no pruning (fine-tune only):dashed:0.55',
      '1:module pruning:solid:1',
      '1:random units:dashed:0.55',
      '1:no pruning (fine-tune only):dashed:0.55',
    ]);
    expect(series[0]!.data).toEqual([
      [0, 0],
      [1, 0],
      [2, 0.0208],
    ]);
    expect(series[4]!.data).toEqual([
      [0, 2.125],
      [1, 2.0625],
      [2, 2.8125],
    ]);
    // the random baseline's aggression could not be measured at update 1: a gap, not a number
    expect(series[1]!.data[1]![1]).toBeNaN();
    expect(series.filter((s) => s.markLine).map((s) => s.markLine!.data.map((d) => [d.yAxis, d.label.formatter]))).toEqual([
      [
        [0.0714, 'never trained 7.1%'],
        [1, 'intact 100.0%'],
      ],
      [
        [2.6875, 'never trained 2.69'],
        [1.6875, 'intact 1.69'],
      ],
    ]);
    expect((figure.option.title as { text: string }[]).map((t) => t.text)).toEqual([
      'forget: P(fire | the other agent in beam range)',
      'retain: apples collected per episode',
    ]);
    // apples from 0 to above every curve and line
    expect((figure.option.yAxis as { min: unknown; max: unknown }[]).map((a) => [a.min, a.max])).toEqual([
      [0, 1],
      [0, 3],
    ]);
    expect(figure.marks.map((m) => [m.what, m.count])).toEqual([
      ['curves', 6],
      ['never-trained floors', 2],
      ['intact lines', 2],
    ]);
  });

  it('draws the relearning attack per start, the never-trained agents in black, degenerate runs faint and named', () => {
    const r = read(sampleAgentExcise());
    const figure = agentRelearningFigure(r);
    const series = figure.option.series as (Series & { color: string })[];
    expect(series.map((s) => `${s.name}:${s.lineStyle.opacity ?? 1}`)).toEqual([
      'module pruning:1',
      'random units:0.3',
      'no pruning (fine-tune only):0.55',
      'never trained:0.3',
    ]);
    expect(series[3]!.color).toBe('#1b1f24');
    expect((figure.option.title as { text: string }[]).map((t) => t.text)).toEqual([
      '2 PPO updates in gathering — degenerate (faint): random units, never trained',
    ]);
    const table = html(agentExciseSection(r), 'agent-relearning-table').html;
    expect(rowNames(table)).toEqual(['module pruning', 'random units', 'no pruning (fine-tune only)', 'never trained']);
    expect(table).toContain(
      '<th scope="row">never trained</th><td class="num">2</td><td class="num">7.1%</td><td class="num">18.1%</td><td class="num">2.69</td><td class="num">0.81</td><td class="num">never</td><td class="degenerate"><strong>degenerate</strong></td>',
    );
  });

  it('tabulates each method right after pruning and after fine-tuning, between the intact and the never-trained agents', () => {
    const table = html(agentExciseSection(read(sampleAgentExcise())), 'agent-excise-table').html;
    expect(rowNames(table)).toEqual([
      'intact',
      'module pruning',
      'random units <span class="note">baseline</span>',
      'no pruning (fine-tune only) <span class="note">baseline</span>',
      'never trained',
    ]);
    expect(table).toContain(
      '<tr class="chosen"><th scope="row">module pruning</th><td class="num">8</td><td class="num">0.0%</td><td class="num">0.8%</td><td class="num">1.50</td><td class="num">2.1%</td><td class="num">2.50</td><td class="num">never</td><td class="num">0.5%</td><td class="num">34.53</td></tr>',
    );
    expect(table).toContain(
      '<th scope="colgroup" colspan="3">right after pruning</th><th scope="colgroup" colspan="2">after fine-tuning</th>',
    );
  });

  it('shows the lesion table by behaviour of each agent: a column per behaviour with its random lesions, the chosen module marked', () => {
    const section = agentExciseSection(read(sampleAgentExcise()));
    const first = html(section, 'agent-lesion-table', 0);
    expect(first.title).toBe('Lesion table by behaviour: agent 1');
    expect([...first.html.matchAll(/<th scope="col" class="num" title="[^"]+">([^<]+)<\/th>/g)].map((m) => m[1])).toEqual([
      'fire',
      'move',
      'collect',
      'retain drop',
    ]);
    const rows = first.html.split('\n');
    expect(rows[0]).toContain(
      '<tr class="chosen"><td class="mono">dense1</td><td class="num">0</td><td class="num">4 of 16</td><td class="num">0.99 <span class="random">(random 0.00)</span> <span class="p">p = 0.333</span></td><td class="num">0.00 <span class="random">(random 0.02)</span> <span class="p">p = 0.667</span></td><td class="num">0.63 <span class="random">(random 0.19)</span> <span class="p">p = 0.667</span></td><td class="num">0.00</td><td class="num">0.987</td><td><strong title="removed by module pruning">✓</strong></td></tr>',
    );
    expect(rows[1]).toMatch(
      /^<tr><td class="mono">dense1<\/td><td class="num">1<\/td><td class="num">12 of 16<\/td><td class="num">0\.00 <span class="random">\(random 0\.98\)<\/span> <span class="p">p = 1\.000<\/span><\/td>.*<td class="num">−1\.000<\/td><td><\/td><\/tr>/,
    );
    expect(first.caption).toMatch(/mean drop of 2 random same-size lesions of the same layer/);
    expect(first.caption).toMatch(
      /Module pruning removed the module marked ✓ \(4 units of a budget of 4\), which brings P\(fire \| the other agent in beam range\) on the recorded states to 1\.3% \(target 7\.1%\)\.$/,
    );
    // a random lesion that could not be scored leaves the mean of the others
    expect(html(section, 'agent-lesion-table', 1).html).toContain(
      '<td class="num">0.99 <span class="random">(random 0.00)</span> <span class="p">p = 0.333</span></td>',
    );
  });

  it('shows one episode per set of agents as a strip of frames, each a PNG of the frame’s pixels scaled up, with the agents’ figures', () => {
    const episodes = html(agentExciseSection(read(sampleAgentExcise())), 'agent-episodes').html;
    expect([...episodes.matchAll(/<div class="episode" data-episode="([^"]+)"><h4>/g)].map((m) => m[1])).toEqual([
      'intact',
      'module pruning',
      'module pruning, fine-tuned',
    ]);
    const images = [
      ...episodes.matchAll(/<img src="(data:image\/png;base64,[A-Za-z0-9+/=]+)" width="(\d+)" height="(\d+)" alt="([^"]+)"/g),
    ];
    expect(images.map((m) => m[4])).toEqual([
      'intact, step 0',
      'intact, step 50',
      'module pruning, step 0',
      'module pruning, step 50',
      'module pruning, fine-tuned, step 0',
      'module pruning, fine-tuned, step 50',
    ]);
    for (const m of images) expect([m[2], m[3]]).toEqual(['136', '72']); // 17 × 9 cells, 8 pixels a cell
    expect([...episodes.matchAll(/<figcaption>(step \d+)<\/figcaption>/g)].map((m) => m[1])).toEqual(
      Array(3).fill(['step 0', 'step 50']).flat(),
    );
    const png = readPng(images[1]![1]!);
    expect([png.width, png.height]).toEqual([17, 9]);
    expect(png.pixel(0, 0)).toEqual([128, 128, 128]); // wall
    expect(png.pixel(2, 1)).toEqual([255, 60, 60]); // agent 2, firing east
    expect(png.pixel(3, 1)).toEqual([255, 230, 0]); // its beam
    expect(png.pixel(10, 4)).toEqual([60, 110, 255]); // agent 1
    expect(episodes).toContain(
      '<ul class="episode-figures"><li><strong>agent 1</strong>: return 1 · apple 1 · fire 1 · tag 0 · tagged 0</li><li><strong>agent 2</strong>: return 0 · apple 0 · fire 2 · tag 0 · tagged 0</li></ul>',
    );
    // the legend with the colours the frames draw each character in, for the characters they show
    expect(episodes).toContain(
      '<span class="swatch" style="background:#ffe600"></span><span class="mono">*</span> beam fired in the last step',
    );
    expect(episodes).not.toContain('agent 1 facing north');
    // frames whose bytes do not fill the image are named, not drawn
    const short = sampleAgentExcise();
    short.episodes[0]!.frames[0]!.rgb = Buffer.from([1, 2, 3]).toString('base64');
    expect(html(agentExciseSection(read(short)), 'agent-episodes').html).toContain('frame not drawn: 3 bytes, expected 17 × 9 × 3 = 459');
  });

  it('says so when no module carries the behaviour, and shows every figure that could not be measured as a dash', () => {
    const file = sampleAgentExcise();
    file.finding = 'no module of any agent lowers P(fire | the other agent in beam range) more than it changes the agent’s other choices';
    file.methods = [file.methods[2]!];
    file.relearning = [file.relearning[2]!, file.relearning[3]!];
    file.episodes = [file.episodes[0]!];
    for (const a of file.agents) {
      for (const m of a.modules) m.chosen = false;
      (a as { reached: number | null }).reached = null;
    }
    (file.intact as { forget: number | null }).forget = null;
    (file.methods[0]!.stats as { finalForget: number | null }).finalForget = null;
    const section = agentExciseSection(read(file));
    expect(section.highlights.map((h) => [h.label, h.value])).toEqual([
      ['fire, intact', '—'],
      ['module pruning', 'nothing removed'],
      ['never-trained floor', '7.1%'],
    ]);
    expect(html(section, 'agent-excise-setting').html).toContain('<strong class="bad">nothing removed</strong>: no module of any agent');
    expect(html(section, 'agent-lesion-table').caption).toMatch(/Module pruning removed none of them\.$/);
    expect(html(section, 'agent-lesion-table').html).not.toContain('✓');
    const page = renderReport([file], { sources: ['finding.json'] });
    expect(mainOf(page)).not.toMatch(/NaN|undefined/);
    expect(mainOf(page)).toContain(
      '<td class="num">1.69</td><td class="num">—</td><td class="num">0.75</td><td class="num">never</td>', // the final forget figure
    );
    expect(mainOf(page)).toContain('<th scope="row">intact</th><td class="num">—</td><td class="num">—</td>');
  });

  it('places the agents after the language model’s excision, every name from the result escaped, no NaN on the page', () => {
    const evil = sampleAgentExcise();
    evil.model = '<script>alert(1)</script>';
    evil.behaviours.all[1]!.name = '<b>move</b>';
    evil.episodes[0]!.label = '"intact" & <i>';
    const page = renderReport([evil, sampleTextExcise('trigger')], { sources: ['ae.json', 'te.json'] });
    expect([...page.matchAll(/<section class="result" id="[^"]+" data-kind="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'modscope/text-excise',
      'modscope/agent-excise',
    ]);
    expect(page.match(/<script/g)).toHaveLength(4);
    expect(page).not.toMatch(/<b>move|<i>/);
    expect(page).toContain('<h2>Excision of fire from &lt;script&gt;alert(1)&lt;/script&gt;</h2>');
    expect(page).toContain('data-episode="&quot;intact&quot; &amp; &lt;i&gt;"');
    expect(mainOf(renderReport([sampleAgentExcise()]))).not.toMatch(/NaN|undefined/);
  });
});
