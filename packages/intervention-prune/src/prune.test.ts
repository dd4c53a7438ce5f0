import { argmax, prepareInputs, type UnitPartition } from '@modscope/core';
import { modularMlp, referenceEvaluator, referenceForward, tinyCnn, tinyMlp } from '@modscope/core/testing';
import { describe, expect, it } from 'vitest';
import { capabilityFor, parseForgetSpec, parseTrigger } from './capability.js';
import { liveUnits, pruneUnits, RELEASED_INIT_SCALE, releasePruned, weightDistance } from './prune-units.js';
import { excise } from './excise.js';
import type { FineTuner } from './fine-tuner.js';
import { RELEARN_RETAIN_PER_EXAMPLE, relearningAttack } from './relearn.js';
import { recoveryStats, retainCollapse } from './recovery.js';
import {
  chooseModules,
  countsPerLayer,
  lowestMagnitudeUnits,
  randomUnits,
  scoreModules,
  selectivePruningScores,
  topUnits,
} from './score-units.js';

const inputsFor = (n: number, per: number) => Float32Array.from({ length: n * per }, (_, i) => Math.abs(Math.sin(i * 0.61)));

describe('forget specs', () => {
  it('parses classes and triggers', () => {
    expect(parseForgetSpec('class:3')).toEqual({ kind: 'class', classes: [3] });
    expect(parseForgetSpec('class:5,3,5')).toEqual({ kind: 'class', classes: [3, 5] });
    expect(parseForgetSpec('trigger', { trigger: 'row=23,col=22,size=4', target: 0 })).toEqual({
      kind: 'trigger',
      trigger: { row: 23, col: 22, size: 4, value: 1 },
      target: 0,
    });
    expect(parseTrigger('row=1,col=2,size=3,value=0.5')).toEqual({ row: 1, col: 2, size: 3, value: 0.5 });
  });
  it('says what is wrong with a bad spec', () => {
    expect(() => parseForgetSpec('class:x')).toThrow(/does not name classes/);
    expect(() => parseForgetSpec('digits')).toThrow(/unknown forget set 'digits'/);
    expect(() => parseForgetSpec('trigger', { target: 0 })).toThrow(/needs the trigger's position/);
    expect(() => parseForgetSpec('trigger', { trigger: 'row=1,col=1,size=2' })).toThrow(/needs the class/);
    expect(() => parseTrigger('row=1,size=2')).toThrow(/no col/);
    // with the input shape, what is left out defaults to a 4×4 patch of 1 in the bottom-right corner
    expect(parseTrigger(undefined, [28, 28, 1])).toEqual({ row: 24, col: 24, size: 4, value: 1 });
    expect(parseTrigger('size=2,value=0.5', [28, 28])).toEqual({ row: 26, col: 26, size: 2, value: 0.5 });
    expect(parseTrigger(undefined, [32])).toEqual({ row: 0, col: 28, size: 4, value: 1 });
    expect(parseForgetSpec('trigger', { target: 0, inputShape: [28, 28, 1] })).toEqual({
      kind: 'trigger',
      trigger: { row: 24, col: 24, size: 4, value: 1 },
      target: 0,
    });
    expect(() => parseTrigger('size=two', [28, 28])).toThrow(/cannot read 'size=two'/);
    expect(() => parseTrigger('colour=1', [28, 28])).toThrow(/unknown trigger field 'colour'/);
    expect(() => parseTrigger('row=1,col=1,size=2,colour=3')).toThrow(/unknown trigger field 'colour'/);
  });
});

describe('capabilityFor', () => {
  const dataset = {
    name: 'toy',
    count: 6,
    inputShape: [2, 2],
    inputs: inputsFor(6, 4),
    labels: Int32Array.of(0, 1, 2, 0, 1, 2),
    classes: 3,
    classNames: ['a', 'b', 'c'],
  };
  it('splits a class capability into forget and retain sets', () => {
    const c = capabilityFor(dataset, { kind: 'class', classes: [1] });
    expect([...c.forget.labels]).toEqual([1, 1]);
    expect([...c.retain.labels]).toEqual([0, 2, 0, 2]);
    // Logits that always say class 1: perfect on the forget set, zero on the retain set.
    const always1 = (n: number) => Float32Array.from({ length: n * 3 }, (_, i) => (i % 3 === 1 ? 1 : 0));
    expect(c.forgetMetric(always1(2), 3)).toBe(1);
    expect(c.retainMetric(always1(4), 3)).toBe(0);
    expect(c.description).toBe('class 1 (b)');
  });
  it('measures a trigger by its attack success on stamped inputs of other classes', () => {
    const c = capabilityFor(dataset, { kind: 'trigger', trigger: { row: 1, col: 1, size: 1, value: 9 }, target: 2 });
    expect(c.forget.count).toBe(4);
    for (let i = 0; i < 4; i++) expect(c.forget.inputs[i * 4 + 3]).toBe(9);
    expect(c.retain.count).toBe(6);
    expect(c.control?.count).toBe(4);
    for (let i = 0; i < 4; i++) expect(c.control?.inputs[i * 4 + 3]).not.toBe(9);
    expect(c.forgetMetricName).toBe('trigger-specific attack success rate');
    // logits of the 4 triggered inputs, then of the same 4 without the trigger
    const says = (...classes: number[]) => Float32Array.from(classes.flatMap((k) => [0, 1, 2].map((j) => (j === k ? 1 : 0))));
    // only the trigger sends inputs to class 2: full attack success
    expect(c.forgetMetric(says(2, 2, 2, 2, 0, 1, 0, 1), 3)).toBe(1);
    expect(c.attackRates?.(says(2, 2, 2, 2, 0, 1, 0, 1), 3)).toEqual({ triggered: 1, clean: 0 });
    // a model that predicts the target everywhere scores 0, not 100% (method §6.8)
    const always2 = says(2, 2, 2, 2, 2, 2, 2, 2);
    expect(c.forgetMetric(always2, 3)).toBe(0);
    expect(c.attackRates?.(always2, 3)).toEqual({ triggered: 1, clean: 1 });
    expect(c.forgetMetric(says(2, 2, 0, 0, 2, 0, 0, 0), 3)).toBe(0.25);
  });
  it('gives a network that predicts the target everywhere about 0 trigger-specific attack success', async () => {
    // a 6-8-7-3 MLP whose output bias for class 2 outweighs everything: every input, triggered or not, is class 2
    const network = tinyMlp();
    const out = network.layers.find((l) => l.id === network.output)!;
    if (out.kind !== 'dense' || !out.bias) throw new Error('unreachable');
    out.bias[2] = 1e4;
    const data = { ...dataset, inputShape: [6], inputs: inputsFor(6, 6) };
    const c = capabilityFor(data, { kind: 'trigger', trigger: { row: 0, col: 2, size: 4, value: 1 }, target: 2 });
    const hidden = network.layers.filter((l) => l.kind === 'dense' && l.id !== network.output);
    const partition = { k: 1, layers: hidden.map((l) => ({ layer: l.id, labels: new Int32Array(l.units) })) };
    const { intact } = await scoreModules(referenceEvaluator(network), c, partition);
    expect(intact.forget).toBe(0);
    expect(intact.retain).toBeCloseTo(2 / 6, 6);
    // the raw rate would have called this a perfect backdoor
    const evaluator = referenceEvaluator(network);
    const { logits, outputs } = await evaluator.run({ inputs: prepareInputs(c.forget, network), count: c.forget.count });
    expect(c.forget.count).toBe(4);
    for (let i = 0; i < c.forget.count; i++) expect(argmax(logits, i * outputs, outputs)).toBe(2);
  });
  it('refuses a class that does not exist and a trigger that does not fit', () => {
    expect(() => capabilityFor(dataset, { kind: 'class', classes: [3] })).toThrow(
      /class 3 does not exist in 'toy', which has classes 0..2/,
    );
    expect(() => capabilityFor(dataset, { kind: 'trigger', trigger: { row: 1, col: 1, size: 2, value: 1 }, target: 0 })).toThrow(
      /trigger at row 1, col 1 .*within a 2×2 image/,
    );
    expect(() => capabilityFor(dataset, { kind: 'trigger', trigger: { row: 0, col: 0, size: 1, value: 1 }, target: 7 })).toThrow(
      /target class 7 does not exist/,
    );
  });
});

describe('pruneUnits', () => {
  it('silences the units and cuts what reads them, in an MLP', () => {
    const network = tinyMlp({ sizes: [4, 6, 5, 3] });
    const { network: pruned, masks, units } = pruneUnits(network, [{ layer: 'dense1', units: Int32Array.of(1, 4) }]);
    expect(units).toBe(2);
    const inputs = inputsFor(5, 4);
    const act = referenceForward(pruned, { inputs, count: 5, capture: ['act1'] }).activations.get('act1')!.data;
    for (let e = 0; e < 5; e++) for (const u of [1, 4]) expect(act[e * 6 + u]).toBe(0);
    const next = pruned.layers.find((l) => l.id === 'dense2')!;
    if (next.kind !== 'dense') throw new Error('dense expected');
    for (const u of [1, 4]) for (let c = 0; c < 5; c++) expect(next.kernel[u * 5 + c]).toBe(0);
    expect(masks.map((m) => m.layer).sort()).toEqual(['dense1', 'dense2']);
    expect(masks.find((m) => m.layer === 'dense1')!.bias![1]).toBe(0);
    expect(weightDistance(network, pruned)).toBeGreaterThan(0);
    expect(weightDistance(network, network)).toBe(0);
  });

  it('zeroes batch-norm scale and shift, and the dense rows that read a flattened channel, in either layout', () => {
    for (const layout of ['nchw', 'nhwc'] as const) {
      const network = tinyCnn({ layout });
      const inputs = inputsFor(3, 64);
      const pruned = pruneUnits(network, [
        { layer: 'conv1', units: Int32Array.of(2) },
        { layer: 'conv2', units: Int32Array.of(0, 5) },
      ]).network;
      const r = referenceForward(pruned, { inputs, count: 3, capture: ['relu1', 'relu2'] });
      const relu1 = r.activations.get('relu1')!.data;
      const at = (e: number, c: number, s: number) => (layout === 'nchw' ? e * 256 + c * 64 + s : e * 256 + s * 4 + c);
      for (let s = 0; s < 64; s++) expect(relu1[at(0, 2, s)]).toBe(0);
      const fc = pruned.layers.find((l) => l.id === 'fc')!;
      if (fc.kind !== 'dense') throw new Error('dense expected');
      // 6 channels × 2×2: the rows of channels 0 and 5 are zero, the others not.
      const rowOf = (c: number, s: number) => (layout === 'nchw' ? c * 4 + s : s * 6 + c);
      for (const c of [0, 5]) for (let s = 0; s < 4; s++) for (let o = 0; o < 3; o++) expect(fc.kernel[rowOf(c, s) * 3 + o]).toBe(0);
      expect([...fc.kernel.subarray(rowOf(1, 0) * 3, rowOf(1, 0) * 3 + 3)].some((v) => v !== 0)).toBe(true);
    }
  });
});

/**
 * A planted two-module MLP without biases and data that drives one module at a time, labelled by the
 * network's own predictions; only examples the driven module wins are kept, so each class belongs to the
 * module that computes it.
 */
function plantedTask() {
  const planted = modularMlp({ modules: 2, sizes: [8, 16, 16, 4], seed: 5 });
  for (const layer of planted.network.layers) if (layer.kind === 'dense') layer.bias?.fill(0);
  const { network, modules } = planted;
  const ids = network.layers.filter((l) => l.kind === 'dense').map((l) => l.id);
  const partition: UnitPartition = { k: 2, layers: ['input', ...ids].map((layer, i) => ({ layer, labels: Int32Array.from(modules[i]!) })) };
  const count = 300;
  const inputs = inputsFor(count, 16);
  for (let e = 0; e < count; e++) for (let i = 0; i < 16; i++) inputs[e * 16 + i]! *= Math.floor(i / 8) === e % 2 ? 10 : 0;
  const { logits } = referenceForward(network, { inputs, count });
  const predicted = Int32Array.from({ length: count }, (_, e) => argmax(logits, e * 8, 8));
  const keep = [...predicted.keys()].filter((e) => Math.floor(predicted[e]! / 4) === e % 2);
  const kept = new Float32Array(keep.length * 16);
  keep.forEach((e, i) => {
    kept.set(inputs.subarray(e * 16, (e + 1) * 16), i * 16);
  });
  const labels = Int32Array.from(keep, (e) => predicted[e]!);
  const dataset = { name: 'planted', count: keep.length, inputShape: [16], inputs: kept, labels, classes: 8 };
  return { network, modules, partition, dataset, labels };
}

describe('scoring and choosing modules', () => {
  const { network, modules, partition, dataset, labels } = plantedTask();
  const forgetModule = 0;
  const forgetClasses = [0, 1, 2, 3].filter((c) => labels.includes(c));

  it('scores the module that carries the forgotten classes highest, and chooses it', async () => {
    const capability = capabilityFor(dataset, { kind: 'class', classes: forgetClasses });
    const evaluator = referenceEvaluator(network);
    const { intact, modules: scored } = await scoreModules(evaluator, capability, partition);
    expect(intact.forget).toBe(1);
    expect(scored[0]!.cluster).toBe(forgetModule);
    // Silencing the module leaves all logits at 0 (no biases), so class 0 still wins its ties: 1 − share of class 0.
    expect(scored[0]!.forgetDrop).toBeGreaterThan(0.5);
    expect(scored[0]!.retainDrop).toBe(0);
    const choice = await chooseModules(evaluator, capability, scored, { forgetTarget: 0.4 });
    expect(choice.chosen).toHaveLength(1);
    expect(choice.forget).toBeLessThanOrEqual(0.4);
    expect(choice.retain).toBe(1);
    await expect(chooseModules(evaluator, capability, scored, { budget: 1000 })).rejects.toThrow(
      /budget of 1000 units does not fit: the network has 64 hidden units/,
    );
  });

  it('builds same-count baselines: random, lowest-magnitude and top selective-pruning units', async () => {
    const capability = capabilityFor(dataset, { kind: 'class', classes: forgetClasses });
    const evaluator = referenceEvaluator(network);
    const counts = countsPerLayer([
      { layer: 'dense1', units: Int32Array.of(0, 1, 2) },
      { layer: 'dense2', units: Int32Array.of(4) },
    ]);
    expect([...counts]).toEqual([
      ['dense1', 3],
      ['dense2', 1],
    ]);
    const random = randomUnits(network, counts, 1);
    expect(random.map((s) => s.units.length)).toEqual([3, 1]);
    expect(randomUnits(network, counts, 1)).toEqual(random);
    const low = lowestMagnitudeUnits(network, counts);
    expect(low.map((s) => s.units.length)).toEqual([3, 1]);
    const scores = await selectivePruningScores(evaluator, capability);
    expect(scores.map((s) => s.layer)).toEqual(['dense1', 'dense2']);
    // Units of the forgotten classes' module are active on the forget set only: the highest scores.
    const top = topUnits(scores, counts);
    for (const u of top[0]!.units) expect(modules[1]![u]).toBe(forgetModule);
  });
});

describe('the lowest-magnitude baseline (method §6.5)', () => {
  it('never picks a unit with all-zero incoming or outgoing weights', () => {
    const network = tinyMlp({ sizes: [6, 8, 7, 3] });
    const dense = network.layers.filter((l) => l.kind === 'dense');
    const [first, second] = dense;
    if (first?.kind !== 'dense' || second?.kind !== 'dense') throw new Error('unreachable');
    // units 0 and 1 of the first hidden layer: disconnected by earlier pruning (all-zero incoming weights,
    // and all-zero outgoing weights); unit 2: tiny incoming weights, but its outgoing weights cut
    const units = first.units;
    for (let i = 0; i < first.kernel.length; i++) {
      const u = i % units;
      if (u === 0) first.kernel[i] = 0;
      if (u === 2) first.kernel[i]! *= 1e-6;
    }
    if (first.bias) first.bias[0] = first.bias[2] = 0;
    const fanOut = second.units;
    second.kernel.fill(0, 1 * fanOut, 2 * fanOut);
    second.kernel.fill(0, 2 * fanOut, 3 * fanOut);
    expect(Array.from(liveUnits(network, first.id).subarray(0, 4))).toEqual([0, 0, 0, 1]);
    const picked = lowestMagnitudeUnits(network, new Map([[first.id, 3]]))[0]!.units;
    expect(picked).toHaveLength(3);
    for (const u of picked) expect([0, 1, 2]).not.toContain(u);
    // fewer live units than asked for: only the live ones
    expect(lowestMagnitudeUnits(network, new Map([[first.id, units]]))[0]!.units).toHaveLength(units - 3);
    // the same after pruneUnits: the pruned units are never picked again
    const pruned = pruneUnits(network, [{ layer: first.id, units: Int32Array.of(3, 4) }]).network;
    for (const u of lowestMagnitudeUnits(pruned, new Map([[first.id, 3]]))[0]!.units) expect([0, 1, 2, 3, 4]).not.toContain(u);
  });
});

describe('mask released (method §6.6)', () => {
  it('re-initializes the pruned weights at 0.1 of the initializer, so released differs from held', async () => {
    const { network, partition, dataset } = plantedTask();
    const capability = capabilityFor(dataset, { kind: 'class', classes: [0, 1, 2, 3] });
    const starts = new Map<string, { network: typeof network; masks: boolean }>();
    const run = (mask: 'held' | 'released') =>
      excise(network, capability, {
        partition,
        retainTraining: capability.retain,
        fineTune: async (request) => {
          starts.set(mask, { network: request.network, masks: request.masks !== undefined });
          await request.onEvaluate(request.network, 0);
          return request.network;
        },
        createEvaluator: async (n) => referenceEvaluator(n),
        forgetTarget: 0.4,
        steps: 1,
        evaluateEvery: 1,
        methods: ['module'],
        mask,
      });
    const held = await run('held');
    await run('released');
    const selection = held.methods[0]!.selection.map((x) => ({ layer: x.layer, units: Int32Array.from(x.units) }));
    const pruned = pruneUnits(network, selection);
    expect(starts.get('held')).toEqual({ network: pruned.network, masks: true });
    const released = starts.get('released')!;
    expect(released.masks).toBe(false);
    expect(released.network).not.toEqual(pruned.network);
    // every pruned kernel weight is regrown, small: within 0.1 of the Glorot limit; the others are untouched
    for (const mask of pruned.masks) {
      const before = pruned.network.layers.find((l) => l.id === mask.layer)!;
      const after = released.network.layers.find((l) => l.id === mask.layer)!;
      if (before.kind !== 'dense' || after.kind !== 'dense') throw new Error('unreachable');
      const limit = 0.1 * Math.sqrt(6 / (before.kernelShape[0] + before.kernelShape[1]));
      for (let i = 0; i < mask.kernel.length; i++) {
        if (mask.kernel[i]) expect(after.kernel[i]).toBe(before.kernel[i]);
        else {
          expect(after.kernel[i]).not.toBe(0);
          expect(Math.abs(after.kernel[i]!)).toBeLessThanOrEqual(limit);
        }
      }
    }
    expect(releasePruned(pruned, 0)).toEqual(released.network);
    expect(RELEASED_INIT_SCALE).toBe(0.1);
  });
});

describe('excise', () => {
  it('prunes the chosen modules and each baseline at the same unit count, and records their curves', async () => {
    const { network, partition, dataset } = plantedTask();
    const capability = capabilityFor(dataset, { kind: 'class', classes: [0, 1, 2, 3] });
    // A fine-tuner that leaves the weights as they are: the curves stay flat at the pruned values.
    const seen: number[] = [];
    const fineTune: FineTuner = async (request) => {
      seen.push(request.steps);
      for (let step = 0; step <= request.steps; step += request.evaluateEvery) await request.onEvaluate(request.network, step);
      return request.network;
    };
    const result = await excise(network, capability, {
      partition,
      retainTraining: capability.retain,
      fineTune,
      createEvaluator: async (n) => referenceEvaluator(n),
      forgetTarget: 0.4,
      steps: 20,
      evaluateEvery: 10,
    });
    expect(result.methods.map((m) => m.method)).toEqual(['module', 'random', 'magnitude', 'selective', 'none']);
    const moduleResult = result.methods[0]!;
    expect(moduleResult.units).toBe(16);
    for (const m of result.methods.slice(1, 4)) expect(m.units).toBe(16);
    expect(result.methods[4]!.units).toBe(0);
    expect(moduleResult.curve.map((p) => p.step)).toEqual([0, 10, 20]);
    expect(moduleResult.forget).toBeLessThan(result.intact.forget - 0.5);
    expect(moduleResult.retain).toBe(result.intact.retain);
    // Pruning the module takes away more of the capability than 16 random units do.
    expect(moduleResult.forget).toBeLessThan(result.methods[1]!.forget);
    expect(result.methods[4]!.forget).toBe(result.intact.forget);
    expect(seen).toEqual([20, 20, 20, 20, 20]);
    expect(moduleResult.weightDistance).toBeGreaterThan(0);
  });
});

describe('the relearning attack', () => {
  it('starts from each method’s network after its retain fine-tuning, and from the floor, with the same examples', async () => {
    const { network, partition, dataset } = plantedTask();
    const capability = capabilityFor(dataset, { kind: 'class', classes: [0, 1, 2, 3] });
    const tuned = new Map<object, string>();
    const started: { network: object; labels: number[] }[] = [];
    const floor = structuredClone(network);
    // Retain fine-tuning returns a marked copy; each attack must start from its method's copy, not from the pruned network.
    const fineTune: FineTuner = async (request) => {
      await request.onEvaluate(request.network, 0);
      if (request.data.count !== 5) {
        const copy = structuredClone(request.network);
        tuned.set(copy, `${tuned.size}`);
        return copy;
      }
      started.push({ network: request.network, labels: Array.from(request.data.labels) });
      return request.network;
    };
    const options = {
      partition,
      retainTraining: capability.retain,
      forgetTraining: capability.forget,
      fineTune,
      createEvaluator: async (n: typeof network) => referenceEvaluator(n),
      forgetTarget: 0.4,
      steps: 10,
      evaluateEvery: 10,
      methods: ['module', 'random', 'none'] as const,
      neverTrained: floor,
    };
    const result = await excise(network, capability, { ...options, relearn: { examples: [5], steps: 10, retainPerExample: 0 } });
    expect(result.relearning.map((r) => `${r.model}:${r.examples}:${r.retainExamples}`)).toEqual([
      'module:5:0',
      'random:5:0',
      'none:5:0',
      'never-trained:5:0',
    ]);
    // three fine-tuned copies in method order, then the floor itself; every attack fine-tunes on the same 5 examples
    expect(started.slice(0, 3).map((s) => tuned.get(s.network))).toEqual(['0', '1', '2']);
    expect(started[3]!.network).toBe(floor);
    for (const s of started) expect(s.labels).toEqual(started[0]!.labels);
    // `from` narrows the methods attacked (the floor is always attacked); a method not run is refused
    started.length = 0;
    const narrowed = await excise(network, capability, {
      ...options,
      relearn: { examples: [5], steps: 10, retainPerExample: 0, from: ['random'] },
    });
    expect(narrowed.relearning.map((r) => r.model)).toEqual(['random', 'never-trained']);
    await expect(excise(network, capability, { ...options, relearn: { examples: [5], from: ['selective'] } })).rejects.toThrow(
      /the relearning attack cannot start from selective: that method is not run/,
    );
  });

  it('relearningAttack: mixed forget and retain examples, the metrics on the held-out set from step 0, and degenerate when retain collapses', async () => {
    const { network, dataset } = plantedTask();
    const capability = capabilityFor(dataset, { kind: 'class', classes: [0, 1, 2, 3] });
    const seen: { count: number; labels: number[]; steps: number; every: number }[] = [];
    // a fine-tuner that "relearns" by wrecking the network: every weight zero after the first evaluation, so all logits tie
    const collapse: FineTuner = async (request) => {
      seen.push({ count: request.data.count, labels: Array.from(request.data.labels), steps: request.steps, every: request.evaluateEvery });
      await request.onEvaluate(request.network, 0);
      const zeroed = structuredClone(request.network);
      for (const layer of zeroed.layers) if (layer.kind === 'dense') layer.kernel.fill(0);
      await request.onEvaluate(zeroed, request.steps);
      return zeroed;
    };
    const options = {
      forgetTraining: capability.forget,
      retainTraining: capability.retain,
      fineTune: collapse,
      createEvaluator: async (n: typeof network) => referenceEvaluator(n),
      seed: 3,
    };
    const run = await relearningAttack(network, capability, { ...options, examples: 4, steps: 20 });
    expect(run).toMatchObject({ examples: 4, retainExamples: 36 });
    expect(seen[0]).toMatchObject({ count: 40, steps: 20, every: 2 });
    expect(seen[0]!.labels.slice(0, 4).every((l) => l < 4)).toBe(true);
    expect(seen[0]!.labels.slice(4).every((l) => l >= 4)).toBe(true);
    expect(run.curve.map((p) => p.step)).toEqual([0, 20]);
    // the first point is the network as given on the capability's forget and retain sets (labelled with its own predictions: 100%)
    expect(run.curve[0]).toEqual({ step: 0, forget: 1, retain: 1 });
    expect(run.retainDrop).toBeCloseTo(run.curve[0]!.retain - run.curve[1]!.retain, 12);
    expect(run.degenerate).toBe(run.retainDrop > 0.1);
    expect(run.retainDrop).toBeGreaterThan(0.1);
    // the same seed draws the same examples; another seed others
    await relearningAttack(network, capability, { ...options, examples: 4, steps: 20 });
    await relearningAttack(network, capability, { ...options, seed: 4, examples: 4, steps: 20 });
    expect(seen[1]!.labels).toEqual(seen[0]!.labels);
    expect(seen[2]!.labels).not.toEqual(seen[0]!.labels);
    await expect(relearningAttack(network, capability, { ...options, examples: 0 })).rejects.toThrow(/whole numbers of forget examples/);
  });

  it('mixes 9 retain examples per forget example by default (batches about 10% forget)', async () => {
    const { network, partition, dataset } = plantedTask();
    const capability = capabilityFor(dataset, { kind: 'class', classes: [0, 1, 2, 3] });
    const attacks: number[] = [];
    // the attack "relearns" by wrecking the retain set: its last point loses 11 points of retain accuracy
    const fineTune: FineTuner = async (request) => {
      await request.onEvaluate(request.network, 0);
      if (request.steps === 7) attacks.push(request.data.count);
      return request.network;
    };
    const result = await excise(network, capability, {
      partition,
      retainTraining: capability.retain,
      forgetTraining: capability.forget,
      fineTune: async (request) =>
        fineTune({
          ...request,
          onEvaluate: async (n, step) => {
            await request.onEvaluate(n, step);
            if (request.steps === 7) await request.onEvaluate(n, 7);
          },
        }),
      createEvaluator: async (n) => referenceEvaluator(n),
      forgetTarget: 0.4,
      steps: 10,
      evaluateEvery: 10,
      methods: ['module'],
      relearn: { examples: [4], steps: 7 },
    });
    expect(RELEARN_RETAIN_PER_EXAMPLE).toBe(9);
    expect(result.relearning[0]).toMatchObject({ examples: 4, retainExamples: 36, retainDrop: 0, degenerate: false });
    expect(attacks).toEqual([40]);
  });

  it('calls a run degenerate when its retain metric falls by more than 10 points', () => {
    const curve = (retain: number[]) => retain.map((r, i) => ({ step: i, forget: 0, retain: r }));
    expect(retainCollapse(curve([0.9, 0.85, 0.81]))).toEqual({ retainDrop: expect.closeTo(0.09, 9), degenerate: false });
    expect(retainCollapse(curve([0.9, 0.5, 0.79]))).toEqual({ retainDrop: expect.closeTo(0.11, 9), degenerate: true });
    expect(retainCollapse(curve([0.885, 0.16]))).toMatchObject({ degenerate: true });
    expect(retainCollapse(curve([0.5, 0.9]))).toMatchObject({ degenerate: false });
  });

  it('mixes retain examples into the attack when asked', async () => {
    const { network, partition, dataset } = plantedTask();
    const capability = capabilityFor(dataset, { kind: 'class', classes: [0, 1, 2, 3] });
    const attacks: { count: number; labels: number[] }[] = [];
    const fineTune: FineTuner = async (request) => {
      await request.onEvaluate(request.network, 0);
      if (request.steps === 7) attacks.push({ count: request.data.count, labels: Array.from(request.data.labels) });
      return request.network;
    };
    const result = await excise(network, capability, {
      partition,
      retainTraining: capability.retain,
      forgetTraining: capability.forget,
      fineTune,
      createEvaluator: async (n) => referenceEvaluator(n),
      forgetTarget: 0.4,
      steps: 10,
      evaluateEvery: 10,
      methods: ['module'],
      relearn: { examples: [4], steps: 7, retainPerExample: 3 },
    });
    expect(result.relearning[0]).toMatchObject({ examples: 4, retainExamples: 12 });
    expect(attacks).toHaveLength(1);
    expect(attacks[0]!.count).toBe(16);
    expect(attacks[0]!.labels.slice(0, 4).every((l) => l < 4)).toBe(true);
    expect(attacks[0]!.labels.slice(4).every((l) => l >= 4)).toBe(true);
  });
});

describe('recoveryStats', () => {
  it('finds the steps to regain half of what pruning removed and the mean forget metric', () => {
    const curve = [
      { step: 0, forget: 0.1, retain: 0.8 },
      { step: 10, forget: 0.3, retain: 0.85 },
      { step: 20, forget: 0.6, retain: 0.86 },
      { step: 30, forget: 0.7, retain: 0.87 },
    ];
    const s = recoveryStats(curve, 0.9);
    expect(s.stepsToHalf).toBe(20);
    expect(s.forgetArea).toBeCloseTo((0.2 * 10 + 0.45 * 10 + 0.65 * 10) / 30);
    expect(s.finalRetain).toBe(0.87);
    expect(recoveryStats(curve.slice(0, 2), 0.9).stepsToHalf).toBeNull();
  });
});
