import { InvalidArgumentError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { twoTaskDataset, type TwoTaskDataset } from './two-task-dataset.js';

/** Nearest class mean, fitted on `train` and scored on `test`, using only the task's own input half. */
function nearestMeanAccuracy(train: TwoTaskDataset, test: TwoTaskDataset, task: number): number {
  const d = train.featuresPerTask;
  const classes = [...train.taskOfClass.keys()].filter((c) => train.taskOfClass[c] === task);
  const means = new Map<number, Float64Array>();
  for (const c of classes) means.set(c, new Float64Array(d));
  const counts = new Map<number, number>();
  for (let n = 0; n < train.count; n++) {
    const c = train.labels[n]!;
    if (train.taskOfClass[c] !== task) continue;
    counts.set(c, (counts.get(c) ?? 0) + 1);
    for (let j = 0; j < d; j++) means.get(c)![j]! += train.inputs[n * 2 * d + task * d + j]!;
  }
  for (const c of classes) for (let j = 0; j < d; j++) means.get(c)![j]! /= counts.get(c)!;
  let correct = 0;
  let total = 0;
  for (let n = 0; n < test.count; n++) {
    if (test.taskOfExample[n] !== task) continue;
    let best = -1;
    let bestDistance = Infinity;
    for (const c of classes) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (test.inputs[n * 2 * d + task * d + j]! - means.get(c)![j]!) ** 2;
      if (s < bestDistance) [best, bestDistance] = [c, s];
    }
    total++;
    if (best === test.labels[n]) correct++;
  }
  return correct / total;
}

describe('twoTaskDataset', () => {
  it('describes its ground truth: disjoint inputs and outputs per task', () => {
    const data = twoTaskDataset({ count: 100, featuresPerTask: 5, classesPerTask: [3, 2] });
    expect(data).toMatchObject({ name: 'two-task', split: 'train', count: 100, inputShape: [10], classes: 5 });
    expect([...data.taskOfInput]).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect([...data.taskOfClass]).toEqual([0, 0, 0, 1, 1]);
    expect(data.classNames).toEqual(['A0', 'A1', 'A2', 'B0', 'B1']);
    expect(data.inputs.length).toBe(1000);
    for (let n = 0; n < data.count; n++) expect(data.taskOfExample[n]).toBe(data.taskOfClass[data.labels[n]!]);
  });

  it('is deterministic for a seed; splits and seeds differ, prototypes are shared', () => {
    const a = twoTaskDataset({ count: 200, seed: 7 });
    const b = twoTaskDataset({ count: 200, seed: 7 });
    expect(b.inputs).toEqual(a.inputs);
    expect(b.labels).toEqual(a.labels);
    const test = twoTaskDataset({ count: 200, seed: 7, split: 'test' });
    expect(test.inputs).not.toEqual(a.inputs);
    expect(test.prototypes).toEqual(a.prototypes);
    const other = twoTaskDataset({ count: 200, seed: 8 });
    expect(other.prototypes).not.toEqual(a.prototypes);
  });

  it("leaves the other task's input half carrying no information (all zeros)", () => {
    const data = twoTaskDataset({ count: 500, seed: 3 });
    const d = data.featuresPerTask;
    for (let n = 0; n < data.count; n++) {
      const other = 1 - data.taskOfExample[n]!;
      const half = data.inputs.subarray(n * 2 * d + other * d, n * 2 * d + other * d + d);
      expect(half.every((v) => v === 0)).toBe(true);
      const own = data.inputs.subarray(n * 2 * d + (1 - other) * d, n * 2 * d + (1 - other) * d + d);
      expect(own.some((v) => v !== 0)).toBe(true);
    }
    expect(data.inputs.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('balances tasks and classes exactly', () => {
    const data = twoTaskDataset({ count: 2000, seed: 1 });
    const perClass = new Array<number>(data.classes).fill(0);
    for (const l of data.labels) perClass[l]!++;
    expect(perClass).toEqual(new Array(8).fill(250));
    expect(data.taskOfExample.reduce((a, b) => a + b, 0)).toBe(1000);
    // and in random order, not sorted by class
    expect(data.labels.subarray(0, 20).some((l, i, a) => i > 0 && l !== a[i - 1])).toBe(true);
  });

  it('is learnable: nearest class mean per task reaches > 90% on the test split', () => {
    const train = twoTaskDataset({ count: 2000, seed: 0, split: 'train' });
    const test = twoTaskDataset({ count: 1000, seed: 0, split: 'test' });
    for (const task of [0, 1]) expect(nearestMeanAccuracy(train, test, task)).toBeGreaterThan(0.9);
  });

  it('rejects options that cannot work', () => {
    expect(() => twoTaskDataset({ count: 0 })).toThrow(InvalidArgumentError);
    expect(() => twoTaskDataset({ classesPerTask: [2, 0] })).toThrow(/classesPerTask must be a positive integer/);
    expect(() => twoTaskDataset({ noise: -1 })).toThrow(/noise/);
    expect(() => twoTaskDataset({ split: 'val' as 'test' })).toThrow(/unknown split/);
  });
});
