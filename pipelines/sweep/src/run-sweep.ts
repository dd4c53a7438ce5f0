import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { PartitionerSpec } from '@modscope/clusterability';
import { InvalidArgumentError, ModscopeError } from '@modscope/core';
import { loadDataset } from '@modscope/datasets';
import type { Piece, QueueOptions } from '@modscope/queue';
import { type SweepAnalysis, type SweepEntry, type SweepManifest, sweepEntries } from './manifest.js';
import { type DatasetLoader, datasetCache, oneLine, runAnalysis } from './run-entry.js';
import { type ModelLoad, SWEEP_PIECE, type SweepPayload, type SweepReply } from './sweep-queue.js';

/** How one entry ended: its result file's text and content, or its failure in one line; wall-clock seconds. */
export type SweepOutcome = { entry: SweepEntry; seconds: number } & (
  | { status: 'ok'; text: string; result: Record<string, unknown> }
  | { status: 'failed'; error: string }
);

export interface RunSweepOptions {
  /** Loads a model file under a given name (the CLI's loader registry, or a `ModelLoader`'s `load`). */
  loadModel: ModelLoad;
  /**
   * The partitioners an analysis may name (`options.partitioner`, default `spectral`), as specs: the app's
   * name table (the CLI's `PARTITIONERS`). On a queue the spec travels and each worker resolves its factory.
   */
  partitioners: Readonly<Record<string, () => PartitionerSpec>>;
  /** Loads a dataset by name; default `loadDataset` of `@modscope/datasets`. Queue workers load their own. */
  loadDataset?: DatasetLoader;
  /**
   * Run each entry as one piece on this BullMQ queue (Redis) instead of here, one after another; queue
   * workers (`modscope worker`, or `runWorker` with `sweepHandlers`) take them. The results are identical.
   */
  queue?: QueueOptions & {
    /** Called once when entries wait on the queue and no worker is alive, with a line saying how to start one. */
    onWaiting?: (line: string) => void;
  };
  /** With `queue`: aborting it takes the entries not yet taken off the queue, and `runSweep` rejects. */
  signal?: AbortSignal;
  /** Entries finished, of all. */
  onProgress?: (done: number, total: number) => void;
  /** Called as each entry finishes (e.g. to write its file), awaited before the entry counts as done. */
  onEntry?: (outcome: SweepOutcome) => void | Promise<void>;
}

function specs(manifest: SweepManifest, table: RunSweepOptions['partitioners']): Map<string, PartitionerSpec> {
  const found = new Map<string, PartitionerSpec>();
  for (const analysis of manifest.analyses) {
    const name = analysis.options.partitioner ?? 'spectral';
    const make = Object.hasOwn(table, name) ? table[name] : undefined;
    if (!make) {
      throw new InvalidArgumentError({
        argument: 'partitioners',
        message: `analysis '${analysis.name}' names the partitioner '${name}', which is not in the table given.`,
        hint: `Use one of ${Object.keys(table).join(', ')}.`,
      });
    }
    found.set(analysis.name, make());
  }
  return found;
}

function outcomeOf(entry: SweepEntry, started: number, reply: SweepReply): SweepOutcome {
  const seconds = (performance.now() - started) / 1000;
  if (!reply.ok) return { entry, seconds, status: 'failed', error: reply.error };
  return { entry, seconds, status: 'ok', text: reply.text, result: JSON.parse(reply.text) as Record<string, unknown> };
}

/**
 * Runs every entry of a sweep (models × analyses × seeds, `sweepEntries`) and returns how each ended, in
 * entry order. Here the entries run one after another; with `queue`, each is one piece (the model by its
 * content hash, the dataset by name) and workers run them in parallel. An entry that fails is an outcome
 * with its reason in one line: it does not stop the others.
 */
export async function runSweep(manifest: SweepManifest, options: RunSweepOptions): Promise<SweepOutcome[]> {
  const entries = sweepEntries(manifest);
  const partitioners = specs(manifest, options.partitioners);
  const spec = (analysis: SweepAnalysis) => partitioners.get(analysis.name)!;
  let done = 0;
  const finish = async (outcome: SweepOutcome) => {
    await options.onEntry?.(outcome);
    options.onProgress?.(++done, entries.length);
    return outcome;
  };
  options.onProgress?.(0, entries.length);
  if (options.queue === undefined) {
    const datasets = datasetCache(options.loadDataset ?? loadDataset);
    const outcomes: SweepOutcome[] = [];
    for (const entry of entries) {
      const started = performance.now();
      let reply: SweepReply;
      try {
        const network = entry.model.network;
        const model = await options.loadModel(entry.model.path, network !== undefined ? { name: network } : {});
        reply = { ok: true, text: await runAnalysis(model, entry.analysis, entry.seed, spec(entry.analysis), datasets) };
      } catch (error) {
        reply = { ok: false, error: oneLine(error) };
      }
      outcomes.push(await finish(outcomeOf(entry, started, reply)));
    }
    return outcomes;
  }
  const { createQueueExecutor } = await import('@modscope/queue');
  const { onWaiting, ...queue } = options.queue;
  const executor = createQueueExecutor(queue);
  // each entry is a run of one piece: say it once, for the whole sweep
  let warned = false;
  let settled = 0;
  const waiting = () => {
    if (!warned) {
      onWaiting?.(
        `no worker is taking pieces from ${queue.url}; ${entries.length - settled} of ${entries.length} sweep entries are waiting. Start one with: modscope worker --queue ${queue.url}`,
      );
    }
    warned = true;
  };
  try {
    const hashes = new Map<string, string>();
    for (const model of manifest.models) hashes.set(model.name, await executor.put(await readFile(model.path)));
    // one run per entry: a piece that fails outside its analysis (no worker handles it) fails its entry only
    const outcomes = await Promise.all(
      entries.map(async (entry) => {
        const started = performance.now();
        const piece: Piece = {
          kind: SWEEP_PIECE,
          seed: entry.seed,
          payload: {
            // the worker's copy is <hash>.onnx: the network is named as the file here would name it
            model: { hash: hashes.get(entry.model.name)!, name: entry.model.network ?? basename(entry.model.path) },
            analysis: entry.analysis,
            partitioner: spec(entry.analysis),
          } satisfies SweepPayload,
        };
        let reply: SweepReply;
        try {
          const [value] = await executor.run([piece], { onWaiting: waiting, ...(options.signal ? { signal: options.signal } : {}) });
          reply = isReply(value)
            ? value
            : { ok: false, error: 'the worker sent back no sweep result (is it a modscope worker of this version?).' };
        } catch (error) {
          reply = { ok: false, error: oneLine(error) };
        }
        settled++;
        return finish(outcomeOf(entry, started, reply));
      }),
    );
    if (options.signal?.aborted) {
      const finished = outcomes.filter((o) => o.status === 'ok').length;
      throw new ModscopeError({
        code: 'aborted',
        message: `the sweep was stopped: ${finished} of ${entries.length} entries had finished; the others were taken off the queue.`,
      });
    }
    return outcomes;
  } finally {
    await executor.close();
  }
}

function isReply(value: unknown): value is SweepReply {
  const reply = value as { ok?: unknown; text?: unknown; error?: unknown } | null;
  return (reply?.ok === true && typeof reply.text === 'string') || (reply?.ok === false && typeof reply.error === 'string');
}
