// A thread of a queue worker started with `threads`: it makes the handlers once, from the module and export it
// was given, and runs one piece at a time, asking the worker's main thread for side storage. The main thread
// keeps renewing the piece's lock and the heartbeat however long the piece computes.
import { parentPort, workerData } from 'node:worker_threads';
import type { PieceContext, PieceHandler } from './piece.js';

export interface ThreadData {
  module: string;
  export: string;
  options: unknown;
}

/** Main thread → piece thread. */
export type ToThread =
  | { type: 'piece'; kind: string; payload: unknown; seed: number }
  | { type: 'stop' }
  | { type: 'blob'; id: number; bytes?: Uint8Array; error?: string };

/** Piece thread → main thread. */
export type FromThread =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'blob'; id: number; hash: string }
  | { type: 'done'; result: unknown }
  | { type: 'error'; message: string };

const port = parentPort!;
const send = (message: FromThread) => port.postMessage(message);
const { module, export: name, options } = workerData as ThreadData;

const asked = new Map<number, { resolve: (bytes: Uint8Array) => void; reject: (error: Error) => void }>();
let nextAsk = 0;
const context: PieceContext = {
  blob: (hash) =>
    new Promise<Uint8Array>((resolve, reject) => {
      const id = nextAsk++;
      asked.set(id, { resolve, reject });
      send({ type: 'blob', id, hash });
    }),
};

let handlers: Readonly<Record<string, PieceHandler>>;
try {
  const loaded = (await import(module)) as Record<string, unknown>;
  const make = loaded[name];
  if (typeof make !== 'function') throw new Error(`'${module}' has no function export '${name}'.`);
  handlers = (await make(options)) as Readonly<Record<string, PieceHandler>>;
  send({ type: 'ready' });
} catch (error) {
  send({ type: 'fatal', message: (error as Error)?.message ?? String(error) });
  process.exit(1);
}

port.on('message', async (message: ToThread) => {
  // exit as a process would, so that the handlers' exit hooks (temporary files) run
  if (message.type === 'stop') process.exit(0);
  if (message.type === 'blob') {
    const waiting = asked.get(message.id);
    asked.delete(message.id);
    if (message.bytes) waiting?.resolve(message.bytes);
    else waiting?.reject(new Error(message.error ?? 'no data.'));
    return;
  }
  const { kind, payload, seed } = message;
  try {
    const handler = Object.hasOwn(handlers, kind) ? handlers[kind] : undefined;
    if (!handler) throw new Error(`this worker has no handler for pieces of kind '${kind}'.`);
    send({ type: 'done', result: await handler({ kind, payload, seed }, context) });
  } catch (error) {
    send({ type: 'error', message: (error as Error)?.message ?? String(error) });
  }
});
