import type { TwoTaskDataset } from '@modscope/datasets';
import { adjustedRandIndex } from '@modscope/metrics';

/** How well a partition follows the tasks, over the input and output units. */
export interface TaskAlignment {
  /** Input and output units that have a cluster (pruning leaves some without edges). */
  units: number;
  /** ARI of the clusters against the task of each unit. */
  ari: number;
  /** Share of units in a cluster whose majority task is theirs. */
  purity: number;
}

/**
 * How well a partition (the labels of a `modscope/cluster` result, input layer first, output layer last)
 * follows the tasks of the two-task data's input features and classes.
 */
export function taskAlignment(cluster: { labels: readonly (readonly number[])[] }, data: TwoTaskDataset): TaskAlignment {
  const truth: number[] = [];
  const found: number[] = [];
  const add = (labels: readonly number[], tasks: Int32Array) => {
    labels.forEach((label, unit) => {
      if (label >= 0) {
        truth.push(tasks[unit]!);
        found.push(label);
      }
    });
  };
  add(cluster.labels[0]!, data.taskOfInput);
  add(cluster.labels[cluster.labels.length - 1]!, data.taskOfClass);
  const counts = new Map<number, number[]>();
  truth.forEach((t, i) => {
    const c = counts.get(found[i]!) ?? [0, 0];
    c[t]!++;
    counts.set(found[i]!, c);
  });
  const majority = [...counts.values()].reduce((s, c) => s + Math.max(...c), 0);
  return {
    units: truth.length,
    ari: adjustedRandIndex(Int32Array.from(truth), Int32Array.from(found)),
    purity: truth.length ? majority / truth.length : Number.NaN,
  };
}
