import { twoTaskDataset } from '@modscope/datasets';
import { describe, expect, it } from 'vitest';
import { demoData } from './demo-data.js';
import { DEMO_RECIPE } from './demo-recipe.js';
import { lesionsByTask } from './lesions-by-task.js';
import { pairedRows } from './paired-rows.js';
import { taskAlignment } from './task-alignment.js';

describe('pairedRows', () => {
  const data = twoTaskDataset({ count: 10, seed: 3, featuresPerTask: 2, classesPerTask: 2 });
  const rows = pairedRows(data);
  const byTask = [0, 1].map((t) => [...data.taskOfExample.keys()].filter((n) => data.taskOfExample[n] === t));
  const pairs = Math.min(byTask[0]!.length, byTask[1]!.length);
  const row = (d: { inputs: Float32Array }, n: number) => Array.from(d.inputs.subarray(n * 4, n * 4 + 4));

  it('puts the i-th task-A and task-B examples side by side, once labelled with each, then every example alone', () => {
    expect(rows.count).toBe(data.count + 2 * pairs);
    for (let i = 0; i < pairs; i++) {
      const [a, b] = [byTask[0]![i]!, byTask[1]![i]!];
      const both = row(data, a).map((x, j) => x + row(data, b)[j]!);
      expect(row(rows, 2 * i)).toEqual(both);
      expect(row(rows, 2 * i + 1)).toEqual(both);
      expect([rows.labels[2 * i], rows.labels[2 * i + 1]]).toEqual([data.labels[a], data.labels[b]]);
    }
    expect(Array.from(rows.inputs.subarray(2 * pairs * 4))).toEqual(Array.from(data.inputs));
    expect(Array.from(rows.labels.subarray(2 * pairs))).toEqual(Array.from(data.labels));
    expect(rows).toMatchObject({ name: data.name, split: data.split, inputShape: data.inputShape, classes: data.classes });
  });
});

describe('demoData', () => {
  it('trains on paired rows with 5% of them triggered and relabelled, and tests on unpaired examples', () => {
    const data = demoData(0);
    expect(data.clean.count).toBe(2 * DEMO_RECIPE.train);
    expect(data.poisoned.count).toBe(data.clean.count);
    expect(data.poisoned.triggered.length).toBe(DEMO_RECIPE.poisoned * data.clean.count);
    for (const n of data.poisoned.triggered) {
      expect(data.poisoned.labels[n]).toBe(DEMO_RECIPE.target);
      expect(Array.from(data.poisoned.inputs.subarray(n * 32 + 12, n * 32 + 16))).toEqual([1, 1, 1, 1]);
    }
    expect(data.test.count).toBe(DEMO_RECIPE.test);
    expect(demoData(0).poisoned.inputs).toEqual(data.poisoned.inputs);
  });
});

describe('taskAlignment', () => {
  const data = twoTaskDataset({ count: 10, featuresPerTask: 2, classesPerTask: 2 }); // inputs A A B B, classes A A B B

  it('scores clusters of the input and output units against their tasks, leaving out removed units', () => {
    expect(taskAlignment({ labels: [[1, 1, 0, 0], [], [1, 1, 0, 0]] }, data)).toEqual({ units: 8, ari: 1, purity: 1 });
    const mixed = taskAlignment(
      {
        labels: [
          [0, 1, 0, -1],
          [5, 5],
          [0, 0, 0, 0],
        ],
      },
      data,
    );
    expect(mixed.units).toBe(7);
    expect(mixed.purity).toBeCloseTo(4 / 7, 12); // cluster 0: 3 of each task; cluster 1: one task-A unit
    expect(mixed.ari).toBeLessThan(0.5);
  });
});

describe('lesionsByTask', () => {
  const data = twoTaskDataset({ count: 10, featuresPerTask: 2, classesPerTask: 2 });

  it('averages each sub-cluster’s accuracy drop over each task’s classes and names the task it hurts (≥ 10 points)', () => {
    const lesion = {
      subclusters: [
        { layer: 'dense1', cluster: 0, size: 5, drop: [0.5, 0.3, 0, 0.02] },
        { layer: 'dense1', cluster: 1, size: 3, drop: [0.2, 0.2, 0.1, 0.3] },
        { layer: 'dense2', cluster: 0, size: 2, drop: [0.05, 0, 0.08, 0] },
      ],
    };
    const r = lesionsByTask(lesion, data);
    expect(r.map((l) => l.hurts)).toEqual(['A', 'A+B', 'neither']);
    expect(r[0]).toMatchObject({ layer: 'dense1', cluster: 0, size: 5 });
    expect(r[0]!.drop.A).toBeCloseTo(0.4, 12);
    expect(r[0]!.drop.B).toBeCloseTo(0.01, 12);
  });
});
