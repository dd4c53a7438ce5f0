import { readFile } from 'node:fs/promises';
import { type Evaluator, InvalidArgumentError, type LabelledExamples, type LoadedModel } from '@modscope/core';
import { type EvaluateLesionBatches, evaluateLesionBatch, type LesionAccuracy } from '@modscope/intervention-lesion';
import type { Piece, PieceContext, PieceHandler, QueueOptions } from '@modscope/queue';

/** The kind of a queued piece that is one batch of lesions of the lesion sweep. */
export const LESION_PIECE = 'lesion-study/lesions';

/** Where `runLesion({ queue })` sends its lesions. */
export interface LesionQueueOptions extends QueueOptions {
  /**
   * The model as the workers' `loadModel` reads it. Default: the bytes of the ONNX file the model was loaded
   * from (`network.source.path` of an `onnx` model); any other model needs them given.
   */
  modelBytes?: Uint8Array;
  /** Called once with a line to show when the pieces wait and no queue worker is alive. */
  onWaiting?: (line: string) => void;
  /** Aborting it takes the run's pieces off the queue and rejects. */
  signal?: AbortSignal;
}

/** What a lesion piece carries: the model and the data by content hash (in the queue's side storage), never by path. */
interface LesionPayload {
  model: string;
  /** The network's name on the submitter, for the worker's messages. */
  name: string;
  data: string;
  layer: string;
  lesions: number[][];
  batchSize?: number;
}

/** A lesion's accuracies as a piece returns them: JSON, so NaN comes back as null. */
interface WireAccuracy {
  accuracy: number | null;
  perClassAccuracy: (number | null)[];
  meanClassAccuracy: number | null;
}

const HASH = /^[0-9a-f]{64}$/;

/** The bytes the workers load the model from: given, or the ONNX file it was loaded from. */
export async function queuedModelBytes(model: LoadedModel, queue: LesionQueueOptions): Promise<Uint8Array> {
  if (queue.modelBytes) return queue.modelBytes;
  const path = model.network.source?.path;
  if (model.format !== 'onnx' || !path) {
    throw new InvalidArgumentError({
      argument: 'queue',
      message: `--queue sends the model to workers as an ONNX file, and model '${model.network.name}' is a ${model.format} model${path ? '' : ' without a file'}.`,
      hint: 'Run it without --queue, or convert the model to ONNX (e.g. with tf2onnx) and pass the .onnx file.',
    });
  }
  return new Uint8Array(await readFile(path));
}

/**
 * Examples as bytes: a little-endian u32 header length, the JSON header `{ count, classes, inputs }`, padding
 * to 8 bytes, then the inputs (float32) and the labels (int32) as their exact bytes.
 */
function encodeExamples(data: LabelledExamples): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify({ count: data.count, classes: data.classes, inputs: data.inputs.length }));
  const offset = Math.ceil((4 + header.length) / 8) * 8;
  const bytes = new Uint8Array(offset + data.inputs.byteLength + data.labels.byteLength);
  new DataView(bytes.buffer).setUint32(0, header.length, true);
  bytes.set(header, 4);
  bytes.set(new Uint8Array(data.inputs.buffer, data.inputs.byteOffset, data.inputs.byteLength), offset);
  bytes.set(new Uint8Array(data.labels.buffer, data.labels.byteOffset, data.labels.byteLength), offset + data.inputs.byteLength);
  return bytes;
}

/** The inverse of `encodeExamples`; bytes of another shape are refused. */
function decodeExamples(bytes: Uint8Array): LabelledExamples {
  const fail = (why: string) => new Error(`the examples of a lesion piece are not readable: ${why}.`);
  if (bytes.length < 4) throw fail('too short');
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  let header: { count?: unknown; classes?: unknown; inputs?: unknown };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length)));
  } catch {
    throw fail('no header');
  }
  const { count, classes, inputs } = header;
  if (![count, classes, inputs].every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) throw fail('a bad header');
  const offset = Math.ceil((4 + length) / 8) * 8;
  if (bytes.length !== offset + 4 * (inputs as number) + 4 * (count as number)) throw fail('the wrong length');
  const at = bytes.byteOffset + offset;
  // copies, aligned whatever the blob's offset
  return {
    inputs: new Float32Array(bytes.buffer.slice(at, at + 4 * (inputs as number))),
    labels: new Int32Array(bytes.buffer.slice(at + 4 * (inputs as number), at + 4 * (inputs as number) + 4 * (count as number))),
    count: count as number,
    classes: classes as number,
  };
}

const toWire = (a: LesionAccuracy): WireAccuracy => ({
  accuracy: a.accuracy,
  perClassAccuracy: Array.from(a.perClassAccuracy),
  meanClassAccuracy: a.meanClassAccuracy,
});

const orNaN = (x: number | null | undefined) => (typeof x === 'number' ? x : Number.NaN);

function fromWire(value: unknown, piece: number): LesionAccuracy[] {
  if (!Array.isArray(value)) throw new Error(`lesion piece #${piece} returned no accuracies.`);
  return (value as WireAccuracy[]).map((a) => ({
    accuracy: orNaN(a?.accuracy),
    perClassAccuracy: Float64Array.from(a?.perClassAccuracy ?? [], orNaN),
    meanClassAccuracy: orNaN(a?.meanClassAccuracy),
  }));
}

/**
 * The lesion sweep's `evaluate` that runs each batch as a piece on the queue at `queue.url` (workers started
 * with `lesionHandlers`): the model's bytes and the examples are stored once under their content hashes, the
 * batches' accuracies come back in order, and the sweep computes every statistic from them as a local run does.
 */
export function evaluateLesionsOnQueue(
  modelBytes: Uint8Array,
  name: string,
  data: LabelledExamples,
  queue: LesionQueueOptions,
  options: { seed: number; batchSize?: number },
): EvaluateLesionBatches {
  return async (batches, onProgress) => {
    const { createQueueExecutor } = await import('@modscope/queue');
    const executor = createQueueExecutor(queue);
    try {
      const model = await executor.put(modelBytes);
      const examples = await executor.put(encodeExamples(data));
      const pieces: Piece[] = batches.map((batch) => ({
        kind: LESION_PIECE,
        seed: options.seed,
        payload: {
          model,
          name,
          data: examples,
          layer: batch.layer,
          lesions: batch.lesions.map((units) => Array.from(units)),
          ...(options.batchSize ? { batchSize: options.batchSize } : {}),
        } satisfies LesionPayload,
      }));
      const results = await executor.run(pieces, {
        onProgress,
        ...(queue.onWaiting ? { onWaiting: queue.onWaiting } : {}),
        ...(queue.signal ? { signal: queue.signal } : {}),
      });
      return results.map(fromWire);
    } finally {
      await executor.close();
    }
  };
}

export interface LesionHandlerOptions {
  /**
   * Loads the model of a piece from the bytes its submitter stored (`hash` is their SHA-256, checked), named
   * `name`: e.g. write them to a cache file named by the hash and load that with an ONNX loader. Called once
   * per model a worker meets in a row.
   */
  loadModel: (model: { hash: string; bytes: Uint8Array; name: string }) => Promise<LoadedModel>;
}

interface ModelEntry {
  hash: string;
  evaluator: Promise<Evaluator>;
  running: number;
  retired: boolean;
}

function checkPayload(payload: unknown): LesionPayload {
  const p = payload as Partial<LesionPayload> | null;
  const ok =
    typeof p?.model === 'string' &&
    HASH.test(p.model) &&
    typeof p.data === 'string' &&
    HASH.test(p.data) &&
    typeof p.name === 'string' &&
    typeof p.layer === 'string' &&
    Array.isArray(p.lesions) &&
    p.lesions.every((units) => Array.isArray(units) && units.every((u) => Number.isSafeInteger(u))) &&
    (p.batchSize === undefined || (Number.isSafeInteger(p.batchSize) && p.batchSize > 0));
  if (!ok)
    throw new InvalidArgumentError({ argument: 'piece', message: 'a lesion piece without model and data hashes, a layer or its lesions.' });
  return p as LesionPayload;
}

/**
 * The piece handlers a queue worker needs to run the lesions of `runLesion({ queue })` (`runWorker({ handlers })`):
 * the model and the examples are fetched by their content hashes and kept while pieces of the same run follow
 * (the model's evaluator is disposed once a piece of another model arrives and the last piece using it ends).
 */
export function lesionHandlers(options: LesionHandlerOptions): Record<string, PieceHandler> {
  let model: ModelEntry | undefined;
  let examples: { hash: string; data: Promise<LabelledExamples> } | undefined;
  const dispose = (entry: ModelEntry) => {
    entry.evaluator.then((e) => e.dispose()).catch(() => {});
  };
  const modelFor = (p: LesionPayload, context: PieceContext): ModelEntry => {
    if (model?.hash === p.model) return model;
    const old = model;
    const entry: ModelEntry = {
      hash: p.model,
      running: 0,
      retired: false,
      evaluator: context
        .blob(p.model)
        .then((bytes) => options.loadModel({ hash: p.model, bytes, name: p.name }))
        .then((loaded) => loaded.createEvaluator()),
    };
    // a model that failed to load is tried again by the next piece
    entry.evaluator.catch(() => {
      if (model === entry) model = undefined;
    });
    model = entry;
    if (old) {
      old.retired = true;
      if (old.running === 0) dispose(old);
    }
    return entry;
  };
  const examplesFor = (p: LesionPayload, context: PieceContext): Promise<LabelledExamples> => {
    if (examples?.hash !== p.data) {
      const entry = { hash: p.data, data: context.blob(p.data).then(decodeExamples) };
      entry.data.catch(() => {
        if (examples === entry) examples = undefined;
      });
      examples = entry;
    }
    return examples.data;
  };
  const handler: PieceHandler = async (piece, context) => {
    const p = checkPayload(piece.payload);
    const entry = modelFor(p, context);
    entry.running++;
    try {
      const [evaluator, data] = await Promise.all([entry.evaluator, examplesFor(p, context)]);
      const lesions = p.lesions.map((units) => Int32Array.from(units));
      const accuracies = await evaluateLesionBatch(evaluator, data, p.layer, lesions, p.batchSize ? { batchSize: p.batchSize } : {});
      return accuracies.map(toWire);
    } finally {
      entry.running--;
      if (entry.retired && entry.running === 0) dispose(entry);
    }
  };
  return { [LESION_PIECE]: handler };
}
