import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseResult } from '@modscope/results';
import { runTrain, type TrainPlan } from './run-train.js';

const root = mkdtempSync(join(tmpdir(), 'modscope-training-run-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('runTrain', () => {
  it('trains, plants the backdoor, evaluates, and writes ONNX, TF.js and a valid train.json', async () => {
    const out = join(root, 'poisoned');
    const events: string[] = [];
    let plan: TrainPlan | undefined;
    const result = await runTrain({
      data: 'two-task',
      arch: '32-16-8',
      epochs: 2,
      limit: 512,
      testLimit: 256,
      poison: 'trigger:target=0,fraction=0.2',
      seed: 1,
      out,
      onPlan: (p) => {
        plan = p;
        events.push('plan');
      },
      onProgress: () => events.push('step'),
    });
    expect(plan).toEqual({
      dataset: 'two-task',
      trainExamples: 512,
      testExamples: 256,
      arch: '32-16-8',
      poison: { target: 0, fraction: 0.2, stamped: 102 },
    });
    expect(events[0]).toBe('plan');
    expect(events.filter((e) => e === 'step')).toHaveLength(16);
    expect(result).toMatchObject({ kind: 'modscope/train', version: 2, steps: 16, trainExamples: 512, testExamples: 256 });
    expect(result.options).toMatchObject({ epochs: 2, batchSize: 64, optimizer: 'adam', seed: 1, limit: 512, testLimit: 256 });
    expect(result.options.poison).toEqual({ target: 0, fraction: 0.2, trigger: { row: 0, col: 28, size: 4, value: 1 } });
    expect(result.attackExamples).toBeGreaterThan(0);
    expect(result.cleanAccuracy).toBe(result.testAccuracy);
    // trigger-specific (method §6.8): the triggered inputs sent to the target, less the same inputs sent there without it
    expect(result.attackSuccess).toBeCloseTo(result.rawAttackSuccess! - result.cleanToTarget!, 12);
    for (const file of ['model.onnx', 'model.json', 'weights.bin']) expect(existsSync(join(out, file))).toBe(true);
    const written = JSON.parse(readFileSync(join(out, 'train.json'), 'utf8'));
    expect(written).toEqual(JSON.parse(JSON.stringify(result)));
    expect(() => parseResult(written, { path: 'train.json', kinds: ['modscope/train'] })).not.toThrow();
  });

  it('fails before training on a bad spec, writing nothing', async () => {
    const out = join(root, 'bad');
    await expect(runTrain({ data: 'two-task', out, trigger: 'row=0,col=0,size=2,value=1' })).rejects.toThrow(/no --poison was given/);
    await expect(runTrain({ data: 'two-task', out, limit: 64, testLimit: 64, poison: 'trigger:target=9' })).rejects.toThrow(
      /poison target class 9 is outside \[0, 8\)/,
    );
    expect(existsSync(out)).toBe(false);
  });
});
