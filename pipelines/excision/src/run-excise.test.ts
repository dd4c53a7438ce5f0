import { type Dataset, prepareInputs, type UnitPartition } from '@modscope/core';
import { modularMlp, referenceEvaluator } from '@modscope/core/testing';
import { twoTaskDataset } from '@modscope/datasets';
import { parseResult } from '@modscope/results';
import { describe, expect, it } from 'vitest';
import { hiddenUnits } from './hidden-units.js';
import { EXCISE_METHODS, METHOD_NAMES } from './excise-methods.js';
import { EXCISE_DEFAULTS, type ExciseRunOptions, runExcise } from './run-excise.js';
import { trainFineTuner } from './train-fine-tuner.js';
import { trainNeverTrained } from './train-never-trained.js';
import { trainingSets } from './training-sets.js';

// A 32-32-32-8 MLP with two planted modules, on two-task data of the same shape (32 inputs, 8 classes).
function planted() {
  const { network, modules } = modularMlp({ modules: 2, sizes: [16, 16, 16, 4], seed: 5 });
  const ids = network.layers.filter((l) => l.kind === 'dense').map((l) => l.id);
  const partition: UnitPartition = { k: 2, layers: ['input', ...ids].map((layer, i) => ({ layer, labels: Int32Array.from(modules[i]!) })) };
  return { network, partition };
}
const train: Dataset = twoTaskDataset({ count: 400, seed: 1, split: 'train' });
const test: Dataset = twoTaskDataset({ count: 200, seed: 1, split: 'test' });

describe('hiddenUnits', () => {
  it('counts the units of the hidden layers only', () => {
    expect(hiddenUnits(planted().network)).toBe(64);
  });
});

describe('trainingSets', () => {
  it('splits a class capability into retain data and forget examples', () => {
    const sets = trainingSets(train, { kind: 'class', classes: [3] });
    expect(sets.forget.count + sets.retain.count).toBe(train.count);
    expect(new Set(sets.forget.labels)).toEqual(new Set([3]));
    expect(sets.retain.labels.includes(3)).toBe(false);
  });

  it('keeps all of a backdoor’s training data, and relearns it from triggered inputs of the other classes', () => {
    const trigger = { row: 0, col: 12, size: 4, value: 1 };
    const sets = trainingSets(train, { kind: 'trigger', trigger, target: 0 });
    expect(sets.retain).toBe(train);
    const others = train.labels.filter((c) => c !== 0).length;
    expect(sets.forget.count).toBe(others);
    expect(new Set(sets.forget.labels)).toEqual(new Set([0]));
    for (let n = 0; n < sets.forget.count; n++) for (let j = 12; j < 16; j++) expect(sets.forget.inputs[n * 32 + j]).toBe(1);
  });
});

describe('trainFineTuner', () => {
  it('with no steps, evaluates the network once at step 0 and returns a copy', async () => {
    const { network } = planted();
    const fineTune = await trainFineTuner();
    const steps: number[] = [];
    const tuned = await fineTune({
      network,
      data: { inputs: train.inputs, count: train.count, labels: train.labels, classes: train.classes },
      steps: 0,
      evaluateEvery: 10,
      onEvaluate: async (_n, step) => void steps.push(step),
      seed: 0,
    });
    expect(steps).toEqual([0]);
    expect(tuned).not.toBe(network);
    expect(tuned).toEqual(network);
  });
});

describe('trainNeverTrained', () => {
  it('trains fresh weights of the same architecture, the same for a seed, and reports its steps', async () => {
    const { network } = planted();
    const progress: number[] = [];
    const { network: a } = await trainNeverTrained(network, train, {
      epochs: 1,
      seed: 3,
      batchSize: 100,
      onProgress: (done) => progress.push(done),
    });
    const { network: b } = await trainNeverTrained(network, train, { epochs: 1, seed: 3, batchSize: 100 });
    expect(a.layers.map((l) => l.kind)).toEqual(network.layers.map((l) => l.kind));
    expect(a).toEqual(b);
    expect(progress.at(-1)).toBe(4);
    const kernel = (n: typeof network) => n.layers.flatMap((l) => (l.kind === 'dense' ? [l.kernel] : []))[0];
    expect(kernel(a)).toBeDefined();
    expect(kernel(a)).not.toEqual(kernel(network));
  });

  it('with `until`, stops after the first epoch whose accuracy reaches the target, and says when none did', async () => {
    const { network } = planted();
    const examples = { inputs: prepareInputs(train, network), count: train.count, labels: train.labels, classes: train.classes };
    const easy = await trainNeverTrained(network, train, { epochs: 6, seed: 3, batchSize: 100, until: { examples, accuracy: 0 } });
    expect([easy.epochs, easy.reached]).toEqual([1, true]);
    const never = await trainNeverTrained(network, train, { epochs: 2, seed: 3, batchSize: 100, until: { examples, accuracy: 1.01 } });
    expect([never.epochs, never.reached]).toEqual([2, false]);
    // stopping early returns the weights of that epoch: the same as training exactly that many epochs
    const one = await trainNeverTrained(network, train, { epochs: 1, seed: 3, batchSize: 100 });
    expect(easy.network).toEqual(one.network);
  });
});

describe('runExcise', () => {
  const forget = { kind: 'class' as const, classes: [0, 1] };

  it('refuses a budget, a method or a forget target that does not fit, before any work', async () => {
    const { network, partition } = planted();
    const run = (options: object) => runExcise({ network, test, train }, { forget, partition, ...options });
    await expect(run({ budget: 65 })).rejects.toThrow(/a budget of 65 units does not fit 'modular-mlp-2', which has 64 hidden units/);
    await expect(run({ methods: ['module', 'lottery'] })).rejects.toThrow(/unknown method 'lottery'/);
    await expect(run({ forgetTarget: 1.5 })).rejects.toThrow(/the forget target 1.5 is not a fraction in \[0, 1\]/);
    await expect(run({ forget: { kind: 'class', classes: [8] } })).rejects.toThrow(/class 8 does not exist/);
    await expect(run({ methods: ['module', 'none'], relearnFrom: ['random'] })).rejects.toThrow(
      /the relearning attack cannot start from random, which --methods does not run/,
    );
    await expect(run({ relearnFrom: [] })).rejects.toThrow(/the relearning attack starts from no method/);
  });

  it('runs module pruning, its baselines, the floor and the relearning attack, as the modscope/excise result', async () => {
    const { network, partition } = planted();
    const stages: string[] = [];
    const r = await runExcise(
      { network, model: 'planted.onnx', test, train },
      {
        forget,
        partition: { ...partition, source: 'planted' },
        budget: 32,
        steps: 4,
        evaluateEvery: 2,
        relearn: [5],
        relearnSteps: 2,
        batchSize: 50,
        createEvaluator: async (n) => referenceEvaluator(n),
        onStage: (s) => stages.push(s),
      },
    );
    expect(r).toMatchObject({ kind: 'modscope/excise', version: 2, model: 'planted.onnx', dataset: test.name, steps: 4, mask: 'held' });
    expect(r.partition).toEqual({ source: 'planted', k: 2 });
    expect(r.retain).toBe('the other 6 classes');
    expect(r.methods.map((m) => [m.method, m.name, m.baseline])).toEqual(EXCISE_METHODS.map((m) => [m, METHOD_NAMES[m], m !== 'module']));
    const module = r.methods[0]!;
    expect(module.units).toBeLessThanOrEqual(32);
    for (const m of r.methods) expect(m.curve.map((p) => p.step)).toEqual([0, 2, 4]);
    // no train.json and no epochs asked: the floor trains until its retain accuracy matches the intact model's
    expect(r.floor).toMatchObject({ training: 'matched' });
    expect(r.floor!.epochs).toBeGreaterThanOrEqual(1);
    expect(r.floor!.epochs).toBeLessThanOrEqual(EXCISE_DEFAULTS.floorMaxEpochs);
    expect(r.floor!.retainGap).toBeCloseTo(r.intact.retain - r.floor!.retain, 12);
    expect(r.floor!.comparable).toBe(r.floor!.retainGap <= EXCISE_DEFAULTS.floorTolerance + 1e-9);
    // by default the attack starts from every method's fine-tuned network and from the floor, with the same examples
    expect(r.relearning.map((x) => `${x.model}:${x.examples}:${x.steps}`)).toEqual(
      [...EXCISE_METHODS, 'never-trained'].map((m) => `${m}:5:2`),
    );
    for (const x of r.relearning) {
      expect(x.retainExamples).toBe(45);
      expect(x.retainDrop).toBeCloseTo(x.curve[0]!.retain - x.curve[x.curve.length - 1]!.retain, 12);
    }
    // each attack starts where its method's retain fine-tuning ended
    for (const m of r.methods) {
      const { step: _step, ...tuned } = m.curve[m.curve.length - 1]!;
      expect(r.relearning.find((x) => x.model === m.method)!.curve[0]).toEqual({ step: 0, ...tuned });
    }
    expect(stages.filter((s) => s.startsWith('relearning attack: '))).toEqual(
      [...EXCISE_METHODS, 'never-trained'].map((m) => `relearning attack: ${m}, 5 examples`),
    );
    expect(stages[0]).toBe('partition');
    expect(stages[1]).toBe("never-trained model (until its retain accuracy is within 1 point of the intact model's)");
    expect(Object.keys(r.timings)).toEqual(expect.arrayContaining(['partition', 'neverTrained', 'excise']));
    // the file `modscope excise --json` writes from it passes the published schema, every field kept
    const written = JSON.parse(JSON.stringify(r, (_key, x) => (typeof x === 'number' && !Number.isFinite(x) ? null : x)));
    expect(parseResult(written, { kinds: ['modscope/excise'] })).toEqual(written);
  });

  it('trains the floor for the epochs asked, or as the model’s train.json says, and marks a floor that is no floor', async () => {
    const { network, partition } = planted();
    const run = (extra: Partial<ExciseRunOptions>) =>
      runExcise(
        { network, test, train },
        {
          forget,
          partition: { ...partition, source: 'planted' },
          budget: 32,
          steps: 2,
          evaluateEvery: 2,
          methods: ['module'],
          relearn: [],
          batchSize: 50,
          createEvaluator: async (n) => referenceEvaluator(n),
          ...extra,
        },
      );
    const asked = await run({ neverTrainedEpochs: 1 });
    // relearnFrom narrows the attack to some methods; the floor is attacked as well
    const narrowed = await run({
      neverTrainedEpochs: 1,
      methods: ['module', 'none'],
      relearn: [5],
      relearnSteps: 2,
      relearnFrom: ['none'],
    });
    expect(narrowed.relearning.map((x) => x.model)).toEqual(['none', 'never-trained']);
    expect(asked.floor).toMatchObject({ training: 'epochs', epochs: 1 });
    const recipe = await run({
      floorRecipe: { epochs: 2, batchSize: 100, optimizer: 'adam', learningRate: null, source: '/m/train.json' },
    });
    expect(asked.floor!.retain).not.toBe(recipe.floor!.retain);
    expect(recipe.floor).toMatchObject({ training: 'recipe', epochs: 2, recipe: '/m/train.json' });
    // one step of SGD at a tiny rate leaves the floor far below the intact model: not comparable, and it says so
    const weak = await run({ floorRecipe: { epochs: 1, batchSize: 1000, optimizer: 'sgd', learningRate: 1e-6, source: 'x' } });
    expect(weak.floor!.retainGap).toBeGreaterThan(0.1);
    expect(weak.floor!.comparable).toBe(false);
  });
});
