import { loadDataset } from '@modscope/datasets';
import { lesionHandlers, runLesion, type LesionStudyOptions, type LesionStudyStage } from '@modscope/lesion-study';
import { isLanguageModel, type LoadedModel } from '@modscope/core';
import { loaders, loadModel } from '../loaders.js';
import { queueRun } from '../queue-run.js';
import { UsageError } from '../usage-error.js';
import { progress, table, percent, type Progress } from '../output.js';
import { modelInputs, partitionInput } from '../command-inputs.js';
import { checkOutputs } from '../output-paths.js';
import { partitionerSpec } from '../partitioners.js';
import { writeResultOutputs } from '../report-option.js';
import { floorText, pText, warningLines } from '../warning-lines.js';

export interface LesionOptions extends Omit<LesionStudyOptions, 'onProgress' | 'partitioner' | 'queue'> {
  /** Evaluate the lesions on this Redis queue (`modscope worker` takes them). */
  queue?: string;
  data?: string;
  text?: string[];
  tokenizer?: string;
  stride?: number;
  ablation?: 'zero' | 'mean';
  /** Weights partition: a name of `PARTITIONERS`, or a partitioner package name or path. Default spectral. */
  partitioner?: string;
  split?: 'train' | 'test' | 'all';
  limit?: number;
  json?: string;
  /** Also write the HTML report of the result to this file. */
  report?: string;
}

const fixed = (x: number | null, digits = 3) => (x !== null && Number.isFinite(x) ? x.toFixed(digits) : '—');

const stageLabels: Record<LesionStudyStage, string> = { lesions: 'lesions', featureViz: 'feature viz' };

export async function lesionCommand(path: string, options: LesionOptions): Promise<void> {
  const { partitioner: partitionerName, queue, ...study } = options;
  if (queue !== undefined) refuseQueue(options);
  const partitioner = partitionerName !== undefined ? await partitionerSpec(partitionerName) : undefined;
  await checkOutputs({
    files: { '--json': options.json, '--report': options.report },
    dirs: { '--feature-viz': options.featureViz },
    inputs: [...modelInputs(path), partitionInput(options.partition)],
  });
  const model = await loadModel(path);
  if (queue !== undefined && isLanguageModel(model.network)) refuseQueue({ languageModel: true });
  // A language model, or text: the lesion study of method §9.
  if (options.text || isLanguageModel(model.network)) return (await import('./lesion-text.js')).lesionTextCommand(path, model, options);
  if (!options.data)
    throw new UsageError({
      argument: 'data',
      message: 'lesion needs --data (a classifier) or --text (a language model).',
      hint: 'Pass --data fashion-mnist, or --text name=file[,file…].',
    });
  if (options.split === 'all')
    throw new UsageError({
      argument: 'split',
      message: '--split all is for text.',
      hint: 'Lesion a classifier on --split test or --split train.',
    });
  const dataset = await loadDataset(options.data, { split: options.split ?? 'test', ...(options.limit ? { limit: options.limit } : {}) });
  const quiet = options.json === '-';
  // One bar per stage, closed when its stage is done or the next one starts.
  let stage: LesionStudyStage | undefined;
  let bar: Progress = progress('', { quiet: true });
  const queued = queue !== undefined ? queueRun(queue) : undefined;
  let result: LesionResultJson;
  try {
    result = await runLesion(model, dataset, {
      ...study,
      ...(partitioner ? { partitioner } : {}),
      ...(queued ? { queue: { ...queued.queue, signal: queued.signal } } : {}),
      onProgress: (next, done, total) => {
        if (next !== stage) {
          bar.stop();
          stage = next;
          bar = progress(stageLabels[next], { quiet });
        }
        bar.update(done, total);
        if (done >= total) bar.stop();
      },
    });
  } finally {
    bar.stop();
    queued?.dispose();
  }
  await writeResultOutputs(result, options, () => formatLesions(result));
}

/** What only runs here: --queue sends the lesion sweep of a classifier, nothing else. */
function refuseQueue(options: Pick<LesionOptions, 'text' | 'featureViz'> & { languageModel?: boolean }): void {
  if (options.text || options.languageModel) {
    throw new UsageError({
      argument: '--queue',
      message: '--queue sends the lesions of a classifier to workers; a language model is lesioned here.',
      hint: 'Leave --queue out with --text or a language model.',
    });
  }
  if (options.featureViz !== undefined) {
    throw new UsageError({
      argument: '--queue',
      message: '--queue sends the lesion sweep to workers; --feature-viz runs only here.',
      hint: 'Give one: leave --queue out to visualize features, or --feature-viz to queue the lesions.',
    });
  }
}

/**
 * A model from the bytes a submitter stored (checked against their hash by the queue): written once per
 * process to a private directory of its own, named by their content hash (64 hex digits, checked by the
 * pipeline; never a path that came with the piece), and loaded from there.
 */
async function modelFromBytes({ hash, bytes, name }: { hash: string; bytes: Uint8Array; name: string }): Promise<LoadedModel> {
  // imported here: `lesion` without --queue never loads BullMQ
  const { modelFile } = await import('@modscope/queue');
  return loaders.load(await modelFile(hash, bytes), { name });
}

/** The handlers `modscope worker` runs the pieces of `lesion --queue` with. */
export function lesionWorkerHandlers(): ReturnType<typeof lesionHandlers> {
  return lesionHandlers({ loadModel: modelFromBytes });
}

/** What `modscope lesion --json` writes. */
type LesionResultJson = Awaited<ReturnType<typeof runLesion>>;

const randomNotes = { option: '', 'default-dense': ', the default without conv layers', 'default-conv': ', the default with conv layers' };

/** The ranked table of sub-clusters and the per-network summary. */
function formatLesions(r: LesionResultJson): string {
  const ranked = [...r.subclusters].sort((a, b) => a.accuracy - b.accuracy);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const affected = (drop: readonly (number | null)[]) =>
    drop
      .map((d, c) => [d ?? Number.NaN, c] as const)
      .filter(([d]) => d > 0.005)
      .sort((a, b) => b[0] - a[0])
      .slice(0, 3)
      .map(([d, c]) => `${r.classNames[c]} −${(100 * d).toFixed(0)}`)
      .join(', ');
  const lines = [
    `${r.model} on ${r.dataset}: ${r.examples.toLocaleString('en-US')} examples, intact accuracy ${percent(r.baseline.accuracy)}`,
    `partition: ${r.partition.source}, k = ${r.partition.k}; ${r.subclusters.length} sub-clusters, each against ${r.random} random same-size lesions${randomNotes[r.randomFrom ?? 'option']} (${r.evaluations} lesioned evaluations in ${(r.timings.lesions / 1000).toFixed(1)} s)`,
    '',
    table(
      ['layer', 'cluster', 'size', 'accuracy', 'random', 'importance p', 'selectivity p', 'upstream p', 'most affected (points lost)'],
      ranked.map((s) => [
        s.layer,
        s.cluster,
        `${s.size}/${s.layerUnits}`,
        percent(s.accuracy),
        percent(mean(s.random.accuracy)),
        pText(s.importanceP),
        pText(s.coherenceP),
        pText(s.upstream.p),
        affected(s.drop),
      ]),
    ),
    '',
    ...(r.smallestP
      ? [
          `p = (r + 1)/(n + 1) against n = ${r.random} random lesions: no sub-cluster's p can be below ${floorText(r.smallestP.subcluster)}${r.smallestP.fisher !== null ? `, no Fisher-combined p below ${floorText(r.smallestP.fisher)}` : ''}`,
        ]
      : []),
    // small p-values in scientific notation (6e-10, not 0.0000); one at the floor its random sets allow says so
    `Fisher-combined p: ${(['importance', 'coherence', 'upstream'] as const)
      .map(
        (t, i) =>
          `${['importance', 'class selectivity', 'upstream coherence'][i]} ${pText(r.fisher[t]?.p, { digits: 4, floor: r.smallestP?.fisher })}`,
      )
      .join(', ')}`,
    `effect factor ${fixed(r.effectFactor)} (random-lesion accuracy / sub-cluster-lesion accuracy; above 1: modules matter more than random units)`,
    ...warningLines(r.warnings),
  ];
  return lines.join('\n');
}
