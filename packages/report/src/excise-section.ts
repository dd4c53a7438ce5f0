import type { ExciseResult } from './excise-result.js';
import type { Section } from './figure.js';
import { percent } from './html.js';
import { recoveryFigure } from './recovery-figure.js';

/** The excision section: recovery curves of every method and baseline against the never-trained floor. */
export function exciseSection(result: ExciseResult): Section {
  const last = (m: ExciseResult['methods'][number]) => m.curve[m.curve.length - 1]!;
  const methods = result.methods.filter((m) => !m.baseline);
  const best = (methods.length > 0 ? methods : result.methods).reduce((a, b) => (last(a).forget <= last(b).forget ? a : b));
  return {
    kind: 'modscope/excise',
    title: `Excision and relearning on ${result.model}`,
    subtitle: `${result.methods.length} methods and baselines${result.forget ? `; forget: ${result.forget}` : ''}${result.retain ? `; retain: ${result.retain}` : ''}${result.dataset ? ` (${result.dataset})` : ''}`,
    highlights: [
      { label: `forget accuracy after fine-tuning (${best.name})`, value: percent(last(best).forget), note: `retain ${percent(last(best).retain)}` },
      ...(result.floor ? [{ label: 'never-trained floor', value: percent(result.floor.forget), note: 'forget accuracy of a model trained on retain data only' }] : []),
    ],
    blocks: [{ type: 'figure', figure: recoveryFigure(result), wide: true }],
  };
}
