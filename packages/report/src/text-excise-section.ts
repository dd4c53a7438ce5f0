import { methodsTable, relearningTable } from './excision-tables.js';
import type { Block, Highlight, Section } from './figure.js';
import { count, escapeHtml, fixed, percent } from './html.js';
import { methodCount, metricText, type RecoveryMetrics, recoveryFigure, relearningFigure } from './recovery-figure.js';
import { visibleText } from './text-contexts.js';
import type { TextExciseView } from './text-excise-view.js';
import { unitsText } from './text-lesion-view.js';

/** Modules shown in the modules table, best score first. */
const TOP_MODULES = 12;

/** How a language model's excision names its metrics: a domain's loss in nats, or a trigger's attack success in percent. */
export function textExciseMetrics(result: TextExciseView): RecoveryMetrics {
  const f = result.forget;
  const others = f.kind === 'domain' ? result.domains.filter((d) => d !== f.domain) : [];
  return {
    forget: result.forgetMetric,
    retain: result.retainMetric,
    forgetSet: result.capability,
    ...(others.length > 0 ? { retainSet: others.join(' + ') } : {}),
    forgetUnit: result.forget.kind === 'trigger' ? 'share' : 'loss',
    retainUnit: 'loss',
    degenerate: "retain loss rose by more than 10% of the intact model's",
  };
}

/**
 * The excision section of a language model (method §6, §9): the recovery of the forget metric under
 * retain-only fine-tuning against the never-trained floor, the before/after table, the relearning attack,
 * the modules scored for the capability and what the model writes before and after.
 */
export function textExciseSection(result: TextExciseView): Section {
  const metrics = textExciseMetrics(result);
  const forget = (x: number) => metricText(metrics.forgetUnit, x);
  const retain = (x: number) => metricText(metrics.retainUnit, x);
  const direction = result.forgetHigherIsCapable
    ? `The forget metric is ${result.forgetMetric}: higher means more of the capability is left.`
    : `The forget metric is a loss (${result.forgetMetric}): higher means more of the capability removed.`;
  const blocks: Block[] = [
    { type: 'figure', figure: recoveryFigure(result, metrics), wide: true },
    {
      type: 'html',
      kind: 'excise-table',
      title: 'Intact, right after pruning and after fine-tuning',
      caption: `${direction} Right after pruning and at the end of ${result.steps} steps of fine-tuning on the retain text (pruned weights held at zero), next to the intact model and the never-trained floor; steps to half: until the forget metric regained half of what pruning moved it by; area: its mean over the curve; distance: L2 distance of the weights from the original model.`,
      html: methodsTable(result, metrics, result.intact),
      wide: true,
    },
  ];
  if (result.relearning.length > 0) {
    blocks.push({ type: 'figure', figure: relearningFigure(result, metrics), wide: true });
    blocks.push({
      type: 'html',
      kind: 'relearning-table',
      title: 'Relearning attack, with the retain loss',
      caption: `The forget metric on held-out forget text and the retain loss at the start and the end of each attack, from each method's model after its retain fine-tuning and from the never-trained floor (every start fine-tuned on the same examples). A run whose ${metrics.degenerate} is marked degenerate: the model collapsed, which is no measure of relearning.`,
      html: relearningTable(result, metrics),
      wide: true,
    });
  }
  if (result.modules.length > 0) {
    blocks.push({
      type: 'html',
      kind: 'excise-modules',
      title: `Modules scored for ${result.capability}`,
      caption: `The ${Math.min(TOP_MODULES, result.modules.length)} of ${result.modules.length} sub-clusters (a module's MLP neurons or attention heads in one block) with the highest score, each lesioned alone: the change of the forget metric and of the retain loss, and the score — how much the lesion removes of the capability beyond what it costs the retain text (method §9). Module pruning removed the ones marked chosen.`,
      html: modulesTable(result, metrics),
      wide: true,
    });
  }
  if (result.samples.length > 0) {
    blocks.push({
      type: 'html',
      kind: 'excise-samples',
      title: 'What the model writes: greedy continuations of fixed prompts',
      caption: `Each prompt continued greedily by the intact model, right after module pruning, and after its retain fine-tuning; ⏎ marks a line break${result.forget.kind === 'trigger' ? ', and the target is highlighted' : ''}.`,
      html: samplesTable(result),
      wide: true,
    });
  }
  const module = result.methods.find((m) => m.method === 'module') ?? result.methods.find((m) => !m.baseline) ?? result.methods[0]!;
  const end = module.curve[module.curve.length - 1]!;
  const highlights: Highlight[] = [
    { label: `${result.forgetMetric}, intact`, value: forget(result.intact.forget), note: `retain ${retain(result.intact.retain)}` },
    {
      label: `right after ${module.name}`,
      value: forget(module.forget),
      note: `retain ${retain(module.retain)}, ${count(module.units)} units`,
    },
    { label: `after fine-tuning (${module.name})`, value: forget(end.forget), note: `retain ${retain(end.retain)}` },
  ];
  if (result.floor) {
    highlights.push({
      label: 'never-trained floor',
      value: forget(result.floor.forget),
      note: result.floor.comparable
        ? `a model trained on the retain text only; retain ${retain(result.floor.retain)} (${result.floor.note})`
        : `no floor: its retain loss is clearly worse than the intact model's (${result.floor.note}); read the figures against it with care`,
      ...(result.floor.comparable ? {} : { tone: 'bad' as const }),
    });
  }
  const forgetSize = `${count(result.windows.forgetTest)} test windows${result.prompts !== null ? `, ${count(result.prompts)} triggered prompts` : ''}`;
  return {
    kind: 'modscope/text-excise',
    title: `Excision of ${result.capability} from ${result.model}`,
    subtitle: `${methodCount(result.methods.length)}; forget: ${result.capability} (${forgetSize}); retain: ${metrics.retainSet ?? 'the text without the trigger'} (${count(result.windows.retainTest)} test windows); modules of the ${result.partition.source} partition (k = ${result.partition.k}); ${result.steps} steps of fine-tuning on the retain text; tokenizer ${result.tokenizer}`,
    highlights,
    blocks,
  };
}

const signed = (text: string, x: number) => (x > 0 ? `+${text}` : text);

function modulesTable(result: TextExciseView, metrics: RecoveryMetrics): string {
  const chosen = new Set(result.chosen.map((c) => `${c.layer}:${c.cluster}`));
  const top = [...result.modules]
    .sort((a, b) => (Number.isFinite(b.score) ? b.score : -Infinity) - (Number.isFinite(a.score) ? a.score : -Infinity))
    .slice(0, TOP_MODULES);
  const delta = (x: number) => signed(metrics.forgetUnit === 'share' ? percent(x) : fixed(x, 3), x);
  const rows = top.map((m) => {
    const picked = chosen.has(`${m.layer}:${m.cluster}`);
    return `<tr${picked ? ' class="chosen"' : ''}><td class="mono">${escapeHtml(m.layer)}</td><td class="num">${m.block}</td><td class="num">${m.cluster}</td><td>${unitsText(m.size, m.kind)}</td><td class="num">${delta(m.forgetDelta)}</td><td class="num">${signed(fixed(m.retainDelta, 3), m.retainDelta)}</td><td class="num">${fixed(m.score, 3)}</td><td>${picked ? '<strong>chosen</strong>' : ''}</td></tr>`;
  });
  return `<table class="data">
<thead><tr><th>layer</th><th class="num">block</th><th class="num">module</th><th>units</th><th class="num">Δ forget</th><th class="num">Δ retain loss</th><th class="num">score</th><th>pruned</th></tr></thead>
<tbody>${rows.join('\n')}</tbody>
</table>`;
}

/** A continuation as HTML: escaped, line breaks visible, and for a trigger each occurrence of the target marked. */
function continuationHtml(text: string, target: string | undefined): string {
  if (!target) return visibleText(text);
  return text
    .split(target)
    .map(visibleText)
    .join(`<mark class="target">${visibleText(target)}</mark>`);
}

function samplesTable(result: TextExciseView): string {
  const target = result.forget.kind === 'trigger' ? result.forget.target : undefined;
  const rows = result.samples.map(
    (s) =>
      `<tr><td class="sample">${visibleText(s.prompt)}</td>${[s.intact, s.pruned, s.fineTuned].map((t) => `<td class="sample">${continuationHtml(t, target)}</td>`).join('')}</tr>`,
  );
  return `<table class="data samples">
<thead><tr><th>prompt</th><th>intact</th><th>after pruning</th><th>after fine-tuning</th></tr></thead>
<tbody>${rows.join('\n')}</tbody>
</table>`;
}
