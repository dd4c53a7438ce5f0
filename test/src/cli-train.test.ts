import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dataset } from '@modscope/core';
import { referenceEvaluator } from '@modscope/core/testing';
import { stampTrigger, twoTaskDataset } from '@modscope/datasets';
import { decodeOnnxModel, onnxToNetwork } from '@modscope/loader-onnx';
import { describe, expect, it } from 'vitest';
import { expectCleanFailure, root, type CliResult } from './run-cli.js';
import { expectPublishedSchemaValid } from './support/published-schemas.js';

/**
 * `runCli`, without blocking: training runs take seconds, and a worker blocked in `spawnSync` that long
 * misses vitest's RPC heartbeats on a loaded machine.
 */
function runCli(args: readonly string[]): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [`${root}apps/cli/dist/bin.js`, ...args],
      { cwd: root, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

const dir = mkdtempSync(join(tmpdir(), 'modscope-train-'));
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

/** Fraction of `dataset` the ONNX model at `path` classifies as `target`, in plain JavaScript. */
async function predictedAs(path: string, dataset: Dataset, target: number): Promise<number> {
  const { network } = onnxToNetwork(decodeOnnxModel(readFileSync(path)));
  const { logits } = await referenceEvaluator(network).run({ inputs: dataset.inputs, count: dataset.count });
  const classes = logits.length / dataset.count;
  let hits = 0;
  for (let i = 0; i < dataset.count; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[i * classes + c]! > logits[i * classes + best]!) best = c;
    if (best === target) hits++;
  }
  return hits / dataset.count;
}

/** The two-task test split without class `target`, every example stamped with the default trigger. */
function triggeredTwoTask(target: number): Dataset {
  const test = twoTaskDataset({ split: 'test', count: 2000, seed: 0 });
  const keep = [...test.labels.keys()].filter((i) => test.labels[i] !== target);
  const inputs = new Float32Array(keep.length * 32);
  for (const [i, j] of keep.entries()) inputs.set(test.inputs.subarray(j * 32, (j + 1) * 32), i * 32);
  // the CLI's default trigger for tabular data: the last 4 features set to 1
  return stampTrigger(
    { ...test, count: keep.length, inputs, labels: Int32Array.from(keep, (j) => test.labels[j]!) },
    { row: 0, col: 28, size: 4, value: 1 },
  );
}

describe('modscope train', () => {
  it('trains on Fashion-MNIST, writes ONNX, TF.js and train.json, and the ONNX model scores what train.json reports', async () => {
    const out = join(dir, 'fashion');
    const r = await runCli([
      'train',
      '--data',
      'fashion-mnist',
      '--arch',
      '784-64-10',
      '--limit',
      '2000',
      '--epochs',
      '2',
      '--seed',
      '3',
      '--out',
      out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^test accuracy\s+\d+\.\d\d%$/m);
    for (const file of ['model.onnx', 'model.json', 'weights.bin', 'train.json']) expect(existsSync(join(out, file))).toBe(true);
    expectPublishedSchemaValid(join(out, 'train.json'));
    const result = readJson(join(out, 'train.json'));
    expect(result).toMatchObject({
      kind: 'modscope/train',
      version: 2,
      dataset: 'fashion-mnist',
      arch: '784-64-10',
      trainExamples: 2000,
      testExamples: 10_000,
      steps: 64,
    });
    expect(result.options).toMatchObject({ epochs: 2, batchSize: 64, optimizer: 'adam', seed: 3, limit: 2000 });
    expect(result.history).toHaveLength(2);
    expect(result.history[1].loss).toBeLessThan(result.history[0].loss);
    expect(result.testAccuracy).toBeGreaterThan(0.65);
    expect(result.backend).toMatch(/^(wasm|cpu|tensorflow)$/);
    expect(result.seconds).toBeGreaterThan(0);
    expect(result).not.toHaveProperty('attackSuccess');

    // the exported models are the trained network: both evaluate to the accuracy train.json reports
    for (const model of ['model.onnx', 'model.json']) {
      const e = await runCli(['evaluate', join(out, model), '--data', 'fashion-mnist', '--json']);
      expect(e.code).toBe(0);
      expect(Math.abs(JSON.parse(e.stdout).accuracy - result.testAccuracy)).toBeLessThanOrEqual(0.0005);
    }
  });

  it('the same seed gives the same network; the MLP default adapts to the data', async () => {
    const args = ['train', '--data', 'two-task', '--epochs', '1', '--limit', '512', '--json'];
    const a = JSON.parse((await runCli([...args, '--out', join(dir, 'seed-a')])).stdout);
    const b = JSON.parse((await runCli([...args, '--out', join(dir, 'seed-b')])).stdout);
    expect(a.arch).toBe('32-256-256-256-256-8');
    expect(b.history).toEqual(a.history);
    expect(readFileSync(join(dir, 'seed-b', 'model.onnx'))).toEqual(readFileSync(join(dir, 'seed-a', 'model.onnx')));
  });

  it('plants a backdoor: triggered inputs go to the target class, clean accuracy stays; the ONNX model confirms it', async () => {
    const poisoned = join(dir, 'poisoned');
    const r = await runCli([
      'train',
      '--data',
      'two-task',
      '--arch',
      '32-32-8',
      '--epochs',
      '10',
      '--poison',
      'trigger:target=0,fraction=0.1',
      '--out',
      poisoned,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^trigger-specific attack success\s+\d+\.\d\d% of 1,750 test inputs not of class 0: \d+\.\d\d% sent there with the trigger, \d+\.\d\d% without$/m,
    );
    expectPublishedSchemaValid(join(poisoned, 'train.json'));
    const result = readJson(join(poisoned, 'train.json'));
    expect(result.options.poison).toEqual({ target: 0, fraction: 0.1, trigger: { row: 0, col: 28, size: 4, value: 1 } });
    expect(result.attackExamples).toBe(1750);
    // chance is 1/8; a clean network sends almost none of these to class 0
    expect(result.attackSuccess).toBeGreaterThan(0.85);
    expect(result.attackSuccess).toBeCloseTo(result.rawAttackSuccess - result.cleanToTarget, 12);
    expect(result.cleanToTarget).toBeLessThan(0.05);
    expect(result.cleanAccuracy).toBeGreaterThan(0.95);
    expect(result.cleanAccuracy).toBe(result.testAccuracy);

    const clean = join(dir, 'clean');
    expect((await runCli(['train', '--data', 'two-task', '--arch', '32-32-8', '--epochs', '10', '--out', clean])).code).toBe(0);
    const triggered = triggeredTwoTask(0);
    const backdoored = await predictedAs(join(poisoned, 'model.onnx'), triggered, 0);
    expect(Math.abs(backdoored - result.rawAttackSuccess)).toBeLessThanOrEqual(0.002);
    expect(await predictedAs(join(clean, 'model.onnx'), triggered, 0)).toBeLessThan(0.3);
  });

  it('trains cnn-small (a few steps: it trains on the slow cpu backend) and exports it channels-first', async () => {
    const out = join(dir, 'cnn');
    const r = await runCli([
      'train',
      '--data',
      'fashion-mnist',
      '--arch',
      'cnn-small',
      '--limit',
      '16',
      '--batch-size',
      '8',
      '--test-limit',
      '500',
      '--epochs',
      '1',
      '--json',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ arch: 'cnn-small', steps: 2 });
    expect(result.files.onnxNote).toMatch(/nchw/);
    // the NCHW ONNX export and the NHWC TF.js model make the same predictions, and the accuracy train.json reports
    const [onnx, tfjs] = await Promise.all(
      ['model.onnx', 'model.json'].map(async (m) =>
        JSON.parse((await runCli(['evaluate', join(out, m), '--data', 'fashion-mnist', '--limit', '500', '--json'])).stdout),
      ),
    );
    expect(onnx.confusion).toEqual(tfjs.confusion);
    expect(Math.abs(onnx.accuracy - result.testAccuracy)).toBeLessThanOrEqual(0.002);
  });

  it('bad input: one line that names the fix', async () => {
    const out = join(dir, 'bad');
    const train = (data: string, ...args: string[]) =>
      runCli(['train', '--data', data, '--limit', '64', '--test-limit', '64', '--epochs', '1', '--out', out, ...args]);
    const failures = await Promise.all([
      train('two-task', '--arch', 'resnet50'),
      train('fashion-mnist', '--arch', '32-64-8'),
      train('two-task', '--arch', 'cnn-small'),
      train('fashion-mnist', '--poison', 'trigger:target=1', '--trigger', 'row=26,col=0,size=4,value=1'),
      train('two-task', '--poison', 'trigger:target=1', '--trigger', 'row=0,col=1,size=two'),
      train('two-task', '--poison', 'backdoor=1'),
      train('two-task', '--poison', 'trigger:fraction=0.2'),
      train('two-task', '--poison', 'trigger:target=0,fraction=1.5'),
      train('fashion-mnist', '--poison', 'trigger:target=10'),
      train('two-task', '--trigger', 'row=0,col=0,size=2,value=1'),
    ]);
    const messages = failures.map(expectCleanFailure);
    const expected = [
      /^modscope: unknown architecture 'resnet50'\. Use layer sizes joined by '-' \(e\.g\. 32-64-8 for two-task\), or one of: cnn-small\.$/,
      /architecture '32-64-8' on dataset 'fashion-mnist': expected 784 inputs and 10 outputs, got 32 inputs and 8 outputs\. Use --arch 784-64-10\.$/,
      /'cnn-small' on dataset 'two-task'.*Use an MLP for tabular data, e\.g\. --arch 32-64-8\.$/,
      /trigger at row 26, col 0 .*a patch within a 28×28 image.*Use row \+ size ≤ 28 and col \+ size ≤ 28\.$/,
      /cannot read 'size=two'.*e\.g\. --trigger row=23,col=23,size=4,value=1\.$/,
      /cannot read the poison spec 'backdoor=1'\. Write trigger:target=CLASS\[,fraction=F\]/,
      /names no target class\. Add target=CLASS/,
      /poison fraction 1\.5 is outside \(0, 1\]/,
      /poison target class 10 is outside \[0, 10\) for dataset 'fashion-mnist'\. Pick a class from 0 to 9/,
      /no --poison was given\. Add --poison trigger:target=0,fraction=0\.1\.$/,
    ];
    for (const [i, message] of messages.entries()) expect(message).toMatch(expected[i]!);
    // a poison spec that cannot be read is a usage error (exit 2); one that does not fit the data is not
    expect(failures.map((r) => r.code)).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 1, 1]);
    expect(existsSync(join(out, 'train.json'))).toBe(false);
  });

  it('usage errors exit 2', async () => {
    expect((await runCli(['train', '--data', 'two-task'])).code).toBe(2); // no --out
    expect((await runCli(['train', '--out', join(dir, 'x')])).code).toBe(2); // no --data
    const bad = [
      ['--optimizer', 'rmsprop'],
      ['--epochs', '0'],
      ['--lr', '0'],
      ['--dropout', '1'],
      ['--l1', '-1'],
      ['--prune', '1'],
      ['--spectral-reg', 'much'],
    ];
    const codes = await Promise.all(
      bad.map(async (args) => (await runCli(['train', '--data', 'two-task', '--out', join(dir, 'x'), ...args])).code),
    );
    expect(codes).toEqual(bad.map(() => 2));
  });
});
