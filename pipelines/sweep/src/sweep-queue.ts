import type { PartitionerSpec } from '@modscope/clusterability';
import { InvalidArgumentError, type LoadedModel, type Partitioner } from '@modscope/core';
import { loadDataset } from '@modscope/datasets';
import type { PieceContext, PieceHandler } from '@modscope/queue';
import { checkAnalysis, type SweepAnalysis } from './manifest.js';
import { type DatasetLoader, datasetCache, oneLine, runAnalysis } from './run-entry.js';

/** The kind of a queued piece that is one whole entry of a sweep (one analysis of one model, one seed). */
export const SWEEP_PIECE = 'sweep/entry';

/** What a sweep piece carries: the model by content hash (in the queue's side storage), never by path. */
export interface SweepPayload {
  /** The model's bytes by hash, and the network's name (the submitter's file name, or the manifest's name). */
  model: { hash: string; name: string };
  analysis: SweepAnalysis;
  /** The submitter's spec; a worker makes the partitioner from its own table by the factory name. */
  partitioner: PartitionerSpec;
}

/**
 * What a worker sends back for a piece: the result file's text, or the entry's failure in one line. A
 * failing analysis is an answer, not a failed piece, so one bad entry does not fail the others.
 */
export type SweepReply = { ok: true; text: string } | { ok: false; error: string };

/** Loads a model file, under a name when one is given (`loaders.load` of the CLI, or a `ModelLoader`'s `load`). */
export type ModelLoad = (path: string, options: { name?: string }) => Promise<LoadedModel>;

export interface SweepHandlerOptions {
  /** Loads the model file the worker wrote from the piece's bytes (an `.onnx` file), named as the piece says. */
  loadModel: ModelLoad;
  /**
   * Makes the partitioner a piece names. The spec's module is a path on the submitting machine: resolve it
   * against what this worker trusts (a table of factory names), never by importing whatever it says.
   */
  partitioner: (spec: PartitionerSpec) => Promise<Partitioner>;
  /** Loads a dataset by name; default `loadDataset` of `@modscope/datasets` (the worker's own copy). */
  loadDataset?: DatasetLoader;
}

const HASH = /^[0-9a-f]{64}$/;

/**
 * The piece handlers a queue worker needs to run whole sweep entries (`runWorker({ handlers })`). Each model
 * is fetched once by its hash into a directory of this process's own (`modelFile` of `@modscope/queue`:
 * mode 0700, removed when it exits) and loaded from there; datasets are loaded by name.
 */
export function sweepHandlers(options: SweepHandlerOptions): Record<string, PieceHandler> {
  const datasets = datasetCache(options.loadDataset ?? loadDataset);
  const modelPath = async (hash: string, context: PieceContext): Promise<string> => {
    // imported here: the package's other users never load BullMQ for it
    const { modelFile } = await import('@modscope/queue');
    return modelFile(hash, () => context.blob(hash));
  };
  const handler: PieceHandler = async (piece, context): Promise<SweepReply> => {
    try {
      const p = piece.payload as SweepPayload;
      if (typeof p?.model?.hash !== 'string' || !HASH.test(p.model.hash) || typeof p.model.name !== 'string') {
        throw new InvalidArgumentError({ argument: 'piece', message: 'a sweep piece without a model hash or name.' });
      }
      if (typeof p.partitioner?.factory !== 'string') {
        throw new InvalidArgumentError({ argument: 'piece', message: 'a sweep piece without a partitioner.' });
      }
      const analysis = checkAnalysis(p.analysis);
      const [file, partitioner] = await Promise.all([modelPath(p.model.hash, context), options.partitioner(p.partitioner)]);
      const model = await options.loadModel(file, { name: p.model.name });
      return { ok: true, text: await runAnalysis(model, analysis, piece.seed, partitioner, datasets) };
    } catch (error) {
      return { ok: false, error: oneLine(error) };
    }
  };
  return { [SWEEP_PIECE]: handler };
}
