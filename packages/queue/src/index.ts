import { createHash, randomUUID } from 'node:crypto';
import { ModscopeError } from '@modscope/core';
import { type ConnectionOptions, type Job, Queue, QueueEvents, Worker } from 'bullmq';

/** One seeded, independent piece of an analysis, JSON-serializable: what to run (`kind`), with what, and its seed. */
export interface Piece {
  kind: string;
  payload: unknown;
  seed: number;
}

/** What a handler gets besides its piece: the side storage the submitter filled with `put`. */
export interface PieceContext {
  /** The bytes stored under a content hash; checked against the hash, fetched once per worker. */
  blob(hash: string): Promise<Uint8Array>;
}

/** Runs one piece of its kind and returns a JSON-serializable result. */
export type PieceHandler = (piece: Piece, context: PieceContext) => Promise<unknown>;

export interface QueueOptions {
  /** `redis://[user:password@]host:port[/db]`. */
  url: string;
  /** Queue name; submitters and workers of one queue must agree. Default `modscope`. */
  name?: string;
}

export interface QueueExecutor {
  /** Stores bytes in the queue's side storage (for a day) and returns their content hash (SHA-256, hex). */
  put(bytes: Uint8Array): Promise<string>;
  /**
   * Submits the pieces as one run and resolves with their results in piece order. Each piece is a job whose
   * id is the run id and the piece's index, so a duplicate delivery cannot count twice. The first piece
   * that fails rejects the run with one line naming it (kind and index) and the error's message.
   */
  run(pieces: readonly Piece[], options?: { onProgress?: (done: number, total: number) => void }): Promise<unknown[]>;
  close(): Promise<void>;
}

interface JobData extends Piece {
  index: number;
}

/** BullMQ connection options from a `redis://` URL. */
function connection(url: string): ConnectionOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    parsed = new URL('invalid:');
  }
  if (parsed.protocol !== 'redis:' || !parsed.hostname) {
    throw new ModscopeError({
      code: 'invalid-argument',
      message: `queue URL '${url}' is not a redis:// URL.`,
      hint: 'Use e.g. redis://127.0.0.1:6379.',
    });
  }
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    maxRetriesPerRequest: null,
  };
}

/** The ioredis calls the side storage makes (BullMQ's own client is an ioredis instance). */
interface BlobClient {
  set(key: string, value: Buffer, mode: 'EX', seconds: number): Promise<unknown>;
  getBuffer(key: string): Promise<Buffer | null>;
}

const blobKey = (name: string, hash: string) => `${name}:blob:${hash}`;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function pieceFailure(data: Pick<JobData, 'kind' | 'index'>, message: string): ModscopeError {
  const line = message.split('\n')[0]!.trim();
  return new ModscopeError({ code: 'piece-failed', message: `piece ${data.kind} #${data.index} failed: ${line}` });
}

/** Submits pieces to the queue `name` at `url` and gathers their results. */
export function createQueueExecutor(options: QueueOptions): QueueExecutor {
  const name = options.name ?? 'modscope';
  const conn = connection(options.url);
  const queue = new Queue<JobData>(name, { connection: conn });
  // each piece awaited adds a 'closing' listener to the queue until it finishes
  queue.setMaxListeners(0);
  let events: QueueEvents | undefined;
  return {
    async put(bytes) {
      const hash = sha256(bytes);
      const client = (await queue.client) as unknown as BlobClient;
      await client.set(blobKey(name, hash), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'EX', 86_400);
      return hash;
    },
    async run(pieces, runOptions = {}) {
      events ??= new QueueEvents(name, { connection: conn });
      await events.waitUntilReady();
      const runId = randomUUID();
      const jobs = await queue.addBulk(
        pieces.map((piece, index) => ({
          name: piece.kind,
          data: { kind: piece.kind, payload: piece.payload, seed: piece.seed, index },
          opts: { jobId: `${runId}-${index}`, attempts: 1, removeOnComplete: true, removeOnFail: true },
        })),
      );
      const results = new Array<unknown>(pieces.length);
      const finished = new Array<boolean>(pieces.length).fill(false);
      let done = 0;
      const queueEvents = events;
      try {
        await Promise.all(
          jobs.map(async (job: Job<JobData>, index) => {
            let value: unknown;
            try {
              value = await job.waitUntilFinished(queueEvents);
            } catch (error) {
              throw pieceFailure({ kind: pieces[index]!.kind, index }, (error as Error)?.message ?? String(error));
            }
            if (finished[index]) return; // a second delivery of the same piece counts once
            finished[index] = true;
            results[index] = value;
            done++;
            runOptions.onProgress?.(done, pieces.length);
          }),
        );
      } catch (error) {
        // the run has failed: drop its pieces not yet taken
        await Promise.all(jobs.map((job) => job.remove().catch(() => {})));
        throw error;
      }
      return results;
    },
    async close() {
      await events?.close();
      await queue.close();
    },
  };
}

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
  /** Called once the worker is connected and taking pieces. */
  onReady?: () => void;
}

/** Runs pieces from the queue with the handler of their kind until `signal` aborts; resolves once closed. */
export async function runWorker(options: WorkerOptions): Promise<void> {
  const name = options.name ?? 'modscope';
  const cache = new Map<string, Promise<Uint8Array>>();
  let worker: Worker<JobData> | undefined;
  const blob = (hash: string): Promise<Uint8Array> => {
    if (!/^[0-9a-f]{64}$/.test(hash)) return Promise.reject(new Error(`'${hash}' is not a content hash.`));
    let got = cache.get(hash);
    if (!got) {
      got = (async () => {
        const client = (await worker!.client) as unknown as BlobClient;
        const bytes = await client.getBuffer(blobKey(name, hash));
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
      return handler({ kind, payload, seed }, context);
    },
    {
      connection: connection(options.url),
      concurrency: options.concurrency ?? 1,
      autorun: false,
      ...(options.lockDuration !== undefined ? { lockDuration: options.lockDuration } : {}),
      ...(options.stalledInterval !== undefined ? { stalledInterval: options.stalledInterval } : {}),
    },
  );
  worker.on('error', () => {}); // connection errors are retried by BullMQ; don't crash on the event
  const stop = () => void worker!.close();
  if (options.signal.aborted) {
    await worker.close();
    return;
  }
  options.signal.addEventListener('abort', stop, { once: true });
  await worker.waitUntilReady();
  options.onReady?.();
  try {
    await worker.run();
  } finally {
    options.signal.removeEventListener('abort', stop);
    await worker.close();
  }
}
