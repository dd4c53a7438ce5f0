import { Queue } from 'bullmq';
import {
  closeWithin,
  connection,
  envMs,
  queueName,
  type QueueOptions,
  type RedisCalls,
  unreachable,
  within,
  workerKey,
} from './connection.js';

/** What a worker says of itself every few seconds; it is gone a few heartbeats after the worker is. */
export interface WorkerHeartbeat {
  id: string;
  host: string;
  pid: number;
  concurrency: number;
  /** When the worker started, ISO 8601. */
  started: string;
  /** When it last said so, ISO 8601. */
  seen: string;
  /** Pieces running now. */
  running: number;
  /** Pieces it finished, and those that threw. */
  done: number;
  failed: number;
}

/** The heartbeats of the workers alive on queue `name`. */
export async function liveWorkers(client: RedisCalls, name: string): Promise<WorkerHeartbeat[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await client.scan(cursor, 'MATCH', workerKey(name, '*'), 'COUNT', 200);
    keys.push(...found);
    cursor = next;
  } while (cursor !== '0');
  if (keys.length === 0) return [];
  const values = await client.mget(keys);
  const beats: WorkerHeartbeat[] = [];
  for (const value of values) {
    try {
      const beat = value === null ? null : (JSON.parse(value) as WorkerHeartbeat);
      if (beat && typeof beat.id === 'string' && typeof beat.started === 'string') beats.push(beat);
    } catch {
      // not a heartbeat of ours: skip it
    }
  }
  return beats.sort((a, b) => a.started.localeCompare(b.started) || a.id.localeCompare(b.id));
}

export interface QueueStatus {
  /** Pieces waiting, being run, finished and failed but not yet read by their run, and delayed. */
  counts: { waiting: number; active: number; completed: number; failed: number };
  workers: WorkerHeartbeat[];
}

/** The queue's pieces by state and the workers alive on it (for `modscope worker --status`, tests and benches). */
export async function queueStatus(options: QueueOptions): Promise<QueueStatus> {
  const name = queueName(options);
  const queue = new Queue(name, { connection: connection(options.url) });
  let lastError: string | undefined;
  queue.on('error', (error) => {
    lastError = error.message;
  });
  try {
    await within(queue.waitUntilReady(), envMs('MODSCOPE_QUEUE_CONNECT_MS', 10_000), () => 'no answer').catch(() => {
      throw unreachable(`cannot reach the queue at ${options.url}`, lastError);
    });
    const counts = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'prioritized', 'delayed');
    const workers = await liveWorkers((await queue.client) as unknown as RedisCalls, name);
    return {
      counts: {
        waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0),
        active: counts.active ?? 0,
        completed: counts.completed ?? 0,
        failed: counts.failed ?? 0,
      },
      workers,
    };
  } finally {
    await closeWithin(queue, 2000);
  }
}
