import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createQueueExecutor, type PieceHandler, queueStatus, runWorker } from './index.js';
import { type RedisServer, redeliver, startRedisServer, startWorker } from './testing/index.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

const runs = new Map<string, number>();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const handlers: Record<string, PieceHandler> = {
  // counts its runs per piece; takes `ms`
  slow: async (piece) => {
    const { x, ms } = piece.payload as { x: number; ms: number };
    runs.set(`${piece.seed}:${x}`, (runs.get(`${piece.seed}:${x}`) ?? 0) + 1);
    await sleep(ms);
    return x * 2 + piece.seed;
  },
  // slower for low indices, so pieces finish out of order
  square: async (piece) => {
    const { x } = piece.payload as { x: number };
    await new Promise((resolve) => setTimeout(resolve, (10 - x) * 3));
    return x * x + piece.seed;
  },
  sum: async (piece, context) => {
    const bytes = await context.blob((piece.payload as { data: string }).data);
    return bytes.reduce((a, b) => a + b, 0);
  },
  broken: async (piece) => {
    if ((piece.payload as { fail: boolean }).fail) throw new Error('the piece broke\nsecond line');
    return 1;
  },
};

async function withWorker<T>(name: string, body: () => Promise<T>, concurrency = 3, url = redis.url, version?: string): Promise<T> {
  const worker = await startWorker({ url, name, concurrency, handlers, heartbeatMs: 200, ...(version ? { version } : {}) });
  try {
    return await body();
  } finally {
    await worker.stop();
  }
}

describe('queue executor and worker', () => {
  it('runs pieces and returns their results in piece order, with progress', async () => {
    const executor = createQueueExecutor({ url: redis.url, name: 'order' });
    const progress: number[] = [];
    const results = await withWorker('order', () =>
      executor.run(
        Array.from({ length: 10 }, (_, x) => ({ kind: 'square', payload: { x }, seed: 100 })),
        { onProgress: (done) => progress.push(done) },
      ),
    );
    await executor.close();
    expect(results).toEqual(Array.from({ length: 10 }, (_, x) => x * x + 100));
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('hands pieces the bytes put in side storage by content hash', async () => {
    const executor = createQueueExecutor({ url: redis.url, name: 'blobs' });
    const hash = await executor.put(new Uint8Array([1, 2, 3, 250]));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const results = await withWorker('blobs', () =>
      executor.run([
        { kind: 'sum', payload: { data: hash }, seed: 0 },
        { kind: 'sum', payload: { data: hash }, seed: 1 },
      ]),
    );
    await executor.close();
    expect(results).toEqual([256, 256]);
  });

  it('fails the run with one line naming the piece that threw', async () => {
    const executor = createQueueExecutor({ url: redis.url, name: 'fail' });
    const run = withWorker('fail', () => executor.run([0, 1, 2].map((i) => ({ kind: 'broken', payload: { fail: i === 2 }, seed: 0 }))));
    await expect(run).rejects.toThrow(/^piece broken #2 failed: the piece broke$/);
    const unknown = withWorker('fail', () => executor.run([{ kind: 'nope', payload: {}, seed: 0 }]));
    await expect(unknown).rejects.toThrow("piece nope #0 failed: this worker has no handler for pieces of kind 'nope'.");
    await executor.close();
  });

  it('rejects a URL that is not redis://', () => {
    expect(() => createQueueExecutor({ url: 'http://x' })).toThrow("queue URL 'http://x' is not a redis:// URL.");
  });

  const slow = (n: number, seed: number, ms: number) => Array.from({ length: n }, (_, x) => ({ kind: 'slow', payload: { x, ms }, seed }));
  const expected = (n: number, seed: number) => Array.from({ length: n }, (_, x) => x * 2 + seed);
  const fast = { pollMs: 100 };

  it('a piece delivered twice (put back after it finished, mid-run) runs twice and counts once', async () => {
    const executor = createQueueExecutor({ url: redis.url, name: 'twice', ...fast });
    const progress: number[] = [];
    const results = await withWorker(
      'twice',
      async () => {
        const run = executor.run(slow(12, 7, 60), { onProgress: (done) => progress.push(done) });
        let again: string[] = [];
        while (again.length === 0) {
          await sleep(20);
          again = await redeliver({ url: redis.url, name: 'twice' }, 3);
        }
        return run;
      },
      2,
    );
    await executor.close();
    expect(results).toEqual(expected(12, 7));
    expect(progress).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const twice = [...runs].filter(([key, n]) => key.startsWith('7:') && n === 2);
    expect(twice.length).toBeGreaterThan(0);
    expect([...runs].filter(([key]) => key.startsWith('7:'))).toHaveLength(12);
  });

  it('pieces lost from the queue (Redis flushed mid-run) are put back with their side storage, and the run completes', async () => {
    const executor = createQueueExecutor({ url: redis.url, name: 'lost', ...fast });
    const hash = await executor.put(new Uint8Array([5, 5]));
    const pieces = [...slow(8, 3, 80), { kind: 'sum', payload: { data: hash }, seed: 0 }];
    const results = await withWorker(
      'lost',
      async () => {
        const run = executor.run(pieces);
        await sleep(150);
        const { Redis } = await import('ioredis');
        const client = new Redis(redis.port, '127.0.0.1');
        await client.flushall();
        client.disconnect();
        return run;
      },
      1,
    );
    await executor.close();
    expect(results).toEqual([...expected(8, 3), 10]);
  });

  it('rides out a Redis restart (killed, started again on its port with its append-only file): the run completes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modscope-redis-'));
    let server = await startRedisServer({ appendonly: dir });
    const executor = createQueueExecutor({ url: server.url, name: 'restart', ...fast });
    const results = await withWorker(
      'restart',
      async () => {
        const run = executor.run(slow(10, 11, 100));
        await sleep(250);
        await server.kill();
        await sleep(500);
        server = await startRedisServer({ port: server.port, appendonly: dir });
        return run;
      },
      2,
      server.url,
    );
    await executor.close();
    await server.stop();
    expect(results).toEqual(expected(10, 11));
  }, 30_000);

  it('fails in one line when the queue cannot be reached, or stops answering mid-run', async () => {
    const dead = await startRedisServer();
    await dead.stop();
    const executor = createQueueExecutor({ url: dead.url, name: 'dead', connectMs: 500 });
    await expect(executor.run(slow(1, 0, 0))).rejects.toThrow(
      new RegExp(`^cannot reach the queue at ${dead.url} \\(.*ECONNREFUSED.*\\)\\. Start redis-server there`),
    );
    await executor.close();
    const worker = runWorker({ url: dead.url, handlers, signal: new AbortController().signal, connectMs: 500 });
    await expect(worker).rejects.toThrow(/^cannot reach the queue at redis:\/\/127\.0\.0\.1:\d+ /);

    const server = await startRedisServer();
    const gone = createQueueExecutor({ url: server.url, name: 'gone', pollMs: 100, unreachableMs: 800 });
    const run = gone.run(slow(3, 0, 0));
    await sleep(200);
    await server.kill();
    await expect(run).rejects.toThrow(
      /^the queue at redis:\/\/127\.0\.0\.1:\d+ has not answered for 1 s \(.*\)\. Start redis-server there/,
    );
    await gone.close();
  }, 30_000);

  it('says once when no worker is alive, keeps waiting, and finishes when one comes', async () => {
    const executor = createQueueExecutor({ url: redis.url, name: 'lonely', pollMs: 100, noWorkerMs: 300 });
    const lines: string[] = [];
    const run = executor.run(slow(3, 1, 0), { onWaiting: (line) => lines.push(line) });
    while (lines.length === 0) await sleep(50);
    expect(lines[0]).toMatch(
      /^no worker has taken pieces from redis:\/\/.* 3 of 3 are waiting\. Start one with: modscope worker --queue redis:\/\//,
    );
    const results = await withWorker('lonely', () => run);
    await executor.close();
    expect(results).toEqual(expected(3, 1));
    expect(lines).toHaveLength(1);
  });

  it('an aborted run takes its pieces off the queue and rejects in one line', async () => {
    const executor = createQueueExecutor({ url: redis.url, name: 'abort', ...fast });
    const controller = new AbortController();
    const run = executor.run(slow(6, 2, 0), { signal: controller.signal });
    await sleep(100);
    controller.abort();
    await expect(run).rejects.toThrow('the run was stopped; its 6 pieces not done were taken off the queue.');
    await executor.close();
    const status = await queueStatus({ url: redis.url, name: 'abort' });
    expect(status.counts).toEqual({ waiting: 0, active: 0, completed: 0, failed: 0 });
  });

  it('lists live workers by their heartbeat, with the pieces each ran; a stopped worker is gone', async () => {
    const executor = createQueueExecutor({ url: redis.url, name: 'beat', ...fast });
    const status = await withWorker('beat', async () => {
      await executor.run(slow(4, 0, 0));
      await sleep(300);
      return queueStatus({ url: redis.url, name: 'beat' });
    });
    await executor.close();
    expect(status.workers).toHaveLength(1);
    expect(status.workers[0]).toMatchObject({ pid: process.pid, concurrency: 3, done: 4, failed: 0, running: 0 });
    expect(status.counts).toEqual({ waiting: 0, active: 0, completed: 0, failed: 0 });
    expect((await queueStatus({ url: redis.url, name: 'beat' })).workers).toEqual([]);
  });

  it('a worker of another version fails the pieces in one line; the same version runs them', async () => {
    const older = createQueueExecutor({ url: redis.url, name: 'versions', version: '0.1.0', ...fast });
    await expect(withWorker('versions', () => older.run(slow(2, 0, 0)), 1, redis.url, '0.2.0')).rejects.toThrow(
      /^piece slow #\d failed: it was sent by version 0\.1\.0 and this worker runs 0\.2\.0; run the same version on the submitting machine and the workers \(results could differ\)\.$/,
    );
    expect(await withWorker('versions', () => older.run(slow(2, 5, 0)), 1, redis.url, '0.1.0')).toEqual(expected(2, 5));
    await older.close();
  });
});
