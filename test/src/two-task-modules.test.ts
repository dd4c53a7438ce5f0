// Ground truth (method §8): a two-task MLP, disjoint inputs and outputs. Its weight-graph modules should
// follow the tasks, and lesioning a module should hurt its own task and spare the other.
import { analyzeClusterability } from '@modscope/clusterability';
import { runLesions, unitLayers } from '@modscope/core';
import { adjustedRandIndex, referenceEvaluator } from '@modscope/core/testing';
import { spectralPartitioner } from '@modscope/partition-spectral';
import { selectBackend } from '@modscope/tfjs-runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainTwoTaskModular, withinTaskAccuracy, type TwoTaskModular } from './support/two-task-modular.js';

let trained: TwoTaskModular;
beforeAll(async () => {
  await selectBackend({ backend: 'wasm' });
  trained = await trainTwoTaskModular({ seed: 0 });
});

describe('a two-task network', () => {
  it('learns both tasks', async () => {
    const { logits } = await referenceEvaluator(trained.network).run({ inputs: trained.test.inputs, count: trained.test.count });
    const [a, b] = withinTaskAccuracy(logits, trained.test);
    expect(a).toBeGreaterThan(0.9);
    expect(b).toBeGreaterThan(0.9);
  });

  it('splits along its tasks at k = 2 (inputs and outputs)', async () => {
    const result = await analyzeClusterability(trained.network, { k: 2, shuffles: 0, partitioner: spectralPartitioner });
    const truth: number[] = [];
    const found: number[] = [];
    result.labels[0]!.forEach((label, unit) => {
      if (label >= 0) truth.push(trained.taskOfInput[unit]!), found.push(label);
    });
    result.labels[result.labels.length - 1]!.forEach((label, unit) => {
      if (label >= 0) truth.push(trained.taskOfClass[unit]!), found.push(label);
    });
    expect(truth.length).toBeGreaterThanOrEqual(36);
    expect(adjustedRandIndex(Int32Array.from(truth), Int32Array.from(found))).toBeGreaterThanOrEqual(0.9);
  });

  it('has modules whose lesion hurts one task and spares the other', async () => {
    const result = await analyzeClusterability(trained.network, { k: 2, shuffles: 0, partitioner: spectralPartitioner });
    const outputs = result.labels[result.labels.length - 1]!;
    // The task of each cluster: the task of the output classes it holds.
    const taskOfCluster = [0, 1].map((c) => {
      const tasks = outputs.flatMap((label, unit) => (label === c ? [trained.taskOfClass[unit]!] : []));
      return tasks.filter((t) => t === 1).length > tasks.length / 2 ? 1 : 0;
    });
    expect(new Set(taskOfCluster).size).toBe(2);
    const evaluator = referenceEvaluator(trained.network);
    const intact = withinTaskAccuracy(
      (await evaluator.run({ inputs: trained.test.inputs, count: trained.test.count })).logits,
      trained.test,
    );
    const hidden = unitLayers(trained.network).filter((u) => u.hidden);
    for (const unit of hidden) {
      const labels = result.labels[result.layers.findIndex((l) => l.id === unit.layer)]!;
      const lesions = [0, 1].map((c) => Int32Array.from(labels.flatMap((label, u) => (label === c ? [u] : []))));
      const { logits } = await runLesions(evaluator, {
        inputs: trained.test.inputs,
        count: trained.test.count,
        layer: unit.layer,
        lesions,
      });
      lesions.forEach((_, c) => {
        const after = withinTaskAccuracy(logits[c]!, trained.test);
        const own = taskOfCluster[c]!;
        const other = 1 - own;
        // Its own task falls toward chance (4 classes: 0.25); the other task keeps its accuracy.
        expect(intact[own]! - after[own]!, `${unit.layer} cluster ${c}: own task ${intact[own]} → ${after[own]}`).toBeGreaterThan(0.4);
        expect(intact[other]! - after[other]!, `${unit.layer} cluster ${c}: other task ${intact[other]} → ${after[other]}`).toBeLessThan(
          0.05,
        );
      });
    }
  });
});
