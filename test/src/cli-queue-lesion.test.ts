import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RedisServer, startRedisServer } from '@modscope/queue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanFailure, fixture, runCliAsync } from './run-cli.js';
import { resultText, startWorker } from './support/queue-workers.js';

// `modscope lesion --queue` (issue 19): the lesion sweep's batches on modscope worker processes, against a
// real redis-server on loopback.

const dir = mkdtempSync(join(tmpdir(), 'modscope-queue-lesion-'));

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

describe('modscope lesion --queue (a real redis-server on loopback)', () => {
  const model = fixture('mlp-fashion.onnx');
  // 30 lesions per sub-cluster: each goes out as two pieces (20 and 10)
  const args = ['lesion', model, '--data', 'fashion-mnist', '--limit', '2000', '--random', '29'];

  it('is byte-identical to the local run apart from timings, with two worker processes', async () => {
    const local = join(dir, 'local.json');
    const r = await runCliAsync([...args, '--json', local]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const workers = [await startWorker(redis.url), await startWorker(redis.url)];
    const queued = join(dir, 'queued.json');
    const q = await runCliAsync([...args, '--queue', redis.url, '--json', queued]);
    expect(q.stderr).toBe('');
    expect(q.code).toBe(0);
    const result = JSON.parse(readFileSync(queued, 'utf8'));
    expect(result.subclusters.length).toBeGreaterThan(5);
    expect(result.subclusters[0].random.accuracy).toHaveLength(29);
    expect(result.evaluations).toBe(30 * result.subclusters.length);
    expect(resultText(queued)).toBe(resultText(local));
    for (const worker of workers) worker.child.kill('SIGTERM');
    for (const worker of workers) {
      expect(await worker.exited).toBe(0);
      expect(worker.output()).not.toMatch(/error|failed/i);
    }
  });

  it('--queue is for a classifier’s lesion sweep: with --text, a language model, --feature-viz or --env it is a usage error', async () => {
    const url = redis.url;
    const cases: [string[], RegExp][] = [
      [
        ['lesion', fixture('lm/lm-tiny.onnx'), '--text', 'en=x', '--queue', url],
        /^modscope: --queue .* a language model is lesioned here\./,
      ],
      [['lesion', fixture('lm/lm-tiny.onnx'), '--queue', url], /^modscope: --queue .* a language model is lesioned here\./],
      [['lesion', model, '--data', 'fashion-mnist', '--feature-viz', join(dir, 'fv'), '--queue', url], /--feature-viz runs only here/],
      [['lesion', dir, '--env', 'gathering', '--queue', url], /agents \(--env\) are lesioned here/],
      [['lesion', model, '--data', 'fashion-mnist', '--queue', 'http://127.0.0.1:1'], /redis:\/\/HOST:PORT/],
    ];
    for (const [argv, message] of cases) {
      const r = await runCliAsync(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(expectCleanFailure(r)).toMatch(message);
    }
  });

  it('a TF.js model with --queue fails in one line saying what to do', async () => {
    const r = await runCliAsync([
      'lesion',
      fixture('tfjs-mlp'),
      '--data',
      'fashion-mnist',
      '--limit',
      '200',
      '--random',
      '2',
      '--queue',
      redis.url,
    ]);
    expect(expectCleanFailure(r)).toMatch(
      /^modscope: --queue sends the model to workers as an ONNX file, and model 'tfjs-mlp' is a tfjs-layers model\. Run it without --queue, or convert the model to ONNX/,
    );
  });
});
