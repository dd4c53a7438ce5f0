import { methodsTable, relearningTable } from './excision-tables.js';
import type { ExciseView } from './excise-view.js';
import type { Block, Section } from './figure.js';
import { escapeHtml, percent } from './html.js';
import { methodCount, type RecoveryMetrics, recoveryFigure, relearningFigure } from './recovery-figure.js';

/** How a classifier's excision names its metrics: accuracies (or an attack success rate), in percent. */
export function exciseMetrics(result: ExciseView): RecoveryMetrics {
  return {
    forget: result.forgetMetric ?? 'forget accuracy',
    retain: 'retain accuracy',
    ...(result.forget ? { forgetSet: result.forget } : {}),
    ...(result.retain ? { retainSet: result.retain } : {}),
    forgetUnit: 'share',
    retainUnit: 'share',
    degenerate: 'retain accuracy fell by more than 10 points',
  };
}

/** The excision section: recovery curves of every method and baseline against the never-trained floor, the table, the relearning attack. */
export function exciseSection(result: ExciseView): Section {
  const last = (m: ExciseView['methods'][number]) => m.curve[m.curve.length - 1]!;
  const methods = result.methods.filter((m) => !m.baseline);
  const best = (methods.length > 0 ? methods : result.methods).reduce((a, b) => (last(a).forget <= last(b).forget ? a : b));
  const metrics = exciseMetrics(result);
  const metric = metrics.forget;
  const blocks: Block[] = [{ type: 'figure', figure: recoveryFigure(result, metrics), wide: true }];
  if (result.methods.some((m) => m.stats || m.forget !== undefined)) {
    blocks.push({
      type: 'html',
      kind: 'excise-table',
      title: 'Before and after fine-tuning',
      caption: `Right after pruning and at the end of fine-tuning on retain data${result.mask ? ` (pruned weights ${result.mask === 'held' ? 'held at zero' : 'free to regrow'})` : ''}; steps to half: until the ${escapeHtml(metric)} regained half of what pruning removed; area: its mean over the curve; distance: L2 distance of the weights from the original network.`,
      html: methodsTable(result, metrics),
      wide: true,
    });
  }
  if (result.relearning.length > 0) {
    blocks.push({ type: 'figure', figure: relearningFigure(result, metrics), wide: true });
    blocks.push({
      type: 'html',
      kind: 'relearning-table',
      title: 'Relearning attack, with the retain metric',
      caption: `The ${escapeHtml(metric)} on held-out forget examples and the retain accuracy at the start and the end of each attack, from each method's network after its retain fine-tuning and from the never-trained floor (every start fine-tuned on the same examples). A run whose retain accuracy fell by more than 10 points is marked degenerate: the network collapsed (e.g. predicts one class everywhere), which is no measure of relearning.`,
      html: relearningTable(result, metrics),
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
