import { agentFineTuningFigure, agentRelearningFigure, agentStartName, forgetText, plural, retainText } from './agent-excise-figures.js';
import type { AgentExciseView, AgentFiguresView } from './agent-excise-view.js';
import type { Block, Highlight, Section } from './figure.js';
import { lesionByBehaviourTable, settingsHtml } from './agent-tables.js';
import { count, escapeHtml, fixed, significant } from './html.js';
import { rgbPngDataUrl } from './png-data-url.js';
import { methodCount } from './recovery-figure.js';

type Episode = AgentExciseView['episodes'][number];

/** Frames are drawn at most this wide (CSS pixels), scaled up whole pixels at a time. */
const FRAME_WIDTH = 200;
const FRAME_SCALE = 8;

const cells = (values: readonly string[]) => values.map((v) => `<td class="num">${escapeHtml(v)}</td>`).join('');

/** `4 units per agent`, or per agent in order when they differ: `4 / 6 units (agents 1 / 2)`. */
function budgetText(budgets: readonly number[]): string {
  if (budgets.every((b) => b === budgets[0])) return `${plural(budgets[0] ?? 0, 'unit')} per agent`;
  return `${budgets.join(' / ')} units (agents ${budgets.map((_, i) => i + 1).join(' / ')})`;
}

/** Names of the figures: the forget behaviour's probability, its rate over all steps, the retain behaviour. */
function figureNames(result: AgentExciseView) {
  const { forget, retain } = result.behaviours;
  return { forget: forget.description, rate: `${forget.actions.join(' or ')} rate (share of all steps)`, retain: retain.description };
}

function figuresText(result: AgentExciseView, f: AgentFiguresView): string {
  const names = figureNames(result);
  return `${escapeHtml(names.forget)} <strong>${forgetText(f.forget)}</strong>, ${escapeHtml(names.rate)} <strong>${forgetText(f.rate)}</strong>, ${escapeHtml(names.retain)} <strong>${retainText(f.retain)}</strong>, return <strong>${retainText(f.return)}</strong>`;
}

const agentFigures = (agents: readonly AgentFiguresView[]) =>
  agents
    .map((a, i) => `agent ${i + 1}: ${forgetText(a.forget)}, ${forgetText(a.rate)}, ${retainText(a.retain)}`)
    .map(escapeHtml)
    .join('; ');

/** The setting: both environments, the behaviour removed and task competence, the intact agents, the floor, how it ran. */
function settingTable(result: AgentExciseView): string {
  const { forget, retain } = result.behaviours;
  const env = result.environment;
  const trusted = result.trusted;
  const changed = Object.keys(trusted.settings).filter((k) => trusted.settings[k] !== env.settings[k]);
  const trustedHtml =
    trusted.name === env.name
      ? `${escapeHtml(trusted.name)} with ${changed.length > 0 ? settingsHtml(trusted.settings, changed) : 'the same settings'}${changed.length > 0 ? ', the other settings as above' : ''}`
      : `${escapeHtml(trusted.name)}: ${settingsHtml(trusted.settings)}`;
  const ppo = result.ppo;
  const rows: [string, string][] = [
    [
      'environment',
      `${escapeHtml(env.name)}: ${settingsHtml(env.settings)}<div class="note">where ${escapeHtml(forget.name)} was learned; every figure is measured there by rollouts of ${count(result.measure.games)} games × ${plural(result.measure.episodes, 'episode')} (seed ${result.measure.seed})</div>`,
    ],
    [
      'trusted environment',
      `${trustedHtml}<div class="note">where fine-tuning runs: ${escapeHtml(plural(result.updates, 'PPO update'))} of ${count(ppo.games)} games × ${count(ppo.rolloutLength)} steps, learning rate ${escapeHtml(significant(ppo.learningRate, 4))}${ppo.anneal ? ' annealed' : ''}, measured ${result.evaluateEvery === 1 ? 'after every update' : `every ${escapeHtml(plural(result.evaluateEvery, 'update'))}`}</div>`,
    ],
    [
      'behaviour removed',
      `<strong>${escapeHtml(forget.name)}</strong>: ${escapeHtml(forget.description)} <span class="note">(the action${forget.actions.length === 1 ? '' : 's'} ${escapeHtml(forget.actions.join(', '))}${forget.flag ? ` where ${escapeHtml(forget.flag)}` : ''})</span>`,
    ],
    [
      'task competence',
      `<strong>${escapeHtml(retain.name)}</strong>: ${escapeHtml(retain.description)} <span class="note">(the event ${escapeHtml(retain.event)})</span>`,
    ],
    ['intact agents', `${figuresText(result, result.intact)}<div class="note">${agentFigures(result.intact.agents)}</div>`],
  ];
  const floor = result.floor;
  rows.push([
    'never-trained floor',
    floor
      ? `${figuresText(result, floor.figures)}<div class="note">${escapeHtml(plural(floor.updates, 'PPO update'))} in the trusted environment only; ${agentFigures(floor.figures.agents)}. ${floor.comparable ? 'Comparable' : '<strong class="bad">Not comparable: no floor</strong>'}: ${escapeHtml(floor.note)}</div>`
      : 'not run',
  ]);
  rows.push([
    'module pruning',
    result.finding
      ? `<strong class="bad">nothing removed</strong>: ${escapeHtml(result.finding)}`
      : `at most ${escapeHtml(budgetText(result.budgets))}, modules taken best score first until ${escapeHtml(forget.description)} on the recorded states is at ${forgetText(result.target)} (${result.floor ? 'the never-trained agents’' : 'without never-trained agents to match'})<div class="note">modules scored on the states of ${count(result.record.games)} games × ${escapeHtml(plural(result.record.episodes, 'episode'))} (seed ${result.record.seed})</div>`,
  ]);
  return `<table class="data setting"><tbody>${rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${v}</td></tr>`).join('')}</tbody></table>`;
}

/** Each method right after pruning and after fine-tuning, with the intact agents first and the never-trained ones last. */
function methodsTable(result: AgentExciseView): string {
  const head = `<thead><tr><th scope="col" rowspan="2">method</th><th scope="col" rowspan="2" class="num">units</th><th scope="colgroup" colspan="3">right after pruning</th><th scope="colgroup" colspan="2">after fine-tuning</th><th scope="col" rowspan="2" class="num">updates to half</th><th scope="col" rowspan="2" class="num">forget area</th><th scope="col" rowspan="2" class="num">distance</th></tr>
<tr><th scope="col" class="num">forget</th><th scope="col" class="num">rate</th><th scope="col" class="num">retain</th><th scope="col" class="num">forget</th><th scope="col" class="num">retain</th></tr></thead>`;
  const i = result.intact;
  const rows = [
    `<tr><th scope="row">intact</th>${cells(['—', forgetText(i.forget), forgetText(i.rate), retainText(i.retain)])}<td colspan="5">before pruning</td></tr>`,
    ...result.methods.map((m) => {
      const values = [
        count(m.units),
        forgetText(m.pruned.forget),
        forgetText(m.pruned.rate),
        retainText(m.pruned.retain),
        forgetText(m.stats.finalForget),
        retainText(m.stats.finalRetain),
        m.stats.stepsToHalf === null ? 'never' : count(m.stats.stepsToHalf),
        forgetText(m.stats.forgetArea),
        fixed(m.weightDistance, 2),
      ];
      return `<tr${m.baseline ? '' : ' class="chosen"'}><th scope="row">${escapeHtml(m.name)}${m.baseline ? ' <span class="note">baseline</span>' : ''}</th>${cells(values)}</tr>`;
    }),
  ];
  if (result.floor) {
    const f = result.floor.figures;
    rows.push(
      `<tr><th scope="row">never trained${result.floor.comparable ? '' : ' (no floor)'}</th>${cells(['—', '—', '—', '—', forgetText(f.forget), retainText(f.retain), '—', '—', '—'])}</tr>`,
    );
  }
  return `<table class="data">${head}<tbody>${rows.join('\n')}</tbody></table>`;
}

/** The relearning attack from each start: the figures at its start and end, degenerate runs marked. */
function relearningTable(result: AgentExciseView): string {
  const head = ['start', 'updates', 'forget, before', 'forget, after', 'retain, before', 'retain, after', 'updates to half', 'verdict'];
  const rows = result.relearning.map((r) => {
    const first = r.curve[0]!;
    const end = r.curve[r.curve.length - 1]!;
    const values = [
      count(r.updates),
      forgetText(first.forget),
      forgetText(end.forget),
      retainText(first.retain),
      retainText(end.retain),
      r.stats.stepsToHalf === null ? 'never' : count(r.stats.stepsToHalf),
    ];
    const verdict = r.degenerate ? '<td class="degenerate"><strong>degenerate</strong></td>' : '<td></td>';
    return `<tr><th scope="row">${escapeHtml(agentStartName(result, r.model))}</th>${cells(values)}${verdict}</tr>`;
  });
  return `<table class="data"><thead><tr>${head.map((h, i) => `<th scope="col"${i > 0 && i < 7 ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function lesionCaption(result: AgentExciseView, agent: AgentExciseView['agents'][number], index: number): string {
  const forget = result.behaviours.forget.description;
  const randoms = Math.max(0, ...agent.modules.flatMap((m) => Object.values(m.random).map((r) => r.length)));
  const chosen = agent.modules.filter((m) => m.chosen);
  const units = chosen.reduce((n, m) => n + m.size, 0);
  const budget = result.budgets[index];
  const pruned =
    chosen.length > 0
      ? `Module pruning removed the ${chosen.length === 1 ? 'module' : `${chosen.length} modules`} marked ✓ (${plural(units, 'unit')}${budget !== undefined ? ` of a budget of ${budget}` : ''}), which brings ${forget} on the recorded states to ${forgetText(agent.reached)} (target ${forgetText(result.target)}).`
      : 'Module pruning removed none of them.';
  return (
    `Each module of the policy's hidden layers (the ${agent.partition.source} partition, k = ${agent.partition.k}) silenced alone: per behaviour, the drop it causes — action behaviours on ${count(agent.states)} recorded states, event behaviours by rollouts — and in brackets the mean drop of ${plural(randoms, 'random same-size lesion')} of the same layer; ` +
    `retain drop: 1 − agreement with the intact greedy action on the other recorded states; score: the drop of ${forget} − retain drop (method §10). ${pruned}`
  );
}

/** Each character of the frames' legend with the colour it is drawn in, where a frame's text shows it. */
function legendColours(episodes: readonly Episode[]): Map<string, string> {
  const colours = new Map<string, string>();
  for (const e of episodes) {
    for (const f of e.frames) {
      const rows = f.text.split('\n');
      if (rows.length !== e.height || rows.some((r) => r.length !== e.width)) continue;
      const rgb = Buffer.from(f.rgb, 'base64');
      if (rgb.length !== e.width * e.height * 3) continue;
      rows.forEach((row, y) => {
        [...row].forEach((c, x) => {
          if (colours.has(c) || !(c in e.legend)) return;
          const at = 3 * (y * e.width + x);
          colours.set(c, `#${[rgb[at]!, rgb[at + 1]!, rgb[at + 2]!].map((b) => b.toString(16).padStart(2, '0')).join('')}`);
        });
      });
    }
  }
  return colours;
}

function frameHtml(episode: Episode, frame: Episode['frames'][number]): string {
  const scale = Math.max(1, Math.min(FRAME_SCALE, Math.floor(FRAME_WIDTH / episode.width)));
  const caption = `<figcaption>step ${count(frame.step)}</figcaption>`;
  let url: string;
  try {
    url = rgbPngDataUrl(Buffer.from(frame.rgb, 'base64'), episode.width, episode.height);
  } catch (error) {
    return `<figure class="frame"><div class="missing" style="width:${episode.width * scale}px;height:${episode.height * scale}px">frame not drawn: ${escapeHtml((error as Error).message)}</div>${caption}</figure>`;
  }
  return `<figure class="frame"><img src="${url}" width="${episode.width * scale}" height="${episode.height * scale}" alt="${escapeHtml(`${episode.label}, step ${frame.step}`)}" title="${escapeHtml(frame.text)}">${caption}</figure>`;
}

/** One episode of the intact, the pruned and the fine-tuned agents as strips of frames, with each agent's return and events. */
function episodesHtml(result: AgentExciseView): string {
  const colours = legendColours(result.episodes);
  const legend = Object.entries(result.episodes[0]?.legend ?? {})
    .filter(([c]) => colours.has(c))
    .map(
      ([c, what]) =>
        `<span class="legend-item"><span class="swatch" style="background:${colours.get(c)}"></span><span class="mono">${escapeHtml(c)}</span> ${escapeHtml(what)}</span>`,
    );
  const episodes = result.episodes.map((e) => {
    const agents = e.figures
      .map((f, i) => {
        const events = Object.entries(f.events).map(([k, v]) => `${escapeHtml(k)} ${significant(v)}`);
        return `<li><strong>agent ${i + 1}</strong>: return ${significant(f.return)}${events.length > 0 ? ` · ${events.join(' · ')}` : ''}</li>`;
      })
      .join('');
    return `<div class="episode" data-episode="${escapeHtml(e.label)}"><h4>${escapeHtml(e.label)}</h4><ul class="episode-figures">${agents}</ul><div class="frames">${e.frames.map((f) => frameHtml(e, f)).join('')}</div></div>`;
  });
  return `${legend.length > 0 ? `<p class="frame-legend">${legend.join('')}</p>` : ''}${episodes.join('\n')}`;
}

/**
 * The section of a behaviour pruned from agents (method §10): the setting, the forget and retain figures
 * during fine-tuning in the trusted environment per method against the never-trained floor, the table of
 * methods, the relearning attack, the lesion table by behaviour of each agent and one episode before and
 * after pruning as frames.
 */
export function agentExciseSection(result: AgentExciseView): Section {
  const { forget, retain } = result.behaviours;
  const names = figureNames(result);
  const blocks: Block[] = [
    {
      type: 'html',
      kind: 'agent-excise-setting',
      title: 'The agents, the environments and the behaviour removed',
      caption: `Figures are the team's means (per agent below them): ${names.forget}, the ${names.rate} and ${names.retain}, by rollouts in ${result.environment.name}; a dash is a figure that could not be measured (no state where the behaviour's flag was set).`,
      html: settingTable(result),
      wide: true,
    },
    { type: 'figure', figure: agentFineTuningFigure(result), wide: true },
    {
      type: 'html',
      kind: 'agent-excise-table',
      title: 'Intact, right after pruning and after fine-tuning',
      caption: `Forget: ${names.forget}; rate: the ${names.rate}; retain: ${names.retain}. Right after pruning, and after ${plural(result.updates, 'PPO update')} of fine-tuning in the trusted environment (pruned units held at zero), next to the intact and the never-trained agents; updates to half: until the forget figure regained half of what pruning removed; forget area: its mean over the curve; distance: L2 distance of the fine-tuned policies' weights from the originals.`,
      html: methodsTable(result),
      wide: true,
    },
  ];
  if (result.relearning.length > 0) {
    blocks.push({ type: 'figure', figure: agentRelearningFigure(result), wide: true });
    blocks.push({
      type: 'html',
      kind: 'agent-relearning-table',
      title: `Relearning attack, with ${retain.description}`,
      caption: `${capitalized(names.forget)} and ${names.retain} at the start and the end of each attack, from each method's agents after their fine-tuning and from the never-trained agents, all trained with PPO in ${result.environment.name}. A run whose ${names.retain} fell by more than 10% of where it started is marked degenerate: the agents collapsed, which is no measure of relearning.`,
      html: relearningTable(result),
      wide: true,
    });
  }
  result.agents.forEach((agent, i) => {
    blocks.push({
      type: 'html',
      kind: 'agent-lesion-table',
      title: `Lesion table by behaviour: agent ${agent.agent + 1}`,
      caption: lesionCaption(result, agent, i),
      html: lesionByBehaviourTable(result.behaviours.all, agent.modules, { pruned: true }),
      wide: true,
    });
  });
  if (result.episodes.length > 0) {
    blocks.push({
      type: 'html',
      kind: 'agent-episodes',
      title: `One episode in ${result.environment.name}, before and after pruning`,
      caption: `The same seeded game played by each set of agents (${result.episodes.map((e) => e.label).join('; ')}), a frame every few steps, one pixel a cell (hover over a frame for its text); above each strip, each agent's return and events over the whole episode.`,
      html: episodesHtml(result),
      wide: true,
    });
  }
  const module = result.methods.find((m) => m.method === 'module') ?? result.methods.find((m) => !m.baseline);
  const highlights: Highlight[] = [
    {
      label: `${forget.name}, intact`,
      value: forgetText(result.intact.forget),
      note: `${names.forget}; ${names.retain} ${retainText(result.intact.retain)}`,
    },
  ];
  if (module) {
    highlights.push(
      {
        label: `right after ${module.name}`,
        value: forgetText(module.pruned.forget),
        note: `${names.retain} ${retainText(module.pruned.retain)}; ${plural(module.units, 'unit')} pruned`,
      },
      {
        label: `after fine-tuning (${module.name})`,
        value: forgetText(module.stats.finalForget),
        note: `${names.retain} ${retainText(module.stats.finalRetain)}; ${plural(result.updates, 'PPO update')} in the trusted environment`,
      },
    );
  }
  if (result.finding) highlights.push({ label: 'module pruning', value: 'nothing removed', note: result.finding, tone: 'bad' });
  if (result.floor) {
    highlights.push({
      label: 'never-trained floor',
      value: forgetText(result.floor.figures.forget),
      note: result.floor.comparable
        ? `agents trained only in the trusted environment; ${names.retain} ${retainText(result.floor.figures.retain)}`
        : `no floor: ${result.floor.note}; read the figures against it with care`,
      ...(result.floor.comparable ? {} : { tone: 'bad' as const }),
    });
  }
  return {
    kind: 'modscope/agent-excise',
    title: `Excision of ${forget.name} from ${result.model}`,
    subtitle: `${methodCount(result.methods.length)}; forget: ${forget.description} in ${result.environment.name}; retain: ${retain.description}; ${plural(result.agents.length, 'agent')}; ${plural(result.updates, 'PPO update')} of fine-tuning in the trusted environment`,
    highlights,
    blocks,
  };
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
