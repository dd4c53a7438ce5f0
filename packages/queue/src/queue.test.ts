import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueueExecutor, type PieceHandler, runWorker } from './index.js';
import { type RedisServer, startRedisServer } from './testing/index.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

const handlers: Record<string, PieceHandler> = {
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

async function withWorker<T>(name: string, body: () => Promise<T>, concurrency = 3): Promise<T> {
  const controller = new AbortController();
  let ready!: () => void;
  const started = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const running = runWorker({ url: redis.url, name, concurrency, handlers, signal: controller.signal, onReady: ready });
  await started;
  try {
    return await body();
  } finally {
    controller.abort();
    await running;
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
});
