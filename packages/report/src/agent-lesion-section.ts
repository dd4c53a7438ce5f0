import { forgetText, plural, retainText } from './agent-excise-figures.js';
import { agentLesionFigure } from './agent-lesion-figure.js';
import type { AgentLesionView } from './agent-lesion-view.js';
import { lesionByBehaviourTable, pText, SIGNIFICANCE, settingsHtml, smallestP } from './agent-tables.js';
import type { Block, Highlight, Section } from './figure.js';
import { count, escapeHtml } from './html.js';

type Behaviour = AgentLesionView['behaviours']['all'][number];

/** An action behaviour (a share) in percent, an event behaviour (per episode) with two decimals. */
const behaviourText = (b: Behaviour, x: number) => (b.kind === 'action' ? forgetText(x) : retainText(x));

/** `hand partition with k = 2`, once for every partition the agents' modules come from. */
const partitionsText = (result: AgentLesionView) =>
  [...new Set(result.agents.map((a) => `${a.partition.source} partition with k = ${a.partition.k}`))].join(', ');

/** What the random count allows: the smallest p, and whether it can reach 0.05 at all. */
function floorSentence(random: number): string {
  if (random === 0) return 'Without random lesions there is nothing to compare a module with: every p is 1.';
  const floor = smallestP(random);
  return `With ${plural(random, 'random lesion')} per module no p can be below 1/${random + 1} = ${pText(floor)}${floor > SIGNIFICANCE ? `, so none can reach p ≤ ${SIGNIFICANCE}: run with --random 19 or more` : ''}.`;
}

/** One agent's intact figures: each behaviour (action behaviours on its recorded states, event behaviours per episode), its rate and return. */
function intactAgentHtml(result: AgentLesionView, a: number): string {
  const { forget, all } = result.behaviours;
  const values = all.map((b) => {
    const x = (b.kind === 'action' ? result.intact.states[a]?.[b.name] : result.intact.events[a]?.[b.name]) ?? Number.NaN;
    return `${escapeHtml(b.name)} <strong>${escapeHtml(behaviourText(b, x))}</strong>`;
  });
  const team = result.intact.agents[a];
  if (team) {
    values.push(
      `${escapeHtml(forget.actions.join(' or '))} rate <strong>${forgetText(team.rate)}</strong>`,
      `return <strong>${retainText(team.return)}</strong>`,
    );
  }
  return `<div class="agent-figures" data-agent="${a + 1}">agent ${a + 1}: ${values.join(', ')}</div>`;
}

/** The header: the environment and its settings, the behaviours in words, how the lesions were measured, the intact agents. */
function settingTable(result: AgentLesionView): string {
  const { forget, all } = result.behaviours;
  const env = result.environment;
  const behaviours = all
    .map(
      (b) =>
        `<li><strong>${escapeHtml(b.name)}</strong>: ${escapeHtml(b.description)} <span class="note">(${b.kind === 'action' ? 'an action share, on the recorded states' : 'an event, per episode by rollouts'})</span></li>`,
    )
    .join('');
  const rows: [string, string][] = [
    [
      'environment',
      `${escapeHtml(env.name)}: ${settingsHtml(env.settings)}<div class="note">action behaviours are read on the states the intact agents met in ${count(result.record.games)} games × ${escapeHtml(plural(result.record.episodes, 'episode'))} (seed ${result.record.seed}); event behaviours are measured by rollouts of ${count(result.measure.games)} games × ${escapeHtml(plural(result.measure.episodes, 'episode'))} (seed ${result.measure.seed})</div>`,
    ],
    [
      'behaviours',
      `<ul class="behaviours">${behaviours}</ul><div class="note">the module score is the drop of ${escapeHtml(forget.name)} (the action${forget.actions.length === 1 ? '' : 's'} ${escapeHtml(forget.actions.join(', '))}${forget.flag ? ` where ${escapeHtml(forget.flag)}` : ''}) − the retain drop</div>`,
    ],
    [
      'lesions',
      `each module of each agent's policy (the ${escapeHtml(partitionsText(result))}) silenced alone, against ${escapeHtml(plural(result.random, 'random same-size lesion'))} of its layer (seed ${result.seed})<div class="note">one-sided p: (1 + random lesions that lowered the behaviour at least as much) / (${result.random} + 1). ${escapeHtml(floorSentence(result.random))}</div>`,
    ],
    ['intact agents', result.intact.agents.map((_, a) => intactAgentHtml(result, a)).join('')],
  ];
  return `<table class="data setting"><tbody>${rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${v}</td></tr>`).join('')}</tbody></table>`;
}

function lesionCaption(result: AgentLesionView, agent: AgentLesionView['agents'][number]): string {
  return (
    `Each module of agent ${agent.agent + 1}'s policy (the ${agent.partition.source} partition, k = ${agent.partition.k}) silenced alone: per behaviour, the drop it causes — action behaviours on ${count(agent.states)} recorded states, event behaviours by rollouts — in brackets the mean drop of ${plural(result.random, 'random same-size lesion')} of the same layer, then the one-sided p that random lesions lower the behaviour as much (★: p ≤ ${SIGNIFICANCE}). ` +
    `${floorSentence(result.random)} Retain drop: 1 − agreement with the intact greedy action on the other recorded states; score: the drop of ${result.behaviours.forget.description} − retain drop (method §10).`
  );
}

/**
 * The section of the lesion study of agents' policies by behaviour (method §5 with §10): the environment, the
 * behaviours and the intact agents, a figure of each module's drops against its random lesions per behaviour,
 * and each agent's lesion table by behaviour with one-sided p-values.
 */
export function agentLesionSection(result: AgentLesionView): Section {
  const { forget, all } = result.behaviours;
  const modules = result.agents.flatMap((a) => a.modules);
  const blocks: Block[] = [
    {
      type: 'html',
      kind: 'agent-lesion-setting',
      title: 'The agents, the environment and the behaviours',
      caption: `Per agent, the intact figures: action behaviours on its recorded states (in percent), event behaviours per episode, the ${forget.actions.join(' or ')} rate (share of all steps) and the return by rollouts in ${result.environment.name}; a dash is a figure that could not be measured.`,
      html: settingTable(result),
      wide: true,
    },
  ];
  if (modules.length > 0) blocks.push({ type: 'figure', figure: agentLesionFigure(result), wide: true });
  for (const agent of result.agents) {
    blocks.push({
      type: 'html',
      kind: 'agent-lesion-table',
      title: `Lesion table by behaviour: agent ${agent.agent + 1}`,
      caption: lesionCaption(result, agent),
      html: lesionByBehaviourTable(all, agent.modules, { pruned: false }),
      wide: true,
    });
  }
  const highlights: Highlight[] = [
    {
      label: `${forget.name}, intact`,
      value: forgetText(result.intact.forget),
      note: `${forget.description}, the agents' mean by rollouts`,
    },
    ...all.map((b) => {
      const significant = modules.filter((m) => Number.isFinite(m.behaviours[b.name] ?? Number.NaN) && (m.p[b.name] ?? 1) <= SIGNIFICANCE);
      return {
        label: `${b.name}: modules at p ≤ ${SIGNIFICANCE}`,
        value: `${significant.length} of ${modules.length}`,
        note: `lower ${b.description} more than random same-size lesions`,
        tone: significant.length > 0 ? ('good' as const) : ('neutral' as const),
      };
    }),
  ];
  if (result.random > 0 && smallestP(result.random) > SIGNIFICANCE) {
    highlights.push({
      label: 'smallest possible p',
      value: pText(smallestP(result.random)),
      note: `with ${plural(result.random, 'random lesion')} per module no p can reach ${SIGNIFICANCE}; run with --random 19 or more`,
      tone: 'bad',
    });
  }
  return {
    kind: 'modscope/agent-lesion',
    title: `Lesions of ${result.model} by behaviour`,
    subtitle: `${plural(result.agents.length, 'agent')} in ${result.environment.name}; ${plural(modules.length, 'module')} of the ${partitionsText(result)}, each against ${plural(result.random, 'random same-size lesion')} of its layer; ${plural(all.length, 'behaviour')}: ${all.map((b) => b.name).join(', ')}`,
    highlights,
    blocks,
  };
}
