import { randomUUID } from 'node:crypto';
import { ModscopeError } from '@modscope/core';
import { Job, Queue, QueueEvents } from 'bullmq';
import {
  blobKey,
  closeWithin,
  connection,
  envMs,
  queueName,
  type QueueOptions,
  type RedisCalls,
  sha256,
  unreachable,
  within,
} from './connection.js';
import type { JobData, Piece } from './piece.js';
import { liveWorkers } from './status.js';

export type { Piece };

export interface RunOptions {
  /** Called each time a piece's result is in, with the pieces done and their total. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Called once when pieces wait and no worker has sent a heartbeat for a while (`noWorkerMs`), with a line
   * saying so and how to start one. The run keeps waiting: a worker may still come.
   */
  onWaiting?: (line: string) => void;
  /** Aborting it stops the run: its pieces not yet taken are removed from the queue, and `run` rejects. */
  signal?: AbortSignal;
}

export interface QueueExecutor {
  /** Stores bytes in the queue's side storage (for a day) and returns their content hash (SHA-256, hex). */
  put(bytes: Uint8Array): Promise<string>;
  /**
   * Submits the pieces as one run and resolves with their results in piece order. Each piece is a job whose
   * id is the run id and the piece's index, and its result is taken once, so a piece delivered twice counts
   * once. A piece lost from the queue (a Redis restart without persistence) is put back, with the side
   * storage it needs. The first piece that fails rejects the run with one line naming it (kind and index)
   * and the error's message; so does a queue that stops answering.
   */
  run(pieces: readonly Piece[], options?: RunOptions): Promise<unknown[]>;
  close(): Promise<void>;
}

export interface ExecutorOptions extends QueueOptions {
  /** How often the run's unfinished pieces are looked up (besides the job events), in ms. Default 1000. */
  pollMs?: number;
  /** How long the queue may not answer before the run fails, in ms. Default 60 000. */
  unreachableMs?: number;
  /** How long to wait for the queue to answer when the executor first uses it, in ms. Default 10 000. */
  connectMs?: number;
  /** How long pieces may wait with no worker alive before `onWaiting` is called, in ms. Default 15 000. */
  noWorkerMs?: number;
}

/** A piece put back this many times after getting lost fails the run. */
const MAX_RESUBMITS = 3;

/** How long side storage lives in Redis; a run keeps its own alive (`BLOB_REFRESH_MS`). */
const BLOB_SECONDS = 86_400;
const BLOB_REFRESH_MS = 3_600_000;

/** Redis keeps a value of at most 512 MB; more than this for one blob is refused before it is sent. */
const MOST_BYTES = 400 * 1024 * 1024;

/** Unfinished pieces looked up per poll, oldest first: BullMQ's state lookup scans the wait list. */
const POLL_BATCH = 500;

function pieceFailure(kind: string, index: number, message: string): ModscopeError {
  const line = message.split('\n')[0]!.trim();
  return new ModscopeError({ code: 'piece-failed', message: `piece ${kind} #${index} failed: ${line}` });
}

/** Submits pieces to the queue `name` at `url` and gathers their results. */
export function createQueueExecutor(options: ExecutorOptions): QueueExecutor {
  const name = queueName(options);
  const conn = connection(options.url);
  const pollMs = options.pollMs ?? envMs('MODSCOPE_QUEUE_POLL_MS', 1000);
  const unreachableMs = options.unreachableMs ?? envMs('MODSCOPE_QUEUE_UNREACHABLE_MS', 60_000);
  const noWorkerMs = options.noWorkerMs ?? envMs('MODSCOPE_QUEUE_NO_WORKER_MS', 15_000);
  const queue = new Queue<JobData>(name, { connection: conn });
  let lastError: string | undefined;
  queue.on('error', (error) => {
    lastError = error.message;
  });
  let events: Promise<QueueEvents> | undefined;
  /** What this executor put, kept to put again if Redis loses it. */
  const blobs = new Map<string, Uint8Array>();
  const client = async () => (await queue.client) as unknown as RedisCalls;

  const connectMs = options.connectMs ?? envMs('MODSCOPE_QUEUE_CONNECT_MS', 10_000);
  const reach = () => within(queue.waitUntilReady(), connectMs, () => 'no answer');
  const ready = async () => {
    try {
      await reach();
    } catch {
      throw unreachable(`cannot reach the queue at ${options.url}`, lastError);
    }
  };
  const store = async (hash: string, bytes: Uint8Array) => {
    await (await client()).set(blobKey(name, hash), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'EX', BLOB_SECONDS);
  };
  /** A Redis call that may not hang: it fails as the queue gone away after `unreachableMs`. */
  const bounded = <T>(promise: Promise<T>, what: string) =>
    within(promise, unreachableMs, () => 'no answer').catch((error: Error) => {
      throw unreachable(
        `the queue at ${options.url} did not answer for ${Math.round(unreachableMs / 1000)} s ${what}`,
        lastError ?? error.message,
      );
    });

  return {
    async put(bytes) {
      if (bytes.byteLength > MOST_BYTES) {
        throw new ModscopeError({
          code: 'invalid-argument',
          message: `${Math.round(bytes.byteLength / 2 ** 20)} MB is more than the ${MOST_BYTES / 2 ** 20} MB one piece's data may take on the queue (Redis keeps values of at most 512 MB).`,
          hint: 'Run this model without --queue.',
        });
      }
      await ready();
      const hash = sha256(bytes);
      blobs.set(hash, bytes);
      await bounded(store(hash, bytes), 'while storing the data of the pieces');
      return hash;
    },

    async run(pieces, runOptions = {}) {
      await ready();
      // one QueueEvents for every run of this executor (runs may start together)
      events ??= (async () => {
        const created = new QueueEvents(name, { connection: conn });
        created.on('error', () => {});
        try {
          await within(created.waitUntilReady(), connectMs, () => 'no answer');
          return created;
        } catch {
          await closeWithin(created, 1000);
          throw unreachable(`cannot reach the queue at ${options.url}`, lastError);
        }
      })();
      events.catch(() => {
        events = undefined;
      });
      const queueEvents = await events;
      const total = pieces.length;
      if (total === 0) return [];
      const runId = randomUUID();
      const ids = pieces.map((_, index) => `${runId}-${index}`);
      const byId = new Map(ids.map((id, index) => [id, index]));
      const job = (index: number) => {
        const piece = pieces[index]!;
        return {
          name: piece.kind,
          data: {
            kind: piece.kind,
            payload: piece.payload,
            seed: piece.seed,
            index,
            ...(options.version !== undefined ? { version: options.version } : {}),
          },
          // kept until this run has read them (or a day, if it never does)
          opts: { jobId: ids[index]!, attempts: 1, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 86_400 } },
        };
      };
      const results = new Array<unknown>(total);
      const taken = new Uint8Array(total);
      const resubmits = new Uint8Array(total);
      let done = 0;

      return new Promise<unknown[]>((resolve, reject) => {
        let ended = false;
        let timer: NodeJS.Timeout | undefined;
        const end = (error: Error | undefined) => {
          if (ended) return;
          ended = true;
          clearTimeout(timer);
          queueEvents.off('completed', onCompleted);
          queueEvents.off('failed', onFailed);
          runOptions.signal?.removeEventListener('abort', onAbort);
          // the run's jobs are read: drop them (those being run are locked and expire by age)
          const dropped = Promise.all(ids.map((id) => queue.remove(id).catch(() => 0)));
          if (error)
            void within(dropped, 1000, () => '').then(
              () => reject(error),
              () => reject(error),
            );
          else
            void within(dropped, 2000, () => '').then(
              () => resolve(results),
              () => resolve(results),
            );
        };
        const take = (index: number, value: unknown) => {
          if (ended || taken[index]) return; // a second delivery of the same piece counts once
          taken[index] = 1;
          results[index] = value;
          done++;
          runOptions.onProgress?.(done, total);
          if (done === total) end(undefined);
        };
        const fail = (index: number, reason: string) => end(pieceFailure(pieces[index]!.kind, index, reason));
        const onCompleted = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => {
          const index = byId.get(jobId);
          if (index !== undefined) take(index, returnvalue);
        };
        const onFailed = ({ jobId, failedReason }: { jobId: string; failedReason: string }) => {
          const index = byId.get(jobId);
          if (index !== undefined && !taken[index]) fail(index, failedReason);
        };
        const onAbort = () =>
          end(
            new ModscopeError({
              code: 'aborted',
              message: `the run was stopped; its ${total - done} pieces not done were taken off the queue.`,
            }),
          );
        queueEvents.on('completed', onCompleted as never);
        queueEvents.on('failed', onFailed);
        runOptions.signal?.addEventListener('abort', onAbort, { once: true });
        if (runOptions.signal?.aborted) return onAbort();

        let lastAnswer = Date.now();
        let noWorkerSince: number | undefined;
        let lastWorkerLook = 0;
        let lastRefresh = Date.now();
        let warned = false;
        let cursor = 0;
        /**
         * Looks up unfinished pieces (up to POLL_BATCH, round robin): takes results the events missed, puts
         * back lost pieces; keeps the side storage alive; looks for live workers.
         */
        const poll = async () => {
          const open: number[] = [];
          for (let k = 0; k < total && open.length < POLL_BATCH; k++) {
            const i = (cursor + k) % total;
            if (!taken[i]) open.push(i);
          }
          cursor = ((open.at(-1) ?? cursor) + 1) % total;
          const states = await Promise.all(open.map((i) => queue.getJobState(ids[i]!)));
          lastAnswer = Date.now();
          const lost: number[] = [];
          await Promise.all(
            open.map(async (index, k) => {
              const state = states[k];
              if (state === 'completed' || state === 'failed') {
                const finished = await Job.fromId<JobData>(queue, ids[index]!);
                if (!finished || ended || taken[index]) return;
                if (state === 'completed') take(index, finished.returnvalue);
                else fail(index, finished.failedReason);
              } else if (state === 'unknown') lost.push(index);
            }),
          );
          if (ended) return;
          const calls = await client();
          if (lost.length > 0) {
            const over = lost.find((i) => resubmits[i]! >= MAX_RESUBMITS);
            if (over !== undefined)
              return fail(over, `lost from the queue ${MAX_RESUBMITS + 1} times (is Redis being restarted or flushed?)`);
            for (const [hash, bytes] of blobs) if (!(await calls.exists(blobKey(name, hash)))) await store(hash, bytes);
            for (const i of lost) resubmits[i]!++;
            await queue.addBulk(lost.map(job));
          }
          if (Date.now() - lastRefresh >= BLOB_REFRESH_MS) {
            lastRefresh = Date.now();
            for (const hash of blobs.keys()) await calls.expire(blobKey(name, hash), BLOB_SECONDS);
          }
          if (runOptions.onWaiting && !warned && Date.now() - lastWorkerLook >= Math.min(noWorkerMs / 3, 5000)) {
            lastWorkerLook = Date.now();
            const alive = (await liveWorkers(calls, name)).length;
            noWorkerSince = alive > 0 ? undefined : (noWorkerSince ?? Date.now());
            if (noWorkerSince !== undefined && Date.now() - noWorkerSince >= noWorkerMs) {
              warned = true;
              runOptions.onWaiting(
                `no worker has taken pieces from ${options.url} for ${Math.round(noWorkerMs / 1000)} s; ${total - done} of ${total} are waiting. Start one with: modscope worker --queue ${options.url}`,
              );
            }
          }
        };
        const loop = () => {
          timer = setTimeout(async () => {
            try {
              await within(poll(), Math.min(5000, Math.max(2 * pollMs, unreachableMs / 2)), () => 'no answer');
            } catch {
              if (Date.now() - lastAnswer >= unreachableMs) {
                return end(
                  unreachable(`the queue at ${options.url} has not answered for ${Math.round(unreachableMs / 1000)} s`, lastError),
                );
              }
            }
            if (!ended) loop();
          }, pollMs);
        };
        // submit in chunks; the first poll (after pollMs) finds any piece the events missed
        bounded(
          (async () => {
            for (let start = 0; start < total && !ended; start += 1000) {
              await queue.addBulk(Array.from({ length: Math.min(1000, total - start) }, (_, k) => job(start + k)));
            }
          })(),
          'while the pieces were submitted',
        ).then(
          () => {
            if (!ended) loop();
          },
          (error: Error) => end(error),
        );
      });
    },

    async close() {
      const opened = await events?.catch(() => undefined);
      await Promise.all([opened ? closeWithin(opened, 2000) : undefined, closeWithin(queue, 2000)]);
    },
  };
}
