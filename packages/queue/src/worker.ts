import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
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
import type { JobData, Piece } from './executor.js';
import type { WorkerHeartbeat } from './status.js';

/** What a handler gets besides its piece: the side storage the submitter filled with `put`. */
export interface PieceContext {
  /** The bytes stored under a content hash; checked against the hash, fetched once per worker. */
  blob(hash: string): Promise<Uint8Array>;
}

/** Runs one piece of its kind and returns a JSON-serializable result. */
export type PieceHandler = (piece: Piece, context: PieceContext) => Promise<unknown>;

export interface WorkerOptions extends QueueOptions {
  /** Pieces run at once. Default 1. */
  concurrency?: number;
  /** The handler of each kind of piece this worker runs; a piece of another kind fails. */
  handlers: Readonly<Record<string, PieceHandler>>;
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
  const cache = new Map<string, Promise<Uint8Array>>();
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
  const client = async () => (await worker!.client) as unknown as RedisCalls;
  const blob = (hash: string): Promise<Uint8Array> => {
    if (!/^[0-9a-f]{64}$/.test(hash)) return Promise.reject(new Error(`'${hash}' is not a content hash.`));
    let got = cache.get(hash);
    if (!got) {
      got = (async () => {
        const bytes = await (await client()).getBuffer(blobKey(name, hash));
        if (!bytes) throw new Error(`no data stored under ${hash.slice(0, 12)}… (expired or never put).`);
        if (sha256(bytes) !== hash) throw new Error(`the data stored under ${hash.slice(0, 12)}… does not match its hash.`);
        return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      })();
      got.catch(() => cache.delete(hash));
      cache.set(hash, got);
    }
    return got;
  };
  const context: PieceContext = { blob };
  worker = new Worker<JobData>(
    name,
    async (job) => {
      const { kind, payload, seed } = job.data;
      const handler = Object.hasOwn(options.handlers, kind) ? options.handlers[kind] : undefined;
      if (!handler) throw new Error(`this worker has no handler for pieces of kind '${kind}'.`);
      state.running++;
      try {
        const result = await handler({ kind, payload, seed }, context);
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
  // the heartbeat has its own connection, so that it outlives the worker's until the last piece is done
  const heart = new Redis({ ...(connection(options.url) as RedisOptions), lazyConnect: true });
  heart.on('error', () => {});
  const beat = async () => {
    state.seen = new Date().toISOString();
    await heart.set(workerKey(name, id), JSON.stringify(state), 'PX', 3 * heartbeatMs);
  };
  await beat().catch(() => {});
  const heartbeat = setInterval(() => void beat().catch(() => {}), heartbeatMs);
  const stop = () => void worker!.close();
  options.signal.addEventListener('abort', stop, { once: true });
  options.onReady?.();
  try {
    await worker.run();
  } finally {
    options.signal.removeEventListener('abort', stop);
    clearInterval(heartbeat);
    await worker.close();
    await within(heart.del(workerKey(name, id)), 2000, () => '').catch(() => {});
    heart.disconnect();
  }
}
