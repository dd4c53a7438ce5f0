import type { Dataset } from '@modscope/core';
import { stampTrigger, type TwoTaskDataset, twoTaskDataset } from '@modscope/datasets';
import { DEMO_RECIPE } from './demo-recipe.js';
import { pairedRows } from './paired-rows.js';

export interface DemoData {
  /** The clean training rows: the trusted data the excision fine-tunes on. */
  clean: Dataset;
  /** The rows the model is trained on: the clean rows with 5% of them triggered and relabelled. */
  poisoned: Dataset & { triggered: Int32Array };
  /** Unpaired test examples, with the ground truth: the task of every input feature and class. */
  test: TwoTaskDataset;
}

/** The demo's built-in data: synthetic two-task data (known modular ground truth) with a backdoor in the training rows. */
export function demoData(seed: number): DemoData {
  const clean = pairedRows(twoTaskDataset({ count: DEMO_RECIPE.train, seed, split: 'train' }));
  const poisoned = stampTrigger(clean, {
    ...DEMO_RECIPE.trigger,
    target: DEMO_RECIPE.target,
    fraction: DEMO_RECIPE.poisoned,
    seed: seed + 1,
  });
  return { clean, poisoned, test: twoTaskDataset({ count: DEMO_RECIPE.test, seed, split: 'test' }) };
}
