import type { Dataset } from '@modscope/core';
import type { TwoTaskDataset } from '@modscope/datasets';

/**
 * Training rows that let the two tasks stay apart: every example alone (the other task's half zero) plus,
 * for the i-th task-A and i-th task-B example, both side by side, once labelled with each one's class.
 * On the side-by-side rows neither task's inputs say anything about the other's class, so no hidden unit
 * gains from serving both.
 */
export function pairedRows(data: TwoTaskDataset): Dataset {
  const d = data.inputShape[0]!;
  const byTask: number[][] = [[], []];
  for (let n = 0; n < data.count; n++) byTask[data.taskOfExample[n]!]!.push(n);
  const pairs = Math.min(byTask[0]!.length, byTask[1]!.length);
  const count = data.count + 2 * pairs;
  const inputs = new Float32Array(count * d);
  const labels = new Int32Array(count);
  for (let i = 0; i < pairs; i++) {
    for (const task of [0, 1]) {
      const row = 2 * i + task;
      for (const t of [0, 1]) {
        const n = byTask[t]![i]!;
        for (let j = 0; j < d; j++) inputs[row * d + j]! += data.inputs[n * d + j]!;
      }
      labels[row] = data.labels[byTask[task]![i]!]!;
    }
  }
  inputs.set(data.inputs, 2 * pairs * d);
  labels.set(data.labels, 2 * pairs);
  return {
    name: data.name,
    split: data.split,
    count,
    inputShape: data.inputShape,
    inputs,
    labels,
    classes: data.classes,
    ...(data.classNames ? { classNames: data.classNames } : {}),
  };
}
