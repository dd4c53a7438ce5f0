import { createHash } from 'node:crypto';
import { ModscopeError } from '@modscope/core';
import type { ConnectionOptions } from 'bullmq';

export interface QueueOptions {
  /** `redis://[user:password@]host:port[/db]`. */
  url: string;
  /** Queue name; submitters and workers of one queue must agree. Default `modscope`. */
  name?: string;
  /**
   * The version of the software on this side (e.g. the app's). Pieces carry the submitter's; a worker of
   * another version fails them in one line, since its results could differ. Default none: not checked.
   */
  version?: string;
}

export const queueName = (options: QueueOptions) => options.name ?? 'modscope';

/** BullMQ connection options from a `redis://` URL. */
export function connection(url: string): ConnectionOptions {
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
  if (!Number.isInteger(db) || db < 0) {
    throw new ModscopeError({
      code: 'invalid-argument',
      message: `queue URL '${url}' names database '${parsed.pathname.slice(1)}'; a Redis database is a number.`,
      hint: 'Use e.g. redis://127.0.0.1:6379/0, or leave the database out.',
    });
  }
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db,
    maxRetriesPerRequest: null,
    // reconnect quickly (a Redis restart takes seconds), at most every 2 s
    retryStrategy: (times: number) => Math.min(100 * times, 2000),
  };
}

/** The ioredis calls the side storage and the heartbeats make (BullMQ's own client is an ioredis instance). */
export interface RedisCalls {
  set(key: string, value: Buffer | string, mode: 'EX' | 'PX', ttl: number): Promise<unknown>;
  getBuffer(key: string): Promise<Buffer | null>;
  exists(key: string): Promise<number>;
  del(key: string): Promise<number>;
  expire(key: string, seconds: number): Promise<number>;
  scan(cursor: string, match: 'MATCH', pattern: string, count: 'COUNT', n: number): Promise<[string, string[]]>;
  mget(keys: string[]): Promise<(string | null)[]>;
}

export const blobKey = (name: string, hash: string) => `${name}:blob:${hash}`;
export const workerKey = (name: string, id: string) => `${name}:worker:${id}`;
export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Milliseconds from an environment variable (tests shorten the waits), else the default. */
export function envMs(variable: string, fallback: number): number {
  const ms = Number(process.env[variable]);
  return Number.isSafeInteger(ms) && ms >= 50 ? ms : fallback;
}

/** `promise`, or a rejection with `message` after `ms`. */
export function within<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message())), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** The error of a queue that cannot be reached, in one line with the fix. */
export function unreachable(what: string, cause: string | undefined): ModscopeError {
  return new ModscopeError({
    code: 'queue-unreachable',
    message: `${what}${cause ? ` (${cause.split('\n')[0]})` : ''}.`,
    hint: `Start redis-server there (or check the --queue URL), then run again.`,
  });
}

/** A BullMQ queue, queue-events or worker: closed politely, or, if Redis does not answer within `ms`, cut off. */
interface Closable {
  close(): Promise<void>;
  readonly client: Promise<{ disconnect(): void }>;
}

export async function closeWithin(closable: Closable, ms: number): Promise<void> {
  await within(closable.close(), ms, () => 'slow').catch(async () => {
    const client = await within(closable.client, 500, () => 'none').catch(() => undefined);
    client?.disconnect();
  });
}
