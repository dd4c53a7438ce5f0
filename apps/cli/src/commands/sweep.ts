import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ModscopeError } from '@modscope/core';
import {
  type ClusterFigures,
  type ExciseFigures,
  type LesionFigures,
  ManifestError,
  readManifest,
  runSweep,
  type SweepManifest,
  type SweepSummary,
  type SweepSummaryRow,
  sweepSummary,
} from '@modscope/sweep';
import { loaders } from '../loaders.js';
import { jsonText, percent, print, progress, table } from '../output.js';
import { writeOutputFile } from '../output-file.js';
import { checkOutputs } from '../output-paths.js';
import { PARTITIONERS } from '../partitioners.js';
import { queueRun } from '../queue-run.js';
import { UsageError } from '../usage-error.js';
import { pText } from '../warning-lines.js';

export interface SweepOptions {
  out: string;
  /** Run each entry on this Redis queue (`modscope worker` takes them). */
  queue?: string;
}

/** The manifest, checked before any work: each problem a line naming the field and the fix (exit 2). */
async function manifestOf(file: string, queue: boolean): Promise<SweepManifest> {
  try {
    return await readManifest(file, { partitioners: Object.keys(PARTITIONERS), queue });
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    // several problems: one line each, each like every modscope error line
    throw new UsageError({ argument: 'manifest', message: error.message.split('\n').join('\nmodscope: '), hint: '' });
  }
}

const fixed = (x: number | null) => (x === null ? '—' : x.toFixed(3));
const share = (x: number | null) => (x === null ? '—' : percent(x));

/** A row's headline figures in words, or its failure. */
function figuresText(row: SweepSummaryRow): string {
  if (row.status === 'failed') return row.error ?? 'failed';
  if (row.kind === 'cluster') {
    const f = row.figures as ClusterFigures;
    const nulls = Object.entries(f.p).map(([name, p]) => `${pText(p)} (${name})`);
    return `n-cut ${fixed(f.ncut)}${nulls.length > 0 ? `, p ${nulls.join(', ')}` : ', no shuffle test'}`;
  }
  if (row.kind === 'excise') {
    const f = row.figures as ExciseFigures;
    return `forget ${share(f.moduleForget)} module, ${share(f.randomForget)} random, ${share(f.floorForget)} floor; relearned ${share(f.relearnedForget)}`;
  }
  const f = row.figures as LesionFigures;
  return `effect factor ${fixed(f.effectFactor)}, Fisher importance p ${pText(f.importanceP, { digits: 4 })}`;
}

/** The summary table: one row per entry. */
function formatSummary(summary: SweepSummary): string {
  return table(
    ['entry', 'model', 'analysis', 'seed', 'status', 'headline'],
    summary.rows.map((r) => [r.entry, r.model, r.analysis, r.seed, r.status, figuresText(r)]),
  );
}

/**
 * `modscope sweep MANIFEST --out DIR [--queue URL]`: runs every entry (here, one after another, or as
 * pieces on the queue), writes each result as `DIR/<entry>.json` as it finishes and `DIR/summary.json` at
 * the end, and prints the summary; an entry that failed makes the command fail after the others ran.
 */
export async function sweepCommand(file: string, options: SweepOptions): Promise<void> {
  const manifest = await manifestOf(file, options.queue !== undefined);
  await checkOutputs({
    dirs: { '--out': options.out },
    inputs: [{ what: 'the manifest', path: file }, ...manifest.models.map((m) => ({ what: `model ${m.name}`, path: m.path }))],
  });
  await mkdir(options.out, { recursive: true });
  const bar = progress('entries');
  // with --queue: a warning when no worker is alive, and Ctrl-C takes the entries not yet taken off the queue
  const queued = options.queue !== undefined ? queueRun(options.queue) : undefined;
  let summary: SweepSummary;
  try {
    const outcomes = await runSweep(manifest, {
      loadModel: (path, o) => loaders.load(path, o),
      partitioners: PARTITIONERS,
      ...(queued ? { queue: queued.queue, signal: queued.signal } : {}),
      onProgress: (done, total) => bar.update(done, total),
      onEntry: async (outcome) => {
        const path = join(options.out, `${outcome.entry.name}.json`);
        // a failed entry leaves no result behind, not even one of an earlier sweep
        if (outcome.status === 'ok') await writeOutputFile(path, outcome.text);
        else await rm(path, { force: true });
      },
    });
    summary = sweepSummary(outcomes, manifest.file);
  } finally {
    bar.stop();
    queued?.dispose();
  }
  const summaryFile = join(options.out, 'summary.json');
  await writeOutputFile(summaryFile, jsonText(summary));
  print(formatSummary(summary));
  print(`\nwrote ${summary.entries - summary.failed} result files and ${summaryFile}`);
  if (summary.failed > 0) {
    throw new ModscopeError({
      code: 'sweep-failed',
      message: `${summary.failed} of ${summary.entries} sweep entries failed; their reasons are in the summary above and in ${summaryFile}.`,
    });
  }
}
