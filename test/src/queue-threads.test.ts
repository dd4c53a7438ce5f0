// A queue worker whose pieces compute far longer than its lock (as one shuffle of a GPT-2-sized graph does):
// on threads (`runWorker({ threads })`, what `modscope worker` uses) the main thread keeps renewing the locks
// and the heartbeat, so no piece is taken for stalled and run again. Needs the built @modscope/queue (the
// thread's entry is dist/piece-thread.js).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createQueueExecutor, queueStatus, runWorker } from '@modscope/queue';
import { type RedisServer, startRedisServer, startWorker } from '@modscope/queue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'modscope-queue-threads-'));
const module = join(dir, 'blocking-handlers.mjs');
// blocks its thread for `ms`, as a synchronous eigensolver does
writeFileSync(
  module,
  `export function makeHandlers(options) {
    return { block: async (piece) => { const end = Date.now() + piece.payload.ms; while (Date.now() < end); return piece.seed * options.times; } };
  }\n`,
);

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

describe('queue worker on threads', () => {
  it('pieces that block for 2.5 s against a 1 s lock run once each, on two workers, and the heartbeats stay alive', async () => {
    const workers = await Promise.all(
      [0, 1].map(() =>
        startWorker({
          url: redis.url,
          name: 'threads',
          concurrency: 1,
          threads: { module: pathToFileURL(module).href, export: 'makeHandlers', options: { times: 10 } },
          lockDuration: 1000,
          stalledInterval: 1000,
          heartbeatMs: 200,
        }),
      ),
    );
    const executor = createQueueExecutor({ url: redis.url, name: 'threads', pollMs: 200 });
    let alive = 0;
    const watch = setInterval(async () => {
      alive = Math.max(alive, (await queueStatus({ url: redis.url, name: 'threads' })).workers.length);
    }, 700);
    try {
      const results = await executor.run([1, 2, 3, 4].map((seed) => ({ kind: 'block', payload: { ms: 2500 }, seed })));
      expect(results).toEqual([10, 20, 30, 40]);
      await new Promise((resolve) => setTimeout(resolve, 600)); // a heartbeat or two later
      const status = await queueStatus({ url: redis.url, name: 'threads' });
      expect(status.workers).toHaveLength(2);
      // each piece ran once: a lapsed lock would have put it back for the other worker
      expect(status.workers.reduce((sum, w) => sum + w.done, 0)).toBe(4);
      expect(status.workers.every((w) => w.failed === 0)).toBe(true);
      expect(alive).toBe(2);
    } finally {
      clearInterval(watch);
      await executor.close();
      await Promise.all(workers.map((w) => w.stop()));
    }
  }, 60_000);

  it('a handler module that cannot be made stops the worker in one line', async () => {
    await expect(
      runWorker({
        url: redis.url,
        name: 'broken',
        threads: { module: pathToFileURL(module).href, export: 'nothing' },
        signal: new AbortController().signal,
      }),
    ).rejects.toThrow(/^the worker's handlers could not be made: '.*blocking-handlers\.mjs' has no function export 'nothing'\.$/);
  });
});
