import type { TwoTaskDataset } from '@modscope/datasets';

const TASKS = ['A', 'B'];

/** One sub-cluster's lesion, by task. */
export interface TaskLesion {
  layer: string;
  cluster: number;
  size: number;
  /** Mean accuracy drop over each task's classes. */
  drop: { A: number; B: number };
  /** The task it hurts (a drop of 10 points or more): `A`, `B`, `A+B` or `neither`. */
  hurts: string;
}

/**
 * Per sub-cluster of a `modscope/lesion` result: mean accuracy drop on each task's classes, and which task it
 * hurts. A class without a drop (null in a file, NaN in memory) makes its task's mean NaN.
 */
export function lesionsByTask(
  lesion: { subclusters: readonly { layer: string; cluster: number; size: number; drop: readonly (number | null)[] }[] },
  data: TwoTaskDataset,
): TaskLesion[] {
  return lesion.subclusters.map((s) => {
    const drops = [0, 1].map((task) => {
      const classes = [...data.taskOfClass.keys()].filter((c) => data.taskOfClass[c] === task);
      return classes.reduce((sum, c) => sum + (s.drop[c] ?? Number.NaN), 0) / classes.length;
    });
    const hurts = drops.flatMap((d, t) => (d >= 0.1 ? [TASKS[t]!] : []));
    return {
      layer: s.layer,
      cluster: s.cluster,
      size: s.size,
      drop: { A: drops[0]!, B: drops[1]! },
      hurts: hurts.length ? hurts.join('+') : 'neither',
    };
  });
}
