import type { ExciseView } from './excise-view.js';
import type { Block, Section } from './figure.js';
import { escapeHtml, fixed, percent } from './html.js';
import { methodCount, recoveryFigure, relearnStart, relearningFigure } from './recovery-figure.js';

/** The excision section: recovery curves of every method and baseline against the never-trained floor, the table, the relearning attack. */
export function exciseSection(result: ExciseView): Section {
  const last = (m: ExciseView['methods'][number]) => m.curve[m.curve.length - 1]!;
  const methods = result.methods.filter((m) => !m.baseline);
  const best = (methods.length > 0 ? methods : result.methods).reduce((a, b) => (last(a).forget <= last(b).forget ? a : b));
  const metric = result.forgetMetric ?? 'forget accuracy';
  const blocks: Block[] = [{ type: 'figure', figure: recoveryFigure(result), wide: true }];
  if (result.methods.some((m) => m.stats || m.forget !== undefined)) {
    blocks.push({
      type: 'html',
      kind: 'excise-table',
      title: 'Before and after fine-tuning',
      caption: `Right after pruning and at the end of fine-tuning on retain data${result.mask ? ` (pruned weights ${result.mask === 'held' ? 'held at zero' : 'free to regrow'})` : ''}; steps to half: until the ${escapeHtml(metric)} regained half of what pruning removed; area: its mean over the curve; distance: L2 distance of the weights from the original network.`,
      html: exciseTable(result),
      wide: true,
    });
  }
  if (result.relearning.length > 0) {
    blocks.push({ type: 'figure', figure: relearningFigure(result), wide: true });
    blocks.push({
      type: 'html',
      kind: 'relearning-table',
      title: 'Relearning attack, with the retain metric',
      caption: `The ${escapeHtml(metric)} on held-out forget examples and the retain accuracy at the start and the end of each attack, from each method's network after its retain fine-tuning and from the never-trained floor (every start fine-tuned on the same examples). A run whose retain accuracy fell by more than 10 points is marked degenerate: the network collapsed (e.g. predicts one class everywhere), which is no measure of relearning.`,
      html: relearningTable(result),
      wide: true,
    });
  }
  return {
    kind: 'modscope/excise',
    title: `Excision and relearning on ${result.model}`,
    subtitle: `${methodCount(result.methods.length)}${result.forget ? `; forget: ${result.forget}` : ''}${result.retain ? `; retain: ${result.retain}` : ''}${result.dataset ? ` (${result.dataset})` : ''}`,
    highlights: [
      ...(result.intact
        ? [{ label: `${metric}, intact`, value: percent(result.intact.forget), note: `retain ${percent(result.intact.retain)}` }]
        : []),
      ...(best.forget !== undefined
        ? [
            {
              label: `${metric} right after ${best.name}`,
              value: percent(best.forget),
              note: `retain ${percent(best.retain ?? Number.NaN)}${best.units !== undefined ? `, ${best.units} units` : ''}`,
            },
          ]
        : []),
      {
        label: `${metric} after fine-tuning (${best.name})`,
        value: percent(last(best).forget),
        note: `retain ${percent(last(best).retain)}`,
      },
      ...(result.floor
        ? [
            {
              label: 'never-trained floor',
              value: percent(result.floor.forget),
              note:
                result.floor.comparable === false
                  ? `no floor: its retain accuracy is ${((result.floor.retainGap ?? 0) * 100).toFixed(1)} points below the intact model's (more than 1); read the figures against it with care`
                  : `${metric} of a model trained on retain data only`,
            },
          ]
        : []),
    ],
    blocks,
  };
}

function relearningTable(result: ExciseView): string {
  const head = ['start', 'examples', 'retain mixed in', 'forget, before', 'forget, after', 'retain, before', 'retain, after', 'verdict'];
  const rows = result.relearning.map((r) => {
    const first = r.curve[0]!;
    const end = r.curve[r.curve.length - 1]!;
    const cells = [
      String(r.examples),
      r.retainExamples !== undefined ? String(r.retainExamples) : '—',
      percent(first.forget),
      percent(end.forget),
      percent(first.retain),
      percent(end.retain),
    ];
    const verdict = r.degenerate ? '<td class="degenerate"><strong>degenerate</strong></td>' : '<td></td>';
    return `<tr><th scope="row">${escapeHtml(relearnStart(result, r.model))}</th>${cells.map((c) => `<td class="num">${escapeHtml(c)}</td>`).join('')}${verdict}</tr>`;
  });
  return `<table class="data"><thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function exciseTable(result: ExciseView): string {
  const head = [
    'method',
    'units',
    'forget, pruned',
    'retain, pruned',
    'forget, tuned',
    'retain, tuned',
    'steps to half',
    'forget area',
    'distance',
  ];
  const rows = result.methods.map((m) => {
    const end = m.curve[m.curve.length - 1]!;
    const cells = [
      m.units !== undefined ? String(m.units) : '—',
      percent(m.forget ?? m.curve[0]!.forget),
      percent(m.retain ?? m.curve[0]!.retain),
      percent(end.forget),
      percent(end.retain),
      m.stats ? (m.stats.stepsToHalf === null ? 'never' : String(m.stats.stepsToHalf)) : '—',
      m.stats ? percent(m.stats.forgetArea) : '—',
      m.weightDistance !== undefined ? fixed(m.weightDistance, 2) : '—',
    ];
    return `<tr><th scope="row">${escapeHtml(m.name)}${m.baseline ? ' (baseline)' : ''}</th>${cells.map((c) => `<td class="num">${escapeHtml(c)}</td>`).join('')}</tr>`;
  });
  if (result.floor) {
    const blank = '<td class="num">—</td>';
    rows.push(
      `<tr><th scope="row">never trained</th>${blank}${blank}${blank}<td class="num">${percent(result.floor.forget)}</td><td class="num">${percent(result.floor.retain ?? Number.NaN)}</td>${blank}${blank}${blank}</tr>`,
    );
  }
  return `<table class="data"><thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}
