import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError } from '@modscope/core';
import { loadDataset } from '@modscope/datasets';
import { parseForgetSpec, type ExciseMethod } from '@modscope/intervention-prune';
import { EXCISE_METHODS, runExcise, type ExciseJson } from '../excise-run.js';
import { loadModel } from '../loaders.js';
import { jsonText, percent, print, printJson, progress, table, type Progress } from '../output.js';
import { writeReportOption } from '../report-option.js';
import { inputsFor } from '@modscope/lesion-study';

export interface ExciseCommandOptions {
  data: string;
  forget: string;
  trigger?: string;
  target?: number;
  budget?: number;
  forgetTarget?: number;
  finetuneSteps: number;
  evaluateEvery: number;
  mask: 'held' | 'released';
  partition: string;
  k: number;
  methods: string;
  neverTrainedEpochs: number;
  /** False with --no-never-trained. */
  neverTrained: boolean;
  relearn: string;
  relearnSteps: number;
  relearnMix: number;
  seed: number;
  limit?: number;
  trainLimit?: number;
  batchSize?: number;
  learningRate?: number;
  json?: string;
  report?: string;
}

/** JSON with non-finite numbers as null, as every `--json` of the CLI writes it. */

function parseMethods(text: string): ExciseMethod[] {
  const methods = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = methods.filter((m) => !(EXCISE_METHODS as readonly string[]).includes(m));
  if (methods.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError({
      argument: '--methods',
      message: `unknown method '${unknown[0] ?? text}'.`,
      hint: `Use some of: ${EXCISE_METHODS.join(', ')}, separated by commas.`,
    });
  }
  return [...new Set(methods)] as ExciseMethod[];
}

function parseRelearn(text: string): number[] {
  if (text === 'none' || text === '0') return [];
  const counts = text.split(',').map((s) => Number(s.trim()));
  if (counts.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new InvalidArgumentError({
      argument: '--relearn',
      message: `--relearn '${text}' is not a list of example counts.`,
      hint: 'e.g. --relearn 10,100, or --relearn none.',
    });
  }
  return counts;
}

/** A short progress-bar label for a stage of `runExcise`: `tune random`, `relearn 10`, `never-trained`. */
function barLabel(stage: string): string {
  if (stage.startsWith('fine-tuning: ')) return `tune ${stage.slice('fine-tuning: '.length)}`;
  const relearn = /^relearning attack: ([\w-]+), (\d+)/.exec(stage);
  if (relearn) return `relearn ${relearn[2]} (${relearn[1] === 'module' ? 'pruned' : 'never trained'})`;
  return stage.startsWith('never-trained') ? 'never-trained' : stage;
}

/** `modscope excise <model>`: module pruning of a capability, its baselines, retain fine-tuning and the relearning attack. */
export async function exciseCommand(path: string, options: ExciseCommandOptions): Promise<void> {
  if (options.forget.trim() !== 'trigger' && (options.trigger !== undefined || options.target !== undefined)) {
    throw new InvalidArgumentError({
      argument: '--trigger',
      message: '--trigger and --target belong to --forget trigger.',
      hint: `Drop them, or use --forget trigger instead of --forget ${options.forget}.`,
    });
  }
  const methods = parseMethods(options.methods);
  const relearn = parseRelearn(options.relearn);
  const model = await loadModel(path);
  const test = await loadDataset(options.data, { split: 'test', ...(options.limit ? { limit: options.limit } : {}) });
  inputsFor(model, test, {}); // the model/dataset checks of every command
  // the trigger's defaults (a 4×4 patch in the bottom-right corner, as `modscope train` plants) need the input shape
  const spec = parseForgetSpec(options.forget, {
    ...(options.trigger !== undefined ? { trigger: options.trigger } : {}),
    ...(options.target !== undefined ? { target: options.target } : {}),
    inputShape: test.inputShape,
  });
  const train = await loadDataset(options.data, { split: 'train', ...(options.trainLimit ? { limit: options.trainLimit } : {}) });
  const quiet = options.json === '-';
  let bar: Progress | null = null;
  const started = performance.now();
  let result: ExciseJson;
  try {
    result = await runExcise(
      { network: model.network, model: path.split(/[\\/]/).pop() ?? path, test, train },
      {
        forget: spec,
        partition: options.partition,
        k: options.k,
        steps: options.finetuneSteps,
        evaluateEvery: options.evaluateEvery,
        mask: options.mask,
        methods,
        neverTrainedEpochs: options.neverTrained ? options.neverTrainedEpochs : 0,
        relearn,
        relearnSteps: options.relearnSteps,
        relearnMix: options.relearnMix,
        seed: options.seed,
        ...(options.budget !== undefined ? { budget: options.budget } : {}),
        ...(options.forgetTarget !== undefined ? { forgetTarget: options.forgetTarget } : {}),
        ...(options.batchSize ? { batchSize: options.batchSize } : {}),
        ...(options.learningRate ? { learningRate: options.learningRate } : {}),
        onStage: (stage) => {
          bar?.stop();
          bar = progress(barLabel(stage), { quiet });
        },
        onProgress: (done, total) => bar?.update(done, total),
      },
    );
  } finally {
    (bar as Progress | null)?.stop();
  }
  result.timings.total = Math.round(performance.now() - started) / 1000;
  if (quiet) {
    printJson(result);
    if (options.report) await writeReportOption(result, options.report, { quiet: true });
    return;
  }
  if (options.json) await writeFile(options.json, jsonText(result));
  print(formatExcise(result));
  if (options.json) print(`\nwrote ${options.json}`);
  if (options.report) await writeReportOption(result, options.report, options.json ? { source: options.json } : {});
}

const fixed = (x: number | null, digits = 3) => (x !== null && Number.isFinite(x) ? x.toFixed(digits) : '—');
const steps = (x: number | null) => (x === null ? 'never' : String(x));
const last = <T>(xs: readonly T[]) => xs[xs.length - 1]!;

/** The before/after table of every method, the never-trained floor and the relearning attack. */
export function formatExcise(r: ExciseJson): string {
  const lines = [
    `${r.model} on ${r.dataset}: forget ${r.forget} (${r.forgetMetric}), retain ${r.retain}`,
    `intact: forget ${percent(r.intact.forget)}, retain ${percent(r.intact.retain)} (${r.examples.forget.toLocaleString('en-US')} forget / ${r.examples.retain.toLocaleString('en-US')} retain test examples)`,
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
      ? `never-trained floor (${r.floor.epochs} epoch${r.floor.epochs === 1 ? '' : 's'} from scratch on retain data): forget ${percent(r.floor.forget)}, retain ${percent(r.floor.retain)}`
      : 'never-trained floor: skipped (--no-never-trained)',
  ];
  // an under-trained floor model sits too high and relearns too fast, which flatters module pruning
  if (r.floor && r.floor.retain < r.intact.retain - 0.05) {
    lines.push(
      `note: the never-trained model's retain accuracy is ${((r.intact.retain - r.floor.retain) * 100).toFixed(1)} points below the intact model's; train it longer (--never-trained-epochs) for an honest floor.`,
    );
  }
  if (r.relearning.length > 0) {
    lines.push(
      '',
      `relearning attack (${r.relearning[0]!.steps} steps on forget examples${r.relearning[0]!.retainExamples > 0 ? ' mixed with retain examples' : ''}, from the module-pruned model after its fine-tuning and from the never-trained one; pruned weights free):`,
      table(
        ['start', 'examples', 'retain mixed in', 'forget before', 'forget after', 'retain after', 'steps to half'],
        r.relearning.map((x) => [
          x.model === 'module' ? 'module-pruned' : 'never-trained',
          x.examples,
          x.retainExamples,
          percent(x.curve[0]!.forget),
          percent(last(x.curve).forget),
          percent(last(x.curve).retain),
          steps(x.stats.stepsToHalf),
        ]),
      ),
      'steps to half here: until the forget metric regains half the gap to the intact network.',
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
