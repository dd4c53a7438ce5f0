import type { ExciseRunResult } from '@modscope/excision';
import { percent, table } from './output.js';

const fixed = (x: number | null, digits = 3) => (x !== null && Number.isFinite(x) ? x.toFixed(digits) : '—');
const steps = (x: number | null) => (x === null ? 'never' : String(x));
const last = <T>(xs: readonly T[]) => xs[xs.length - 1]!;
/** `a`, `a and b`, `a, b and c`. */
const listed = (xs: readonly string[]) => (xs.length <= 2 ? xs.join(' and ') : `${xs.slice(0, -1).join(', ')} and ${last(xs)}`);
// a trigger's forget metric is triggered − clean (method §6.8): the raw rates behind it
const rates = (a: { triggered: number; clean: number } | undefined) =>
  a ? `; target predicted for ${percent(a.triggered)} of triggered inputs, ${percent(a.clean)} of the same without the trigger` : '';

/** How the floor was trained, in words: "3 epochs from scratch on retain data, as in train.json". */
function floorHow(floor: NonNullable<ExciseRunResult['floor']>): string {
  const epochs = `${floor.epochs} epoch${floor.epochs === 1 ? '' : 's'} from scratch on retain data`;
  if (floor.training === 'recipe') return `${epochs}, as in ${floor.recipe?.split(/[\\/]/).pop() ?? 'train.json'}`;
  if (floor.training === 'matched') return `${epochs}, until its retain accuracy came within 1 point of the intact model's`;
  return epochs;
}

/** What `modscope excise` prints: the before/after table of every method, the never-trained floor and the relearning attack. */
export function formatExcise(r: ExciseRunResult): string {
  const lines = [
    `${r.model} on ${r.dataset}: forget ${r.forget} (${r.forgetMetric}), retain ${r.retain}`,
    `intact: forget ${percent(r.intact.forget)}, retain ${percent(r.intact.retain)} (${r.examples.forget.toLocaleString('en-US')} forget / ${r.examples.retain.toLocaleString('en-US')} retain test examples)${rates(r.intact.attack)}`,
    `partition: ${r.partition.source}, k = ${r.partition.k}; module pruning removed ${r.chosen.length} sub-cluster${r.chosen.length === 1 ? '' : 's'} (${r.chosen.map((c) => `${c.layer}#${c.cluster}: ${c.size}`).join(', ')})`,
    `fine-tuning: ${r.steps} steps on ${r.examples.retainTraining.toLocaleString('en-US')} retain training examples, mask ${r.mask}, curve every ${r.evaluateEvery} steps`,
    '',
    table(
      [
        'method',
        'units',
        'forget pruned',
        'retain pruned',
        'forget tuned',
        'retain tuned',
        'steps to half',
        'forget area',
        'weight distance',
      ],
      r.methods.map((m) => [
        m.name,
        m.units,
        percent(m.forget),
        percent(m.retain),
        percent(m.stats.finalForget),
        percent(m.stats.finalRetain),
        steps(m.stats.stepsToHalf),
        percent(m.stats.forgetArea),
        fixed(m.weightDistance, 2),
      ]),
    ),
    '',
    'steps to half: fine-tuning steps until the forget metric regains half of what pruning removed; forget area: its mean over the curve.',
    r.floor
      ? `never-trained floor (${floorHow(r.floor)}): forget ${percent(r.floor.forget)}, retain ${percent(r.floor.retain)}`
      : 'never-trained floor: skipped (--no-never-trained)',
  ];
  // an under-trained floor model sits too high and relearns too fast, which flatters module pruning (method §6.5)
  if (r.floor && r.floor.comparable === false) {
    lines.push(
      `note: the never-trained floor is no floor: its retain accuracy is ${((r.floor.retainGap ?? 0) * 100).toFixed(1)} points below the intact model's (more than 1); train it longer (--never-trained-epochs) before reading the figures against it.`,
    );
  }
  if (r.relearning.length > 0) {
    const starts = [...new Set(r.relearning.map((x) => x.model))];
    const name = (model: string) => r.methods.find((m) => m.method === model)?.name ?? 'never-trained';
    const from = starts.filter((m) => m !== 'never-trained').map(name);
    lines.push(
      '',
      `relearning attack (${r.relearning[0]!.steps} steps on forget examples${r.relearning[0]!.retainExamples > 0 ? ' mixed into retain data' : ' alone'}, from ${from.length > 0 ? `${listed(from)} (${from.length === 1 ? 'after' : 'each after'} its retain fine-tuning)` : 'no method'}${starts.includes('never-trained') ? ' and from the never-trained floor' : ''}; pruned weights free; measured on held-out forget examples):`,
      table(
        ['start', 'examples', 'retain mixed in', 'forget before', 'forget after', 'retain before', 'retain after', 'steps to half', ''],
        r.relearning.map((x) => [
          name(x.model),
          x.examples,
          x.retainExamples,
          percent(x.curve[0]!.forget),
          percent(last(x.curve).forget),
          percent(x.curve[0]!.retain),
          percent(last(x.curve).retain),
          x.degenerate ? '—' : steps(x.stats.stepsToHalf),
          x.degenerate ? 'DEGENERATE' : '',
        ]),
      ),
      'steps to half here: until the forget metric regains half the gap to the intact network.',
      ...(r.relearning.some((x) => x.degenerate)
        ? ['DEGENERATE: retain accuracy fell by more than 10 points: the network collapsed, which is no measure of relearning.']
        : []),
    );
  }
  lines.push(
    '',
    `time: ${Object.entries(r.timings)
      .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
      .join(', ')}`,
  );
  return lines.join('\n');
}
