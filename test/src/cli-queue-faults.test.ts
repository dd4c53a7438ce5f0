// The fault cases of issue 19 with worker processes of the built CLI and a real redis-server on loopback:
// a Redis restart (with and without its append-only file), a duplicate delivery, no worker, no Redis, and a
// stopped submitter. Each run ends complete and identical to the local one, or failed in one line.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queueStatus } from '@modscope/queue';
import { redeliver, startRedisServer } from '@modscope/queue/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectCleanFailure, fixture, runCliAsync } from './run-cli.js';
import { resultText, spawnCli, startWorker, stopWorkers, until } from './support/queue-workers.js';

const dir = mkdtempSync(join(tmpdir(), 'modscope-queue-faults-'));
const model = fixture('mlp-fashion.onnx');
const local = join(dir, 'local.json');
// a dead worker's piece goes back within 5 s (shorter, a live worker busy with its first piece on a loaded
// machine can miss renewing its lock); the submitter looks at its pieces every 200 ms
const env = { MODSCOPE_QUEUE_LOCK_MS: '5000', MODSCOPE_QUEUE_POLL_MS: '200', MODSCOPE_QUEUE_HEARTBEAT_MS: '500' };
const cluster = (queue: string, out: string) => ['cluster', model, '--shuffles', '20', '--queue', queue, '--json', out];

/** Pieces of the queue at `url` finished so far, by the workers' heartbeats. */
const piecesDone = async (url: string) => (await queueStatus({ url })).workers.reduce((sum, w) => sum + w.done, 0);

beforeAll(async () => {
  const r = await runCliAsync(['cluster', model, '--shuffles', '20', '--workers', '0', '--json', local]);
  expect(r.code).toBe(0);
});

describe('queue faults (worker processes, a real redis-server)', () => {
  for (const persistent of [true, false]) {
    it(`a Redis restart mid-run ${persistent ? 'with its append-only file' : 'that loses every piece and the graph'}: the run completes, identical to the local one`, async () => {
      const data = mkdtempSync(join(dir, 'redis-'));
      let redis = await startRedisServer(persistent ? { appendonly: data } : {});
      const workers = [await startWorker(redis.url, env), await startWorker(redis.url, env)];
      try {
        const out = join(dir, `restart-${persistent}.json`);
        const submitter = spawnCli(cluster(redis.url, out), env);
        await until(async () => (await piecesDone(redis.url)) >= 4, 60_000, 'four shuffles done');
        await redis.kill();
        await new Promise((resolve) => setTimeout(resolve, 1000));
        redis = await startRedisServer({ port: redis.port, ...(persistent ? { appendonly: data } : {}) });
        expect(await submitter.exited).toBe(0);
        expect(submitter.stderr()).toBe('');
        expect(resultText(out)).toBe(resultText(local));
      } finally {
        await stopWorkers(...workers);
        await redis.stop();
      }
    }, 180_000);
  }

  it('pieces delivered twice mid-run count once: the result is identical to the local one', async () => {
    const redis = await startRedisServer();
    const workers = [await startWorker(redis.url, env), await startWorker(redis.url, env)];
    try {
      const out = join(dir, 'twice.json');
      const submitter = spawnCli(cluster(redis.url, out), env);
      let again: string[] = [];
      await until(
        async () => {
          again = await redeliver({ url: redis.url }, 3);
          return again.length > 0;
        },
        60_000,
        'a finished piece to deliver again',
      );
      expect(await submitter.exited).toBe(0);
      expect(submitter.stderr()).toBe('');
      const result = JSON.parse(readFileSync(out, 'utf8'));
      expect(result.nulls.layer.values).toHaveLength(20);
      expect(result.nulls['layer-nonzero'].values).toHaveLength(20);
      expect(resultText(out)).toBe(resultText(local));
    } finally {
      await stopWorkers(...workers);
      await redis.stop();
    }
  }, 180_000);

  it('pieces with no worker alive: one warning line, then a worker comes and the run completes; modscope workers lists it', async () => {
    const redis = await startRedisServer();
    const out = join(dir, 'late.json');
    const submitter = spawnCli(cluster(redis.url, out), { ...env, MODSCOPE_QUEUE_NO_WORKER_MS: '500' });
    let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
    try {
      await until(() => submitter.stderr().includes('warning'), 60_000, 'the warning');
      const none = await runCliAsync(['workers', '--queue', redis.url]);
      expect(none.code).toBe(0);
      expect(none.stdout).toMatch(/^redis:\/\/127\.0\.0\.1:\d+: 40 pieces waiting, 0 running/);
      expect(none.stdout).toContain(`no worker alive; start one with: modscope worker --queue ${redis.url}`);
      worker = await startWorker(redis.url, env);
      expect(await submitter.exited).toBe(0);
      expect(submitter.stderr().trim().split('\n')).toEqual([
        `modscope: warning: no worker has taken pieces from ${redis.url} for 1 s; 40 of 40 are waiting. Start one with: modscope worker --queue ${redis.url}`,
      ]);
      expect(resultText(out)).toBe(resultText(local));
      const listed = await runCliAsync(['workers', '--queue', redis.url, '--json', '-']);
      expect(listed.code).toBe(0);
      const status = JSON.parse(listed.stdout);
      expect(status.counts).toEqual({ waiting: 0, active: 0, completed: 0, failed: 0 });
      expect(status.workers).toHaveLength(1);
      expect(status.workers[0]).toMatchObject({ pid: worker.child.pid, concurrency: 1, failed: 0, running: 0 });
      // 40, or more where a piece was delivered twice (a lock that lapsed): counted once all the same
      expect(status.workers[0].done).toBeGreaterThanOrEqual(40);
    } finally {
      if (worker) await stopWorkers(worker);
      await redis.stop();
    }
  }, 180_000);

  it('a submitter stopped with SIGINT takes its pieces off the queue and says so in one line', async () => {
    const redis = await startRedisServer();
    try {
      const submitter = spawnCli(cluster(redis.url, join(dir, 'stopped.json')), env);
      await until(async () => (await queueStatus({ url: redis.url })).counts.waiting === 40, 60_000, 'the pieces to be queued');
      submitter.child.kill('SIGINT');
      expect(await submitter.exited).not.toBe(0);
      expect(submitter.stderr().trim()).toBe('modscope: the run was stopped; its 40 pieces not done were taken off the queue.');
      expect((await queueStatus({ url: redis.url })).counts).toEqual({ waiting: 0, active: 0, completed: 0, failed: 0 });
    } finally {
      await redis.stop();
    }
  }, 120_000);

  it('no Redis at the URL: cluster, worker and workers fail in one line naming it', async () => {
    const gone = await startRedisServer();
    await gone.stop();
    const quick = { MODSCOPE_QUEUE_CONNECT_MS: '1000' };
    for (const args of [cluster(gone.url, join(dir, 'none.json')), ['worker', '--queue', gone.url], ['workers', '--queue', gone.url]]) {
      const r = await runCliAsync(args, quick);
      expect(expectCleanFailure(r)).toMatch(
        new RegExp(
          `^modscope: cannot reach the queue at ${gone.url} \\(connect ECONNREFUSED [\\d.:]+\\)\\. Start redis-server there \\(or check the --queue URL\\), then run again\\.$`,
        ),
      );
    }
  }, 120_000);
});
