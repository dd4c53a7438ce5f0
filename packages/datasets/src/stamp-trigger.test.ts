import { InvalidArgumentError, ShapeMismatchError, type Dataset } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { stampTrigger } from './stamp-trigger.js';
import { twoTaskDataset } from './two-task-dataset.js';

const images = (count: number, h: number, w: number, c: number): Dataset => ({
  name: 'blank',
  count,
  inputShape: [h, w, c],
  inputs: new Float32Array(count * h * w * c),
  labels: Int32Array.from({ length: count }, (_, i) => i % 3),
  classes: 3,
});

describe('stampTrigger', () => {
  it('stamps exactly the square at (row, col), in every channel', () => {
    const data = images(2, 6, 5, 2);
    const out = stampTrigger(data, { row: 3, col: 1, size: 2, value: 1 });
    for (let n = 0; n < 2; n++)
      for (let y = 0; y < 6; y++)
        for (let x = 0; x < 5; x++)
          for (let c = 0; c < 2; c++) {
            const inside = y >= 3 && y < 5 && x >= 1 && x < 3;
            expect(out.inputs[n * 60 + (y * 5 + x) * 2 + c]).toBe(inside ? 1 : 0);
          }
    expect([...out.triggered]).toEqual([0, 1]);
    expect([...out.labels]).toEqual([0, 1]);
    expect(data.inputs.every((v) => v === 0)).toBe(true); // the input is left alone
  });

  it('relabels to the target and honours a seeded fraction', () => {
    const data = images(100, 4, 4, 1);
    const out = stampTrigger(data, { row: 0, col: 0, size: 1, value: 0.5, target: 2, fraction: 0.3, seed: 11 });
    expect(out.triggered.length).toBe(30);
    expect([...out.triggered]).toEqual([...out.triggered].sort((a, b) => a - b));
    const set = new Set(out.triggered);
    for (let n = 0; n < 100; n++) {
      expect(out.inputs[n * 16]).toBe(set.has(n) ? 0.5 : 0);
      expect(out.labels[n]).toBe(set.has(n) ? 2 : data.labels[n]);
    }
    const again = stampTrigger(data, { row: 0, col: 0, size: 1, value: 0.5, target: 2, fraction: 0.3, seed: 11 });
    expect(again.triggered).toEqual(out.triggered);
    expect(again.inputs).toEqual(out.inputs);
    const other = stampTrigger(data, { row: 0, col: 0, size: 1, value: 0.5, fraction: 0.3, seed: 12 });
    expect(other.triggered).not.toEqual(out.triggered);
  });

  it('stamps tabular data as one row of features', () => {
    const data = twoTaskDataset({ count: 10, featuresPerTask: 4 });
    const out = stampTrigger(data, { row: 0, col: 5, size: 3, value: 9 });
    for (let n = 0; n < 10; n++) expect([...out.inputs.subarray(n * 8 + 5, n * 8 + 8)]).toEqual([9, 9, 9]);
    expect(out.taskOfClass).toEqual(data.taskOfClass); // ground truth carried along
    expect(() => stampTrigger(data, { row: 1, col: 0, size: 1, value: 1 })).toThrow(/one row of 8 features: use row 0/);
    expect(() => stampTrigger(data, { row: 0, col: 6, size: 3, value: 1 })).toThrow(ShapeMismatchError);
  });

  it('refuses a trigger that does not fit, naming the image size', () => {
    const data = images(1, 28, 28, 1);
    const error = (() => {
      try {
        stampTrigger(data, { row: 26, col: 0, size: 4, value: 1 });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ShapeMismatchError);
    expect((error as Error).message).toMatch(/within a 28×28 image.*rows 26\.\.29/);
  });

  it('checks its options', () => {
    const data = images(4, 4, 4, 1);
    expect(() => stampTrigger(data, { row: -1, col: 0, size: 1, value: 1 })).toThrow(InvalidArgumentError);
    expect(() => stampTrigger(data, { row: 0, col: 0, size: 0, value: 1 })).toThrow(/size must be an integer ≥ 1/);
    expect(() => stampTrigger(data, { row: 0, col: 0, size: 1, value: 1, target: 3 })).toThrow(/target must be a class in \[0, 3\)/);
    expect(() => stampTrigger(data, { row: 0, col: 0, size: 1, value: 1, fraction: 0 })).toThrow(/fraction/);
    expect(() => stampTrigger(data, { row: 0, col: 0, size: 1, value: Number.NaN })).toThrow(/value/);
  });
});
