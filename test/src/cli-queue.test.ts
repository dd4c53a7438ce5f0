import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RedisServer, startRedisServer } from '@modscope/queue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanFailure, fixture, runCliAsync } from './run-cli.js';
import { resultText, startWorker } from './support/queue-workers.js';

const dir = mkdtempSync(join(tmpdir(), 'modscope-queue-'));

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

describe('modscope worker and cluster --queue (a real redis-server on loopback)', () => {
  const model = fixture('mlp-fashion.onnx');
  const local = join(dir, 'local.json');
  beforeAll(async () => {
    const r = await runCliAsync(['cluster', model, '--shuffles', '20', '--workers', '0', '--json', local]);
    expect(r.code).toBe(0);
  });

  it('cluster --shuffles 20 through the queue is byte-identical to the local run; the worker starts and stops in one line each', async () => {
    const worker = await startWorker(redis.url);
    const queued = join(dir, 'queued.json');
    const r = await runCliAsync(['cluster', model, '--shuffles', '20', '--queue', redis.url, '--json', queued]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(resultText(queued)).toBe(resultText(local));
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.output().trim().split('\n')).toEqual([
      `worker: taking pieces from ${redis.url} (concurrency 1); stop with SIGTERM or Ctrl-C`,
      'worker: stopped',
    ]);
  });

  it('a worker killed mid-run (SIGKILL): a second worker finishes the run, nothing lost or counted twice', async () => {
    // short enough to see the killed worker's piece taken over within seconds, long enough that a live
    // worker renews its lock while a shuffle holds its event loop (at 1 s a live worker's first piece,
    // which also decodes the graph and compiles the partitioner, could be taken for stalled)
    const env = { MODSCOPE_QUEUE_LOCK_MS: '5000' };
    const first = await startWorker(redis.url, env);
    const queued = join(dir, 'killed.json');
    let finished = false;
    const run = runCliAsync(['cluster', model, '--shuffles', '20', '--queue', redis.url, '--json', queued]).then((r) => {
      finished = true;
      return r;
    });
    // the real clustering takes about a second; the 40 shuffles on one worker several more
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(finished).toBe(false);
    first.child.kill('SIGKILL');
    await first.exited;
    const second = await startWorker(redis.url, env);
    const r = await run;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(readFileSync(queued, 'utf8'));
    expect(result.nulls.layer.values).toHaveLength(20);
    expect(result.nulls['layer-nonzero'].values).toHaveLength(20);
    expect(resultText(queued)).toBe(resultText(local));
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('a piece that throws fails the run with one line naming the piece', async () => {
    const worker = await startWorker(redis.url);
    // a partitioner of the user's own (round-robin labels): the submitter runs it, the worker does not, so
    // every piece throws on the worker; its module path is never imported there
    const plugin = join(dir, 'round-robin.mjs');
    writeFileSync(
      plugin,
      `export function createRoundRobinPartitioner() {
        return { specificationVersion: 'v1', name: 'round-robin',
          async partition(graph, { k }) { return { k, labels: Int32Array.from({ length: graph.nodeCount }, (_, i) => i % k) }; } };
      }\n`,
    );
    const r = await runCliAsync(['cluster', model, '--prune', '0.9', '--shuffles', '2', '--queue', redis.url, '--partitioner', plugin]);
    worker.child.kill('SIGTERM');
    await worker.exited;
    expect(expectCleanFailure(r)).toMatch(
      /^modscope: piece clusterability\/shuffle #\d+ failed: this worker runs only the partitioners .*, not 'createRoundRobinPartitioner' \(start it with --partitioner <package> to allow a plugin\)\.$/,
    );
    // a worker started with the plugin runs it, and the result is the local one
    const allowed = await startWorker(redis.url, {}, ['--partitioner', plugin]);
    const args = ['cluster', model, '--prune', '0.9', '--shuffles', '2', '--partitioner', plugin];
    const here = join(dir, 'round-robin-local.json');
    const there = join(dir, 'round-robin-queued.json');
    expect((await runCliAsync([...args, '--workers', '0', '--json', here])).code).toBe(0);
    const queued = await runCliAsync([...args, '--queue', redis.url, '--json', there]);
    allowed.child.kill('SIGTERM');
    await allowed.exited;
    expect(queued.stderr).toBe('');
    expect(resultText(there)).toBe(resultText(here));
  });

  it('--queue takes only redis:// URLs, and not with --workers', async () => {
    const bad = await runCliAsync(['worker', '--queue', 'http://localhost:1']);
    expect(bad.code).toBe(2);
    expect(expectCleanFailure(bad)).toMatch(/redis:\/\/HOST:PORT/);
    const both = await runCliAsync(['cluster', model, '--queue', redis.url, '--workers', '2']);
    expect(both.code).toBe(2);
    expect(expectCleanFailure(both)).toMatch(/--queue and --workers/);
  });
});
