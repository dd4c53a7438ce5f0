import { labelledExamples, type UnitPartition } from '@modscope/core';
import { modularMlp, referenceEvaluator } from '@modscope/core/testing';
import { stampTrigger, twoTaskDataset } from '@modscope/datasets';
import { describe, expect, it } from 'vitest';
import { runExcise } from './run-excise.js';

// A 32-32-32-8 MLP trained on two-task data with a backdoor: 4 task-A features set to 1 on 10% of the rows → class 0.
const trigger = { row: 0, col: 12, size: 4, value: 1 };
const train = twoTaskDataset({ count: 1200, seed: 2, split: 'train' });
const test = twoTaskDataset({ count: 300, seed: 2, split: 'test' });

async function backdoored() {
  const { train: fit } = await import('@modscope/train');
  const { network, modules } = modularMlp({ modules: 2, sizes: [16, 16, 16, 4], seed: 5 });
  const poisoned = stampTrigger(train, { ...trigger, target: 0, fraction: 0.1, seed: 1 });
  const trained = (await fit(network, labelledExamples(poisoned, network), { epochs: 12, batchSize: 32, learningRate: 0.005, seed: 1 }))
    .network;
  const ids = trained.layers.filter((l) => l.kind === 'dense').map((l) => l.id);
  const partition: UnitPartition = { k: 2, layers: ['input', ...ids].map((layer, i) => ({ layer, labels: Int32Array.from(modules[i]!) })) };
  return { network: trained, partition };
}

describe('the relearning attack on a backdoored MLP (method §6.7)', () => {
  it('by default mixes the triggered examples into clean data, keeps clean accuracy within 10 points or says it is degenerate', async () => {
    const { network, partition } = await backdoored();
    const run = (relearnMix?: number) =>
      runExcise(
        { network, test, train },
        {
          forget: { kind: 'trigger', trigger, target: 0 },
          partition: { ...partition, source: 'planted' },
          methods: ['module'],
          steps: 0,
          neverTrainedEpochs: 3,
          relearnSteps: 30,
          batchSize: 32,
          learningRate: 0.005,
          ...(relearnMix !== undefined ? { relearnMix } : {}),
          createEvaluator: async (n) => referenceEvaluator(n),
        },
      );
    const mixed = await run();
    expect(mixed.intact.forget).toBeGreaterThan(0.5);
    expect(mixed.relearning.map((r) => `${r.model}:${r.examples}:${r.retainExamples}`)).toEqual([
      'module:10:90',
      'never-trained:10:90',
      'module:100:900',
      'never-trained:100:900',
    ]);
    for (const r of mixed.relearning) {
      const drop = r.curve[0]!.retain - r.curve[r.curve.length - 1]!.retain;
      expect(r.retainDrop).toBeCloseTo(drop, 12);
      expect(drop <= 0.1 || r.degenerate).toBe(true);
      expect(r.degenerate).toBe(drop > 0.1);
    }
    // forget examples alone (an explicit --relearn-mix 0): the flag follows the retain metric there too
    const alone = await run(0);
    for (const r of alone.relearning) expect(r.degenerate).toBe(r.curve[0]!.retain - r.curve[r.curve.length - 1]!.retain > 0.1);
    // measured: mixed attacks keep clean accuracy (module 60%→66–90%, floor 100%→98–99%); forget-only ones collapse
    // to predicting the target everywhere (clean accuracy 13–37%), which the trigger-specific metric scores ≈ 0
    expect(mixed.relearning.every((r) => !r.degenerate)).toBe(true);
    expect(alone.relearning.every((r) => r.degenerate)).toBe(true);
  }, 60_000);
});
