import { parentPort, workerData } from 'node:worker_threads';
import type { Partitioner } from '@modscope/core';
import { weightGraphShuffler, type NullModel, type WeightGraph, type WeightGraphShuffler } from '@modscope/graph';
import { loadPartitioner, type PartitionerSpec } from './partitioner-spec.js';
import { runShuffle, type ShuffleSettings } from './shuffle-task.js';

/** What a worker is started with: the partitioner to load at once, before the graph arrives. */
export interface WorkerStart {
  spec: PartitionerSpec;
}

/** Messages from the pool to a worker: the graph first, then tasks, one at a time. */
export type WorkerRequest =
  | { type: 'graph'; graph: WeightGraph; settings: ShuffleSettings }
  | { type: 'task'; id: number; model: NullModel; nullIndex: number; index: number };

/** Messages from a worker to the pool. */
export type WorkerReply = { type: 'result'; id: number; ncut: number } | { type: 'error'; message: string; code?: string };

if (parentPort) {
  const port = parentPort;
  const fail = (error: unknown) => {
    const e = error as { message?: string; code?: string };
    port.postMessage({ type: 'error', message: e?.message ?? String(error), code: e?.code } satisfies WorkerReply);
  };
  const loading: Promise<Partitioner> = loadPartitioner((workerData as WorkerStart).spec);
  loading.catch(fail);
  let graph: WeightGraphShuffler | undefined;
  let settings: ShuffleSettings | undefined;
  port.on('message', (message: WorkerRequest) => {
    if (message.type === 'graph') {
      graph = weightGraphShuffler(message.graph);
      settings = message.settings;
      return;
    }
    loading.then(
      (partitioner) =>
        runShuffle(graph!, message.model, message.nullIndex, message.index, settings!, partitioner).then(
          (ncut) => port.postMessage({ type: 'result', id: message.id, ncut } satisfies WorkerReply),
          fail,
        ),
      () => {}, // reported once, above
    );
  });
}
