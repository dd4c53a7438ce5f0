import { escapeHtml, fixed, significant } from './html.js';

/** An environment's settings as results write them. */
type Settings = Readonly<Record<string, number | string | boolean>>;

/** A behaviour of the lesion table by behaviour: its name, whether it is an action share or an event per episode, in words. */
interface BehaviourColumn {
  name: string;
  kind: 'action' | 'event';
  description: string;
}

/** A module of an agent's policy silenced alone, as the agent-lesion and agent-excise views hold it (NaN where written as null). */
export interface LesionByBehaviourRow {
  layer: string;
  cluster: number;
  size: number;
  layerUnits: number;
  retainDrop: number;
  score: number;
  /** Per behaviour, the drop the lesion causes. */
  behaviours: Record<string, number>;
  /** Per behaviour, the drops of random same-size lesions of the same layer. */
  random: Record<string, number[]>;
  /** Per behaviour, the one-sided p against the random lesions (agent-lesion). */
  p?: Record<string, number>;
  /** Removed by module pruning (agent-excise). */
  chosen?: boolean;
}

/** A module's p counts as significant at this level, one-sided against its random same-size lesions. */
export const SIGNIFICANCE = 0.05;
/** A string setting longer than this (a map) is folded away under its name. */
const LONG_SETTING = 32;

/** The mean of the finite values, NaN when there are none. */
const finiteMean = (xs: readonly number[]) => {
  const finite = xs.filter(Number.isFinite);
  return finite.length > 0 ? finite.reduce((s, x) => s + x, 0) / finite.length : Number.NaN;
};
/** A drop with two decimals, a drop that rounds to zero without a minus sign. */
const dropText = (x: number) => fixed(x, 2).replace(/^−(?=0\.00$)/, '');
const valueText = (v: number | string | boolean) => (typeof v === 'number' ? significant(v, 6) : String(v));
const isLong = (v: number | string | boolean) => typeof v === 'string' && v.length > LONG_SETTING;

/** `regrowth 0.02, episodeLength 100`, with a long string (a map) folded in a `<details>` after them. */
export function settingsHtml(settings: Settings, only?: readonly string[]): string {
  const entries = Object.entries(settings).filter(([k]) => !only || only.includes(k));
  const short = entries.filter(([, v]) => !isLong(v)).map(([k, v]) => `${escapeHtml(k)} <strong>${escapeHtml(valueText(v))}</strong>`);
  const long = entries
    .filter(([, v]) => isLong(v))
    .map(
      ([k, v]) =>
        `<details class="setting"><summary>${escapeHtml(k)}</summary><pre class="mono">${escapeHtml(gridText(String(v)))}</pre></details>`,
    );
  return `${short.join(', ') || 'default settings'}${long.join('')}`;
}

/** A string of equal rows separated by `/` (a map) one row a line; anything else as it is. */
function gridText(text: string): string {
  const rows = text.split('/');
  return rows.length > 1 && rows.every((r) => r.length === rows[0]!.length && r.length > 1) ? rows.join('\n') : text;
}

/** The smallest one-sided p `random` random lesions allow, 1/(random + 1). */
export const smallestP = (random: number) => 1 / (random + 1);

/** A p-value as the tables write it: 3 decimals down to 0.001, then as 1.2e-5; a dash where it is not finite. */
export function pText(p: number): string {
  if (!Number.isFinite(p)) return '—';
  return p >= 0.001 || p === 0 ? p.toFixed(3) : p.toExponential(1);
}

/** The one-sided p of a module's drop, marked (class `sig`, ★) at p ≤ 0.05; a dash where the drop or p was not measured. */
function pHtml(p: number, drop: number): string {
  if (!Number.isFinite(p) || !Number.isFinite(drop)) return '<span class="p">p —</span>';
  return p <= SIGNIFICANCE ? `<span class="p sig">p = ${pText(p)} ★</span>` : `<span class="p">p = ${pText(p)}</span>`;
}

/**
 * The lesion table by behaviour of one agent (method §10): a row per module of its policy's hidden layers (layer,
 * cluster, size of the layer's units), a column per behaviour giving the module's drop and in brackets the mean drop
 * of its random same-size lesions — with its one-sided p where the rows carry one, marked at p ≤ 0.05 — then the
 * retain drop and the score; with `pruned`, the modules module pruning removed ticked in a last column.
 */
export function lesionByBehaviourTable(
  behaviours: readonly BehaviourColumn[],
  modules: readonly LesionByBehaviourRow[],
  options: { pruned: boolean },
): string {
  const head = [
    '<th scope="col">layer</th>',
    '<th scope="col" class="num">module</th>',
    '<th scope="col" class="num">units</th>',
    ...behaviours.map(
      (b) => `<th scope="col" class="num" title="${escapeHtml(`${b.description} (${b.kind})`)}">${escapeHtml(b.name)}</th>`,
    ),
    '<th scope="col" class="num" title="1 − agreement with the intact greedy action on the other recorded states">retain drop</th>',
    '<th scope="col" class="num">score</th>',
    ...(options.pruned ? ['<th scope="col">pruned</th>'] : []),
  ];
  const rows = modules.map((m) => {
    const drops = behaviours.map((b) => {
      const drop = m.behaviours[b.name] ?? Number.NaN;
      const random = finiteMean(m.random[b.name] ?? []);
      const p = m.p ? ` ${pHtml(m.p[b.name] ?? Number.NaN, drop)}` : '';
      return `<td class="num">${dropText(drop)} <span class="random">(random ${dropText(random)})</span>${p}</td>`;
    });
    const pruned = options.pruned ? `<td>${m.chosen ? '<strong title="removed by module pruning">✓</strong>' : ''}</td>` : '';
    return `<tr${m.chosen ? ' class="chosen"' : ''}><td class="mono">${escapeHtml(m.layer)}</td><td class="num">${m.cluster}</td><td class="num">${m.size} of ${m.layerUnits}</td>${drops.join('')}<td class="num">${dropText(m.retainDrop)}</td><td class="num">${fixed(m.score, 3)}</td>${pruned}</tr>`;
  });
  return `<table class="data lesion-by-behaviour"><thead><tr>${head.join('')}</tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}
