import { InvalidArgumentError, type Network, type Partitioner } from '@modscope/core';
import { buildLanguageModelGraph, weightGraphShuffler, type NullModel, type WeightGraph, type WeightGraphShuffler } from '@modscope/graph';
import type { Piece, PieceHandler, RunOptions } from '@modscope/queue';
import type { PartitionerSpec } from './partitioner-spec.js';
import type { ShuffleTask } from './shuffle-pool.js';
import { runShuffle, type ShuffleSettings } from './shuffle-task.js';

/** A BullMQ queue on Redis that runs the shuffles instead of worker threads (`modscope worker` takes them). */
export interface ShuffleQueueOptions {
  /** `redis://host:port`. */
  url: string;
  /** Queue name. Default `modscope`. */
  name?: string;
  /** The submitter's version; a worker of another version fails the pieces (see `QueueOptions`). */
  version?: string;
  /** Called once with a line to show when the shuffles wait and no queue worker is alive. */
  onWaiting?: (line: string) => void;
}

/** The kind of a queued piece that is one shuffle of the shuffle test. */
export const SHUFFLE_PIECE = 'clusterability/shuffle';

/**
 * What a shuffle piece carries: the graph by content hash (in the queue's side storage), never by path. For
 * a language model (`lm`), the hash is of the (pruned) network, whose residual-view graph and shuffler the
 * worker builds itself: its nulls shuffle each weight matrix, not the graph's edges.
 */
interface ShufflePayload {
  graph: string;
  lm?: { attention: boolean };
  model: NullModel;
  nullIndex: number;
  index: number;
  k: number;
  partitioner: PartitionerSpec;
}

const TYPED = { Int32Array, Float32Array, Float64Array, Uint8Array } as const;

/** Redis keeps a value of at most 512 MB; a network or graph above this is refused before it is sent. */
const MOST_BYTES = 400 * 1024 * 1024;

/** A weight graph or a network as bytes: JSON, typed arrays as base64 of their exact bytes (so weights round-trip bit for bit). */
function encode(value: WeightGraph | Network): Uint8Array {
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (ArrayBuffer.isView(item) && item.constructor.name in TYPED) {
      return { $typed: item.constructor.name, base64: Buffer.from(item.buffer, item.byteOffset, item.byteLength).toString('base64') };
    }
    return item;
  });
  return new TextEncoder().encode(text);
}

/** The inverse of `encode`. */
function decode<T>(bytes: Uint8Array): T {
  return JSON.parse(new TextDecoder().decode(bytes), (_key, value: unknown) => {
    const typed = value as { $typed?: unknown; base64?: unknown } | null;
    if (typed && typeof typed === 'object' && typeof typed.$typed === 'string' && typeof typed.base64 === 'string') {
      const Type = TYPED[typed.$typed as keyof typeof TYPED];
      if (!Type) throw new Error(`unknown typed array '${typed.$typed}' in a shuffle piece's data.`);
      const raw = Buffer.from(typed.base64, 'base64');
      const copy = new Uint8Array(raw.byteLength);
      copy.set(raw);
      return new Type(copy.buffer, 0, raw.byteLength / Type.BYTES_PER_ELEMENT);
    }
    return value;
  }) as T;
}

/** What the shuffles shuffle: a weight graph, or a language model whose residual view the worker builds. */
export type QueuedShuffleSource = { graph: WeightGraph } | { languageModel: Network; attention: boolean };

/**
 * Runs the shuffle tasks on the queue at `queue.url` (workers started with `shuffleHandlers`): the graph is
 * stored once under its content hash, each task is one piece seeded like the local run, and the n-cuts
 * come back in task order, so the statistics are identical to a local run.
 */
export async function runShufflesOnQueue(
  source: QueuedShuffleSource,
  tasks: readonly ShuffleTask[],
  settings: ShuffleSettings,
  partitioner: PartitionerSpec,
  queue: ShuffleQueueOptions,
  run: Pick<RunOptions, 'onProgress' | 'signal'> = {},
): Promise<Float64Array> {
  const { createQueueExecutor } = await import('@modscope/queue');
  const executor = createQueueExecutor(queue);
  try {
    const bytes = encode('graph' in source ? source.graph : source.languageModel);
    if (bytes.byteLength > MOST_BYTES) {
      throw new InvalidArgumentError({
        argument: 'queue',
        message: `the shuffles' ${'graph' in source ? 'weight graph' : 'network'} is ${Math.round(bytes.byteLength / 2 ** 20)} MB as sent to a queue, more than the ${MOST_BYTES / 2 ** 20} MB a piece's data may take.`,
        hint: 'Run this model without --queue (worker threads), or prune it first with --prune.',
      });
    }
    const hash = await executor.put(bytes);
    const lm = 'languageModel' in source ? { lm: { attention: source.attention } } : {};
    const pieces: Piece[] = tasks.map(({ model, nullIndex, index }) => ({
      kind: SHUFFLE_PIECE,
      seed: settings.seed,
      payload: { graph: hash, ...lm, model, nullIndex, index, k: settings.k, partitioner } satisfies ShufflePayload,
    }));
    const results = await executor.run(pieces, { ...run, ...(queue.onWaiting ? { onWaiting: queue.onWaiting } : {}) });
    // JSON has no NaN: a shuffle whose n-cut was NaN comes back as null
    return Float64Array.from(results, (value, i) => {
      if (value === null) return Number.NaN;
      if (typeof value !== 'number') {
        throw new InvalidArgumentError({
          argument: 'queue',
          message: `shuffle #${i} came back from the queue as ${JSON.stringify(value)?.slice(0, 40)}, not an n-cut.`,
          hint: 'Run the same modscope version on the workers (modscope worker) as here.',
        });
      }
      return value;
    });
  } finally {
    await executor.close();
  }
}

export interface ShuffleHandlerOptions {
  /**
   * Makes the partitioner a piece names. The spec's module came over the network: resolve it against what
   * this worker trusts (e.g. a table of factory names), never by importing whatever it says.
   */
  partitioner: (spec: PartitionerSpec) => Promise<Partitioner>;
}

/** The piece handlers a queue worker needs to run shuffles of the shuffle test (`runWorker({ handlers })`). */
export function shuffleHandlers(options: ShuffleHandlerOptions): Record<string, PieceHandler> {
  let graphs: { key: string; shuffler: Promise<WeightGraphShuffler> } | undefined;
  const partitioners = new Map<string, Promise<Partitioner>>();
  const handler: PieceHandler = async (piece, context) => {
    const p = piece.payload as ShufflePayload;
    if (typeof p?.graph !== 'string' || typeof p.partitioner?.factory !== 'string') {
      throw new InvalidArgumentError({ argument: 'piece', message: 'a shuffle piece without a graph hash or a partitioner.' });
    }
    const key = `${p.graph}:${p.lm ? `lm:${p.lm.attention}` : 'graph'}`;
    if (graphs?.key !== key) {
      const shuffler = context
        .blob(p.graph)
        .then((bytes) =>
          p.lm
            ? buildLanguageModelGraph(decode<Network>(bytes), { attention: p.lm.attention === true }).shuffler
            : weightGraphShuffler(decode<WeightGraph>(bytes)),
        );
      graphs = { key, shuffler };
    }
    const spec = JSON.stringify(p.partitioner);
    let made = partitioners.get(spec);
    if (!made) {
      made = options.partitioner(p.partitioner);
      made.catch(() => partitioners.delete(spec));
      partitioners.set(spec, made);
    }
    const [shuffler, partitioner] = await Promise.all([graphs.shuffler, made]);
    return runShuffle(shuffler, p.model, p.nullIndex, p.index, { k: p.k, seed: piece.seed }, partitioner);
  };
  return { [SHUFFLE_PIECE]: handler };
}
