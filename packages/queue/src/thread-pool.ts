import { Worker } from 'node:worker_threads';
import type { FromThread, ThreadData, ToThread } from './piece-thread.js';
import type { Piece, PieceContext } from './piece.js';

/** Where a worker's handlers come from when they run on threads: `(await import(module))[export](options)`. */
export interface ThreadHandlers {
  /** A module URL or path the threads import (a `file:` URL of the app's own code, never one sent by a piece). */
  module: string;
  /** Its export that makes the handlers: `(options) => Record<kind, PieceHandler> | Promise<…>`. */
  export: string;
  /** Structured-cloneable options for it. */
  options?: unknown;
}

interface Slot {
  thread: Worker;
  busy: boolean;
}

/** `count` threads running pieces, one each at a time; a thread that dies is replaced. */
export interface PiecePool {
  run(piece: Piece): Promise<unknown>;
  close(): Promise<void>;
}

/** Starts the threads and resolves once every one has made its handlers (or rejects with why one could not). */
export async function startPiecePool(source: ThreadHandlers, count: number, context: PieceContext): Promise<PiecePool> {
  const url = new URL('./piece-thread.js', import.meta.url);
  const data: ThreadData = { module: source.module, export: source.export, options: source.options };
  let closing = false;
  const start = () =>
    new Promise<Slot>((resolve, reject) => {
      const thread = new Worker(url, { workerData: data });
      const slot: Slot = { thread, busy: false };
      const onMessage = (message: FromThread) => {
        if (message.type === 'ready') {
          thread.off('message', onMessage);
          thread.on('message', (m: FromThread) => {
            if (m.type !== 'blob') return;
            context.blob(m.hash).then(
              (bytes) => thread.postMessage({ type: 'blob', id: m.id, bytes } satisfies ToThread),
              (error: Error) => thread.postMessage({ type: 'blob', id: m.id, error: error.message } satisfies ToThread),
            );
          });
          resolve(slot);
        } else if (message.type === 'fatal') reject(new Error(`the worker's handlers could not be made: ${message.message}`));
      };
      thread.on('message', onMessage);
      thread.once('error', (error) => reject(new Error(`the worker's handlers could not be made: ${error.message}`)));
    });
  const started = await Promise.allSettled(Array.from({ length: count }, start));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  const slots = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  if (failed) {
    await Promise.all(slots.map((s) => s.thread.terminate()));
    throw failed.reason;
  }
  const replace = async (dead: Slot) => {
    const index = slots.indexOf(dead);
    if (closing || index < 0) return;
    slots[index] = await start().catch(() => dead);
  };
  return {
    run(piece) {
      const slot = slots.find((s) => !s.busy);
      if (!slot) return Promise.reject(new Error('no free thread (more pieces at once than threads).'));
      slot.busy = true;
      const { thread } = slot;
      return new Promise<unknown>((resolve, reject) => {
        const settle = () => {
          thread.off('message', onMessage);
          thread.off('error', onError);
          thread.off('exit', onExit);
          slot.busy = false;
        };
        const onMessage = (message: FromThread) => {
          if (message.type === 'done') {
            settle();
            resolve(message.result);
          } else if (message.type === 'error') {
            settle();
            reject(new Error(message.message));
          }
        };
        const onError = (error: Error) => {
          settle();
          reject(new Error(`the thread running it died: ${error.message}`));
          void replace(slot);
        };
        const onExit = (code: number) => {
          settle();
          reject(new Error(`the thread running it exited with code ${code}.`));
          void replace(slot);
        };
        thread.on('message', onMessage);
        thread.once('error', onError);
        thread.once('exit', onExit);
        thread.postMessage({ type: 'piece', kind: piece.kind, payload: piece.payload, seed: piece.seed } satisfies ToThread);
      });
    },
    async close() {
      closing = true;
      await Promise.all(
        slots.map(async ({ thread }) => {
          const exited = new Promise((resolve) => thread.once('exit', resolve));
          thread.postMessage({ type: 'stop' } satisfies ToThread);
          await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
          await thread.terminate();
        }),
      );
    },
  };
}
