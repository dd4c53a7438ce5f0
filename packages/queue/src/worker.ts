import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ModscopeError } from '@modscope/core';
import { Worker } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import {
  blobKey,
  connection,
  envMs,
  queueName,
  type QueueOptions,
  type RedisCalls,
  sha256,
  unreachable,
  within,
  workerKey,
} from './connection.js';
import type { JobData, PieceContext, PieceHandler } from './piece.js';

export type { PieceContext, PieceHandler };
import type { WorkerHeartbeat } from './status.js';
import { type PiecePool, startPiecePool, type ThreadHandlers } from './thread-pool.js';

export interface WorkerOptions extends QueueOptions {
  /** Pieces run at once. Default 1. */
  concurrency?: number;
  /**
   * The handler of each kind of piece this worker runs, on its main thread; a piece of another kind fails.
   * A handler that computes for long without yielding keeps the worker from renewing its pieces' locks: give
   * `threads` instead.
   */
  handlers?: Readonly<Record<string, PieceHandler>>;
  /**
   * Run the pieces on `concurrency` threads, each making its handlers from this module, so that the main
   * thread keeps renewing locks and sending heartbeats however long a piece computes.
   */
  threads?: ThreadHandlers;
  /** The most side-storage bytes the worker keeps for the next pieces (least recently used go first). Default 1 GiB. */
  cacheBytes?: number;
  /** Aborting it stops the worker gracefully: the pieces it is running finish, then it closes. */
  signal: AbortSignal;
  /** How long a piece stays locked to this worker without renewal, in ms (BullMQ's default 30 s). */
  lockDuration?: number;
  /** How often stalled pieces (of a worker that died) are looked for and put back, in ms (BullMQ's default 30 s). */
  stalledInterval?: number;
  /** How often the worker says it is alive, in ms (default 5000); the heartbeat lives three times as long. */
  heartbeatMs?: number;
  /** How long to wait for the queue to answer at the start, in ms. Default 10 000. */
  connectMs?: number;
  /** Called once the worker is connected and taking pieces. */
  onReady?: () => void;
}

/**
 * Runs pieces from the queue with the handler of their kind until `signal` aborts; resolves once closed.
 * Rejects at once, in one line, if the queue cannot be reached when it starts; once running, it rides out
 * Redis restarts (BullMQ reconnects) and keeps a heartbeat (`queueStatus` lists the live workers).
 */
export async function runWorker(options: WorkerOptions): Promise<void> {
  const name = queueName(options);
  if (!options.handlers === !options.threads) {
    throw new ModscopeError({ code: 'invalid-argument', message: 'runWorker needs either handlers or threads.' });
  }
  // insertion order is use order: a hit moves to the end, the first entries go when over the budget
  const cache = new Map<string, { bytes: Promise<Uint8Array>; size: number }>();
  const cacheBytes = options.cacheBytes ?? 2 ** 30;
  const id = randomUUID();
  const heartbeatMs = options.heartbeatMs ?? envMs('MODSCOPE_QUEUE_HEARTBEAT_MS', 5000);
  const state: WorkerHeartbeat = {
    id,
    host: hostname(),
    pid: process.pid,
    concurrency: options.concurrency ?? 1,
    started: new Date().toISOString(),
    seen: new Date().toISOString(),
    running: 0,
    done: 0,
    failed: 0,
  };
  let worker: Worker<JobData> | undefined;
  let pool: PiecePool | undefined;
  const client = async () => (await worker!.client) as unknown as RedisCalls;
  const blob = (hash: string): Promise<Uint8Array> => {
    if (!/^[0-9a-f]{64}$/.test(hash)) return Promise.reject(new Error(`'${hash}' is not a content hash.`));
    const hit = cache.get(hash);
    if (hit) {
      cache.delete(hash);
      cache.set(hash, hit);
      return hit.bytes;
    }
    const entry: { size: number; bytes: Promise<Uint8Array> } = { size: 0, bytes: Promise.resolve(new Uint8Array()) };
    entry.bytes = (async () => {
      const bytes = await (await client()).getBuffer(blobKey(name, hash));
      if (!bytes) throw new Error(`no data stored under ${hash.slice(0, 12)}… (expired or never put).`);
      if (sha256(bytes) !== hash) throw new Error(`the data stored under ${hash.slice(0, 12)}… does not match its hash.`);
      entry.size = bytes.byteLength;
      let total = 0;
      for (const e of cache.values()) total += e.size;
      for (const [key, e] of cache) {
        if (total <= cacheBytes || e === entry) break;
        cache.delete(key);
        total -= e.size;
      }
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    })();
    entry.bytes.catch(() => cache.delete(hash));
    cache.set(hash, entry);
    return entry.bytes;
  };
  const context: PieceContext = { blob };
  worker = new Worker<JobData>(
    name,
    async (job) => {
      const { kind, payload, seed, version } = job.data;
      if (options.version !== undefined && version !== undefined && version !== options.version) {
        throw new Error(
          `it was sent by version ${version} and this worker runs ${options.version}; run the same version on the submitting machine and the workers (results could differ).`,
        );
      }
      const handlers = options.handlers;
      const handler = handlers && Object.hasOwn(handlers, kind) ? handlers[kind] : undefined;
      if (handlers && !handler) throw new Error(`this worker has no handler for pieces of kind '${kind}'.`);
      state.running++;
      try {
        const result = handler ? await handler({ kind, payload, seed }, context) : await pool!.run({ kind, payload, seed });
        state.done++;
        return result;
      } catch (error) {
        state.failed++;
        throw error;
      } finally {
        state.running--;
      }
    },
    {
      connection: connection(options.url),
      concurrency: options.concurrency ?? 1,
      autorun: false,
      ...(options.lockDuration !== undefined ? { lockDuration: options.lockDuration } : {}),
      ...(options.stalledInterval !== undefined ? { stalledInterval: options.stalledInterval } : {}),
    },
  );
  let lastError: string | undefined;
  // connection errors are retried by BullMQ; keep the last to name it if the queue can't be reached
  worker.on('error', (error) => {
    lastError = error.message;
  });
  if (options.signal.aborted) {
    await worker.close();
    return;
  }
  try {
    await within(worker.waitUntilReady(), options.connectMs ?? envMs('MODSCOPE_QUEUE_CONNECT_MS', 10_000), () => 'no answer');
  } catch {
    await within(worker.close(true), 2000, () => '').catch(() => worker!.disconnect());
    throw unreachable(`cannot reach the queue at ${options.url}`, lastError);
  }
  if (options.threads) {
    try {
      pool = await startPiecePool(options.threads, options.concurrency ?? 1, context);
    } catch (error) {
      await within(worker.close(true), 2000, () => '').catch(() => worker!.disconnect());
      throw new ModscopeError({ code: 'worker-failed', message: (error as Error).message });
    }
  }
  // the heartbeat has its own connection, so that it outlives the worker's until the last piece is done
  const heart = new Redis({ ...(connection(options.url) as RedisOptions), lazyConnect: true });
  heart.on('error', () => {});
  const beat = async () => {
    state.seen = new Date().toISOString();
    await heart.set(workerKey(name, id), JSON.stringify(state), 'PX', 3 * heartbeatMs);
  };
  await within(beat(), 2000, () => '').catch(() => {});
  const heartbeat = setInterval(() => void beat().catch(() => {}), heartbeatMs);
  const stop = () => void worker!.close();
  options.signal.addEventListener('abort', stop, { once: true });
  if (options.signal.aborted) stop();
  else options.onReady?.();
  try {
    if (!options.signal.aborted) await worker.run();
  } finally {
    options.signal.removeEventListener('abort', stop);
    clearInterval(heartbeat);
    await worker.close();
    await pool?.close();
    await within(heart.del(workerKey(name, id)), 2000, () => '').catch(() => {});
    heart.disconnect();
  }
}
