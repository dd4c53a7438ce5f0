import { parentPort } from 'node:worker_threads';
import type { Partitioner } from '@modscope/core';
import type { NullModel, WeightGraph } from '@modscope/graph';
import { loadPartitioner, type PartitionerSpec } from './partitioner-spec.js';
import { runShuffle, type ShuffleSettings } from './shuffle-task.js';

/** Messages from the pool to a worker. */
export type WorkerRequest =
  | { type: 'init'; graph: WeightGraph; spec: PartitionerSpec; settings: ShuffleSettings }
  | { type: 'task'; id: number; model: NullModel; nullIndex: number; index: number };

/** Messages from a worker to the pool. */
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'result'; id: number; ncut: number }
  | { type: 'error'; message: string; code?: string };

if (parentPort) {
  const port = parentPort;
  let graph: WeightGraph | undefined;
  let settings: ShuffleSettings | undefined;
  let partitioner: Partitioner | undefined;
  const fail = (error: unknown) => {
    const e = error as { message?: string; code?: string };
    port.postMessage({ type: 'error', message: e?.message ?? String(error), code: e?.code } satisfies WorkerReply);
  };
  port.on('message', (message: WorkerRequest) => {
    if (message.type === 'init') {
      graph = message.graph;
      settings = message.settings;
      loadPartitioner(message.spec).then((p) => {
        partitioner = p;
        port.postMessage({ type: 'ready' } satisfies WorkerReply);
      }, fail);
      return;
    }
    runShuffle(graph!, message.model, message.nullIndex, message.index, settings!, partitioner!).then(
      (ncut) => port.postMessage({ type: 'result', id: message.id, ncut } satisfies WorkerReply),
      fail,
    );
  });
}
