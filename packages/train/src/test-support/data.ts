import { twoTaskDataset } from '@modscope/datasets';
import type { LabelledExamples } from '@modscope/core';

/** The synthetic two-task data (32 inputs, 8 classes: A0–A3 on inputs 0–15, B0–B3 on 16–31). */
export function twoTask(count: number, split: 'train' | 'test' = 'train', seed = 1): LabelledExamples & { taskOfExample: Int32Array } {
  const d = twoTaskDataset({ count, split, seed });
  return { inputs: d.inputs, count: d.count, labels: d.labels, classes: d.classes, taskOfExample: d.taskOfExample };
}

/** The examples of one task. */
export function onlyTask(data: ReturnType<typeof twoTask>, task: number): LabelledExamples {
  const idx = [...data.taskOfExample.keys()].filter((i) => data.taskOfExample[i] === task);
  const per = data.inputs.length / data.count;
  const inputs = new Float32Array(idx.length * per);
  idx.forEach((j, i) => {
    inputs.set(data.inputs.subarray(j * per, (j + 1) * per), i * per);
  });
  return { inputs, count: idx.length, labels: Int32Array.from(idx, (j) => data.labels[j]!), classes: data.classes };
}

export function l1Norm(kernels: Float32Array[]): number {
  let s = 0;
  for (const k of kernels) for (const v of k) s += Math.abs(v);
  return s;
}
