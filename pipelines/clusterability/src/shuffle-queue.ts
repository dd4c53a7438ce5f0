import { InvalidArgumentError, type Partitioner } from '@modscope/core';
import { weightGraphShuffler, type NullModel, type WeightGraph, type WeightGraphShuffler } from '@modscope/graph';
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
  /** Called once with a line to show when the shuffles wait and no queue worker is alive. */
  onWaiting?: (line: string) => void;
}

/** The kind of a queued piece that is one shuffle of the shuffle test. */
export const SHUFFLE_PIECE = 'clusterability/shuffle';

/** What a shuffle piece carries: the graph by content hash (in the queue's side storage), never by path. */
interface ShufflePayload {
  graph: string;
  model: NullModel;
  nullIndex: number;
  index: number;
  k: number;
  partitioner: PartitionerSpec;
}

const TYPED = { Int32Array, Float64Array } as const;

/** A weight graph as bytes: JSON, typed arrays as base64 of their exact bytes (so weights round-trip bit for bit). */
function encodeWeightGraph(graph: WeightGraph): Uint8Array {
  const text = JSON.stringify(graph, (_key, value: unknown) => {
    if (value instanceof Int32Array || value instanceof Float64Array) {
      return { $typed: value.constructor.name, base64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
    }
    return value;
  });
  return new TextEncoder().encode(text);
}

/** The inverse of `encodeWeightGraph`. */
function decodeWeightGraph(bytes: Uint8Array): WeightGraph {
  return JSON.parse(new TextDecoder().decode(bytes), (_key, value: unknown) => {
    const typed = value as { $typed?: unknown; base64?: unknown } | null;
    if (typed && typeof typed === 'object' && typeof typed.$typed === 'string' && typeof typed.base64 === 'string') {
      const Type = TYPED[typed.$typed as keyof typeof TYPED];
      if (!Type) throw new Error(`unknown typed array '${typed.$typed}' in a weight graph.`);
      const raw = Buffer.from(typed.base64, 'base64');
      const copy = new Uint8Array(raw.byteLength);
      copy.set(raw);
      return new Type(copy.buffer, 0, raw.byteLength / Type.BYTES_PER_ELEMENT);
    }
    return value;
  }) as WeightGraph;
}

/**
 * Runs the shuffle tasks on the queue at `queue.url` (workers started with `shuffleHandlers`): the graph is
 * stored once under its content hash, each task is one piece seeded like the local run, and the n-cuts
 * come back in task order, so the statistics are identical to a local run.
 */
export async function runShufflesOnQueue(
  graph: WeightGraph,
  tasks: readonly ShuffleTask[],
  settings: ShuffleSettings,
  partitioner: PartitionerSpec,
  queue: ShuffleQueueOptions,
  run: Pick<RunOptions, 'onProgress' | 'signal'> = {},
): Promise<Float64Array> {
  const { createQueueExecutor } = await import('@modscope/queue');
  const executor = createQueueExecutor({ url: queue.url, ...(queue.name !== undefined ? { name: queue.name } : {}) });
  try {
    const hash = await executor.put(encodeWeightGraph(graph));
    const pieces: Piece[] = tasks.map(({ model, nullIndex, index }) => ({
      kind: SHUFFLE_PIECE,
      seed: settings.seed,
      payload: { graph: hash, model, nullIndex, index, k: settings.k, partitioner } satisfies ShufflePayload,
    }));
    const results = await executor.run(pieces, { ...run, ...(queue.onWaiting ? { onWaiting: queue.onWaiting } : {}) });
    return Float64Array.from(results as number[]);
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
  let graphs: { hash: string; shuffler: Promise<WeightGraphShuffler> } | undefined;
  const partitioners = new Map<string, Promise<Partitioner>>();
  const handler: PieceHandler = async (piece, context) => {
    const p = piece.payload as ShufflePayload;
    if (typeof p?.graph !== 'string' || typeof p.partitioner?.factory !== 'string') {
      throw new InvalidArgumentError({ argument: 'piece', message: 'a shuffle piece without a graph hash or a partitioner.' });
    }
    if (graphs?.hash !== p.graph) {
      graphs = { hash: p.graph, shuffler: context.blob(p.graph).then((bytes) => weightGraphShuffler(decodeWeightGraph(bytes))) };
    }
    const key = JSON.stringify(p.partitioner);
    let made = partitioners.get(key);
    if (!made) {
      made = options.partitioner(p.partitioner);
      made.catch(() => partitioners.delete(key));
      partitioners.set(key, made);
    }
    const [shuffler, partitioner] = await Promise.all([graphs.shuffler, made]);
    return runShuffle(shuffler, p.model, p.nullIndex, p.index, { k: p.k, seed: piece.seed }, partitioner);
  };
  return { [SHUFFLE_PIECE]: handler };
}
