import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RedisServer, startRedisServer } from '@modscope/queue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanFailure, root, runCliAsync } from './run-cli.js';
import { resultText, startWorker } from './support/queue-workers.js';

const dir = mkdtempSync(join(tmpdir(), 'modscope-sweep-'));

/** Writes a manifest into the test directory; its model paths are relative to it. */
function manifest(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

const fixtures = `${root}fixtures`;
// three fixture models × a short shuffle test and a small lesion study, one seed: six entries
const sweep = manifest('sweep.json', {
  models: [
    `${fixtures}/mlp-fashion.onnx`,
    `${fixtures}/mlp-sigmoid-tanh.onnx`,
    { name: 'opset11', path: `${fixtures}/mlp-fashion-opset11.onnx` },
  ],
  analyses: [
    { kind: 'cluster', options: { shuffles: 4 } },
    { kind: 'lesion', data: 'fashion-mnist', options: { random: 4, limit: 200 } },
  ],
  seeds: [3],
});
const entries = ['mlp-fashion', 'mlp-sigmoid-tanh', 'opset11'].flatMap((m) => [`${m}.cluster.seed3`, `${m}.lesion.seed3`]);

describe('modscope sweep', () => {
  const local = join(dir, 'local');
  let redis: RedisServer;
  let localRun: Awaited<ReturnType<typeof runCliAsync>>;
  beforeAll(async () => {
    // the local sweep runs while redis-server and the workers start
    const [run, server] = await Promise.all([runCliAsync(['sweep', sweep, '--out', local]), startRedisServer()]);
    localRun = run;
    redis = server;
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('runs models × analyses × seeds here: one result file per entry, summary.json and the summary table', () => {
    expect(localRun.stderr).toBe('');
    expect(localRun.code).toBe(0);
    expect(readdirSync(local).sort()).toEqual([...entries.map((e) => `${e}.json`), 'summary.json'].sort());
    const summary = JSON.parse(readFileSync(join(local, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ kind: 'modscope/sweep-summary', version: 1, manifest: sweep, entries: 6, failed: 0 });
    expect(summary.rows.map((r: { entry: string }) => r.entry)).toEqual(entries);
    const cluster = JSON.parse(readFileSync(join(local, 'mlp-fashion.cluster.seed3.json'), 'utf8'));
    expect(cluster).toMatchObject({ kind: 'modscope/cluster', network: 'mlp-fashion.onnx', seed: 3 });
    expect(cluster.nulls.layer.values).toHaveLength(4);
    expect(summary.rows[0]).toMatchObject({
      model: 'mlp-fashion',
      analysis: 'cluster',
      seed: 3,
      status: 'ok',
      figures: { ncut: cluster.ncut, p: { layer: cluster.nulls.layer.p, 'layer-nonzero': cluster.nulls['layer-nonzero'].p } },
    });
    const lesion = JSON.parse(readFileSync(join(local, 'opset11.lesion.seed3.json'), 'utf8'));
    expect(lesion).toMatchObject({ kind: 'modscope/lesion', model: 'opset11', examples: 200, random: 4, seed: 3 });
    expect(summary.rows[5].figures).toEqual({ effectFactor: lesion.effectFactor, importanceP: lesion.fisher.importance.p });
    const lines = localRun.stdout.split('\n');
    expect(lines[0]).toMatch(/^entry +model +analysis +seed +status +headline$/);
    expect(lines[2]).toMatch(
      /^mlp-fashion\.cluster\.seed3 +mlp-fashion +cluster +3 +ok +n-cut \d+\.\d{3}, p \d\.\d{3} \(layer\), \d\.\d{3} \(layer-nonzero\)$/,
    );
    expect(lines[3]).toMatch(/^mlp-fashion\.lesion\.seed3 +mlp-fashion +lesion +3 +ok +effect factor \d+\.\d{3}, Fisher importance p /);
    expect(localRun.stdout).toContain(`wrote 6 result files and ${join(local, 'summary.json')}`);
  });

  it('with --queue and two worker processes: each entry one piece, the files byte-identical to the local run apart from timings', async () => {
    const workers = await Promise.all([startWorker(redis.url), startWorker(redis.url)]);
    const queued = join(dir, 'queued');
    const r = await runCliAsync(['sweep', sweep, '--out', queued, '--queue', redis.url]);
    for (const w of workers) w.child.kill('SIGTERM');
    expect((await Promise.all(workers.map((w) => w.exited))).every((code) => code === 0)).toBe(true);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const entry of entries) expect(resultText(join(queued, `${entry}.json`)), entry).toBe(resultText(join(local, `${entry}.json`)));
    const summary = JSON.parse(readFileSync(join(queued, 'summary.json'), 'utf8'));
    const local_ = JSON.parse(readFileSync(join(local, 'summary.json'), 'utf8'));
    const figures = (s: { rows: { entry: string; status: string; figures: unknown }[] }) =>
      s.rows.map((row) => [row.entry, row.status, row.figures]);
    expect(figures(summary)).toEqual(figures(local_));
  });

  it('with --queue and no worker alive: one warning line for the whole sweep, and the entries run once a worker comes', async () => {
    const file = manifest('waiting.json', {
      models: [`${fixtures}/mlp-sigmoid-tanh.onnx`],
      analyses: [{ kind: 'cluster', options: { shuffles: 0 } }],
      seeds: [0, 1, 2],
    });
    const run = runCliAsync(['sweep', file, '--out', join(dir, 'waiting'), '--queue', redis.url], { MODSCOPE_QUEUE_NO_WORKER_MS: '500' });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const worker = await startWorker(redis.url);
    const r = await run;
    worker.child.kill('SIGTERM');
    await worker.exited;
    expect(r.code).toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([
      `modscope: warning: no worker is taking pieces from ${redis.url}; 3 of 3 sweep entries are waiting. Start one with: modscope worker --queue ${redis.url}`,
    ]);
    expect(readdirSync(join(dir, 'waiting'))).toHaveLength(4);
  });

  it('an entry that fails does not stop the others: it is in the summary with its reason, and the sweep exits 1 in one line', async () => {
    const file = manifest('partly.json', {
      models: [`${fixtures}/mlp-sigmoid-tanh.onnx`],
      // two-task has 32 inputs, the model 784: the lesion entry fails, the cluster entry runs
      analyses: [
        { kind: 'lesion', data: 'two-task', options: { limit: 50 } },
        { kind: 'cluster', options: { shuffles: 0 } },
      ],
    });
    const out = join(dir, 'partly');
    const r = await runCliAsync(['sweep', file, '--out', out]);
    expect(r.code).toBe(1);
    expect(expectCleanFailure(r)).toBe(
      `modscope: 1 of 2 sweep entries failed; their reasons are in the summary above and in ${join(out, 'summary.json')}.`,
    );
    expect(readdirSync(out).sort()).toEqual(['mlp-sigmoid-tanh.cluster.seed0.json', 'summary.json']);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.rows[0]).toMatchObject({ entry: 'mlp-sigmoid-tanh.lesion.seed0', status: 'failed', figures: null });
    expect(summary.rows[0].error).toMatch(/^Shape mismatch for the input of model 'mlp-sigmoid-tanh.onnx' fed from dataset 'two-task'/);
    expect(summary.rows[1]).toMatchObject({ status: 'ok', figures: { p: {} } });
    expect(r.stdout).toMatch(/mlp-sigmoid-tanh\.lesion\.seed0 +mlp-sigmoid-tanh +lesion +0 +failed +Shape mismatch/);
  });

  it('bad input: one line naming the problem and the fix, exit 2, nothing written', async () => {
    const cases: [string, unknown, string[], string][] = [
      [
        'bad-option.json',
        { models: [`${fixtures}/mlp-fashion.onnx`], analyses: [{ kind: 'cluster', options: { shuffles: 20000 } }] },
        [],
        'modscope: bad-option.json: analyses[0].options.shuffles is 20000: use an integer from 0 to 10,000 (0 skips the shuffle test), e.g. 20.',
      ],
      [
        'no-model.json',
        { models: ['nets/none.onnx'], analyses: [{ kind: 'cluster' }] },
        [],
        `modscope: no-model.json: models[0]: no file ${join(dir, 'nets/none.onnx')}: fix the path (relative to the manifest's directory).`,
      ],
      [
        'kind.json',
        { models: [`${fixtures}/mlp-fashion.onnx`], analyses: [{ kind: 'compare' }] },
        [],
        'modscope: kind.json: analyses[0].kind is "compare": use "cluster", "lesion" or "excise" (compare and language-model analyses are not supported by sweep yet).',
      ],
      [
        'data.json',
        { models: [`${fixtures}/mlp-fashion.onnx`], analyses: [{ kind: 'lesion', data: 'cifar-10' }] },
        [],
        'modscope: data.json: analyses[0].data is "cifar-10": use one of fashion-mnist, mnist, two-task (datasets by name only: a queue worker loads its own copy).',
      ],
      ['not-json.json', '{ "models": [', [], 'modscope: not-json.json: not JSON ('],
      [
        'tfjs.json',
        { models: [`${fixtures}/tfjs-mlp/model.json`], analyses: [{ kind: 'cluster' }] },
        ['--queue', 'redis://127.0.0.1:1'],
        `modscope: tfjs.json: models[0]: ${fixtures}/tfjs-mlp/model.json is not one .onnx file: a queued sweep sends each model as one ONNX file; run TF.js models without a queue.`,
      ],
    ];
    const runs = await Promise.all(
      cases.map(async ([name, value, extra]) => {
        const out = join(dir, `out-${name}`);
        return { out, r: await runCliAsync(['sweep', manifest(name, value), '--out', out, ...extra]) };
      }),
    );
    for (const [i, { out, r }] of runs.entries()) {
      const line = expectCleanFailure(r);
      if (cases[i]![0] === 'not-json.json') expect(line.startsWith(cases[i]![3])).toBe(true);
      else expect(line).toBe(cases[i]![3]);
      expect(r.code).toBe(2);
      expect(existsSync(out)).toBe(false);
    }
    const missing = await runCliAsync(['sweep', join(dir, 'absent.json'), '--out', join(dir, 'out-absent')]);
    expect(expectCleanFailure(missing)).toBe(
      `modscope: absent.json: ${join(dir, 'absent.json')} is no such file: give the path of a sweep manifest (JSON).`,
    );
    expect(missing.code).toBe(2);
    // several problems: one line each
    const several = await runCliAsync([
      'sweep',
      manifest('several.json', { models: ['a.onnx'], analyses: [{ kind: 'cluster', options: { k: 0, seed: 1 } }] }),
      '--out',
      join(dir, 'out-several'),
    ]);
    expect(several.code).toBe(2);
    expect(several.stderr.trim().split('\n')).toEqual([
      'modscope: several.json: analyses[0].options.k is 0: use a positive integer, e.g. 12.',
      `modscope: several.json: analyses[0].options: unknown key 'seed' (the seeds come from "seeds"); use only k, shuffles, nulls, prune, partitioner, norm, includeDense, view, attention, block.`,
    ]);
  });
});
