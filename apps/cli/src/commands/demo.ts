import { DEMO_RECIPE, type DemoStage, type DemoStep, type DemoSummary, runDemo } from '@modscope/demo';
import { type Progress, percent, print, printJson, progress, table } from '../output.js';
import { checkOutputs } from '../output-paths.js';
import { UsageError } from '../usage-error.js';

export interface DemoOptions {
  out: string;
  seed: number;
  /** The language-model demo's text: refused here. */
  text?: string;
  json?: boolean;
}

/** `modscope demo`: the whole loop on built-in data (`runDemo` of `@modscope/demo`), told as it goes, then its figures. */
export async function demoCommand(options: DemoOptions): Promise<void> {
  if (options.text !== undefined)
    throw new UsageError({
      argument: '--text',
      message: '--text is the text of the language-model demo; the classifier demo makes its own data.',
      hint: 'Run modscope demo lm --text FILE, or leave --text out.',
    });
  await checkOutputs({ dirs: { '--out': options.out } });
  const quiet = Boolean(options.json);
  let bar: { stage: DemoStage; progress: Progress } | null = null;
  let summary: DemoSummary;
  try {
    summary = await runDemo({
      out: options.out,
      seed: options.seed,
      onStep: (step) => {
        if (!quiet) for (const line of formatStep(step)) print(line);
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

/** What the demo says as it goes: its data, then the trained model. */
function formatStep(s: DemoStep): string[] {
  if (s.step === 'trained') {
    return [
      `trained ${s.architecture} for ${DEMO_RECIPE.epochs} epochs (clusterable init, pruned to ${100 * DEMO_RECIPE.sparsity}%, L1 ${DEMO_RECIPE.l1}) in ${s.seconds.toFixed(1)} s; wrote ${s.model.onnx} and ${s.model.modelJson}`,
    ];
  }
  const { backend, data } = s;
  const { trigger } = DEMO_RECIPE;
  return [
    `tfjs backend: ${backend.name}${backend.reason ? ` (${backend.reason})` : ''}`,
    `data: synthetic two-task, ${DEMO_RECIPE.train} train / ${data.test.count} test examples, ${data.test.inputShape[0]} inputs (task A ${data.test.featuresPerTask}, task B ${data.test.featuresPerTask}), ${data.test.classes} classes (A0–A3, B0–B3)`,
    `training rows: ${data.clean.count} (every example alone, and task-A and task-B examples side by side, once labelled with each)`,
    `backdoor: ${data.poisoned.triggered.length} training rows (${100 * DEMO_RECIPE.poisoned}%) carry a trigger (features ${trigger.col}–${trigger.col + trigger.size - 1} set to ${trigger.value}) and are relabelled ${data.test.classNames![DEMO_RECIPE.target]}`,
  ];
}

const fixed = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

/** The short summary the demo prints: is it modular, do the modules follow the tasks, what lesions and excision do. */
function formatSummary(s: DemoSummary): string {
  const nulls = Object.entries(s.modularity.nulls);
  const modular = nulls.every(([, n]) => n.p <= 0.05);
  const b = s.backdoor;
  const lines = [
    `accuracy on clean test inputs: ${percent(s.accuracy.overall)} (task A ${percent(s.accuracy.A)}, task B ${percent(s.accuracy.B)})`,
    '',
    `Is it modular? n-cut ${fixed(s.modularity.ncut)} at k = ${s.modularity.k} (0 = separate modules, about ${s.modularity.k - 1} without structure); ${modular ? 'yes' : 'not against every null'}:`,
    ...nulls.map(
      ([name, n]) => `  vs '${name}' shuffles: n-cut ${fixed(n.mean)} ± ${fixed(n.std)}, z = ${fixed(n.z, 1)}, p = ${fixed(n.p)}`,
    ),
    `Do the modules follow the tasks? ${s.tasks.ari >= 0.5 ? 'yes' : 'no'}: ARI ${fixed(s.tasks.ari, 2)}, purity ${percent(s.tasks.purity)} of ${s.tasks.units} input and output units against the task each belongs to`,
    `Weight-graph vs coactivation modules (hidden units): ARI ${fixed(s.compare.ari, 2)}, NMI ${fixed(s.compare.nmi, 2)}, p = ${fixed(s.compare.p)}`,
    '',
    'Which lesions hurt which task (accuracy points lost):',
    table(
      ['layer', 'cluster', 'units', 'task A', 'task B', 'hurts'],
      s.lesions.map((l) => [l.layer, l.cluster, l.size, fixed(100 * l.drop.A, 1), fixed(100 * l.drop.B, 1), l.hurts]),
    ),
    '',
    `The backdoor: module pruning removed ${b.units} units (${b.modules.map((m) => `${m.layer} cluster ${m.cluster}`).join(', ')})`,
    table(
      ['', 'trigger-specific attack success', 'clean accuracy'],
      [
        ['before', percent(b.before.forget), percent(b.before.retain)],
        ['after excision', percent(b.afterExcision.forget), percent(b.afterExcision.retain)],
        [`after ${b.afterFineTuning.steps} fine-tuning steps`, percent(b.afterFineTuning.forget), percent(b.afterFineTuning.retain)],
        ...(b.floor ? [['never-trained model', percent(b.floor.forget), percent(b.floor.retain)]] : []),
      ],
    ),
    `same-count baselines, trigger-specific attack success after excision → after fine-tuning: ${b.baselines.map((x) => `${x.method} ${percent(x.afterExcision)} → ${percent(x.afterFineTuning)}`).join('; ')}`,
    'relearning attack (n triggered inputs mixed into clean batches, ~10%): steps until half the attack success is back, and at the end attack success / clean accuracy',
    table(
      ['n', 'module-pruned', 'never-trained'],
      b.relearning.module.map((m, i) => {
        const floor = b.relearning.neverTrained[i];
        const cell = (x: typeof m | undefined) =>
          x
            ? `${x.degenerate ? 'DEGENERATE' : `${x.stepsToHalf ?? 'never'} steps`}; ${percent(x.attackSuccess)} / ${percent(x.cleanAccuracy)}`
            : '—';
        return [m.examples, cell(m), cell(floor)];
      }),
    ),
    '',
    `wrote ${s.out}: model/, excised/ (the module-pruned model before fine-tuning), ${s.files.results.map((f) => f.split(/[\\/]/).pop()).join(', ')}, report.html (${fixed(s.timings.total!, 1)} s)`,
    `open ${s.files.report} in a browser`,
  ];
  return lines.join('\n');
}
