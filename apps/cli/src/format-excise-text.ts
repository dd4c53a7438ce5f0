import type { TextExciseResult } from '@modscope/language-models';
import { table } from './output.js';

const metric = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '—');

/** The tables `modscope excise MODEL --text …` prints. */
export function formatExciseText(r: TextExciseResult): string {
  const lossy = !r.forgetHigherIsCapable;
  const lines = [
    `${r.model}: forget ${r.capability}, retain the rest of ${r.domains.join(' + ')}`,
    `forget metric: ${r.forgetMetric}${lossy ? ' (higher is more removed)' : ''}; retain metric: ${r.retainMetric}`,
    `intact: forget ${metric(r.intact.forget)}, retain ${metric(r.intact.retain)}; ${r.chosen.length} modules chosen (partition: ${r.partition.source}, k = ${r.partition.k})`,
    '',
    table(
      ['method', 'units', 'forget pruned', 'retain pruned', `forget after ${r.steps} steps`, 'retain after', 'steps to half'],
      r.methods.map((m) => [
        m.name,
        m.units,
        metric(m.forget),
        metric(m.retain),
        metric(m.stats.finalForget),
        metric(m.stats.finalRetain),
        m.stats.stepsToHalf ?? '—',
      ]),
    ),
  ];
  if (r.floor) lines.push('', `never-trained floor: forget ${metric(r.floor.forget)}, retain ${metric(r.floor.retain)} — ${r.floor.note}`);
  if (r.relearning.length > 0) {
    lines.push(
      '',
      'relearning attack (forget windows mixed into retain batches, about 10% forget):',
      table(
        ['from', 'forget windows', 'forget start', 'forget end', 'retain rise', ''],
        r.relearning.map((x) => [
          x.model,
          x.examples,
          metric(x.curve[0]?.forget ?? Number.NaN),
          metric(x.stats.finalForget),
          metric(x.retainRise),
          x.degenerate ? 'degenerate (retain collapsed)' : '',
        ]),
      ),
    );
  }
  if (r.samples.length > 0) {
    lines.push('', 'greedy continuations (module pruning):');
    for (const s of r.samples)
      lines.push(
        `  ${JSON.stringify(s.prompt)}`,
        `    intact ${JSON.stringify(s.intact)}`,
        `    pruned ${JSON.stringify(s.pruned)}`,
        `    tuned  ${JSON.stringify(s.fineTuned)}`,
      );
  }
  return lines.join('\n');
}
