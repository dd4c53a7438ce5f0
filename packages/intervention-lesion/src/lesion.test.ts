import { argmax, runLesions, type LabelledExamples, type UnitPartition } from '@modscope/core';
import { modularMlp, referenceEvaluator, referenceForward, tinyCnn, tinyMlp } from '@modscope/core/testing';
import { describe, expect, it } from 'vitest';
import { classSelectivity, lesionSweep } from './lesion-sweep.js';
import { lesionWeights } from './lesion-weights.js';
import { upstreamCoherence } from './upstream-coherence.js';

const inputsFor = (n: number, per: number, phase = 0) =>
  Float32Array.from({ length: n * per }, (_, i) => Math.abs(Math.sin(i * 0.77 + phase)));

/**
 * Inputs that drive one planted module at a time (the other module's inputs are 0, this one's scaled up),
 * alternating, labelled with the intact network's own predictions so the intact accuracy is 1.
 */
function selfLabelled(network: ReturnType<typeof modularMlp>['network'], count: number): LabelledExamples {
  const per = network.layers[0]!.units;
  const inputs = inputsFor(count, per);
  for (let e = 0; e < count; e++) {
    const active = e % 2;
    for (let i = 0; i < per; i++) inputs[e * per + i]! *= Math.floor((i * 2) / per) === active ? 10 : 0;
  }
  const { logits, outputs } = referenceForward(network, { inputs, count });
  const predicted = Int32Array.from({ length: count }, (_, i) => argmax(logits, i * outputs, outputs));
  // Keep the examples that the driven module wins.
  const keep = [...predicted.keys()].filter((e) => Math.floor((predicted[e]! * 2) / outputs) === e % 2);
  const kept = new Float32Array(keep.length * per);
  keep.forEach((e, i) => {
    kept.set(inputs.subarray(e * per, (e + 1) * per), i * per);
  });
  return { inputs: kept, count: keep.length, labels: Int32Array.from(keep, (e) => predicted[e]!), classes: outputs };
}

function plantedPartition(modules: Int32Array[], ids: string[]): UnitPartition {
  return { k: 2, layers: ids.map((layer, i) => ({ layer, labels: Int32Array.from(modules[i]!) })) };
}

describe('lesionWeights', () => {
  it('gives the same outputs as a lesion mask, on an MLP and on a CNN with batch norm', async () => {
    for (const network of [tinyMlp({ sizes: [4, 6, 5, 3] }), tinyCnn()]) {
      const per = network.layers[0]!.outputShape.reduce((a, b) => a * b, 1);
      const inputs = inputsFor(5, per, 1);
      const layer = network.layers.find((l) => l.kind === 'dense' || l.kind === 'conv2d')!.id;
      const units = Int32Array.of(1, 3);
      const { logits } = await runLesions(referenceEvaluator(network), { inputs, count: 5, layer, lesions: [units] });
      const edited = lesionWeights(network, [{ layer, units }]);
      const direct = referenceForward(edited, { inputs, count: 5 }).logits;
      for (let i = 0; i < direct.length; i++) expect(direct[i]).toBeCloseTo(logits[0]![i]!, 5);
      // The original is untouched.
      expect([...referenceForward(network, { inputs, count: 5 }).logits]).not.toEqual([...direct]);
    }
  });
});

/** A planted two-module MLP without biases, so a silenced module outputs exactly 0 and cannot outvote the other. */
function plantedNetwork() {
  const planted = modularMlp({ modules: 2, sizes: [8, 16, 16, 4], seed: 5 });
  for (const layer of planted.network.layers) if (layer.kind === 'dense') layer.bias?.fill(0);
  return planted;
}

describe('lesionSweep', () => {
  const { network, modules } = plantedNetwork();
  const ids = network.layers.filter((l) => l.kind === 'dense').map((l) => l.id);
  const partition = plantedPartition(modules, ['input', ...ids]);
  const data = selfLabelled(network, 400);

  it('has examples of both modules’ classes to work with', () => {
    const perModule = [0, 0];
    for (const label of data.labels) perModule[modules[3]![label]!]! += 1;
    expect(Math.min(...perModule), `examples per module: ${perModule}`).toBeGreaterThan(50);
  });

  it('finds that a planted module’s lesion hits its own classes and spares the others', async () => {
    const result = await lesionSweep(referenceEvaluator(network), data, partition, { random: 19, seed: 1 });
    expect(result.baseline.accuracy).toBe(1);
    expect(result.subclusters).toHaveLength(4);
    expect(result.evaluations).toBe(80);
    for (const sub of result.subclusters) {
      const own = [0, 1, 2, 3].map((c) => (modules[3]![c] === sub.cluster ? c : c + 4));
      const other = own.map((c) => (c < 4 ? c + 4 : c - 4));
      // Only classes of the module lose accuracy.
      for (const c of other) if (!Number.isNaN(sub.drop[c]!)) expect(sub.drop[c]).toBe(0);
      const ownDrop = own.filter((c) => !Number.isNaN(sub.drop[c]!)).reduce((a, c) => a + sub.drop[c]!, 0);
      expect(ownDrop).toBeGreaterThan(0.5);
      // The selectivity statistic is the spread of the drops over their mean, and p counts random lesions above it.
      const drops = [...sub.drop].filter((d) => !Number.isNaN(d));
      const mean = drops.reduce((a, b) => a + b, 0) / drops.length;
      expect(sub.coherence).toBeCloseTo((Math.max(...drops) - Math.min(...drops)) / Math.abs(mean), 10);
      expect(sub.coherenceP).toBeCloseTo((1 + [...sub.random.coherence].filter((c) => c > sub.coherence).length) / 20, 10);
      expect(sub.random.units).toHaveLength(19);
      for (const r of sub.random.units) expect(r.length).toBe(sub.units.length);
    }
    expect(result.fisher.coherence!.df).toBe(8);
  });

  it('draws the same random lesions for the same seed and others for another', async () => {
    const a = await lesionSweep(referenceEvaluator(network), data, partition, { random: 3, seed: 7 });
    const b = await lesionSweep(referenceEvaluator(network), data, partition, { random: 3, seed: 7 });
    const c = await lesionSweep(referenceEvaluator(network), data, partition, { random: 3, seed: 8 });
    expect(a.subclusters.map((s) => s.random.units.map((u) => [...u]))).toEqual(
      b.subclusters.map((s) => s.random.units.map((u) => [...u])),
    );
    expect(a.subclusters.map((s) => s.random.units.map((u) => [...u]))).not.toEqual(
      c.subclusters.map((s) => s.random.units.map((u) => [...u])),
    );
    expect(a.subclusters.map((s) => s.importanceP)).toEqual(b.subclusters.map((s) => s.importanceP));
  });

  it('refuses labels outside the outputs and a mismatched count', async () => {
    const bad = { ...data, labels: data.labels.map((l, i) => (i === 3 ? 9 : l)), classes: 8 };
    await expect(lesionSweep(referenceEvaluator(network), bad, partition)).rejects.toThrow(
      /label 9 of example 3 is outside the model's outputs 0..7/,
    );
    await expect(lesionSweep(referenceEvaluator(network), { ...data, classes: 12 }, partition)).rejects.toThrow(
      /12 classes but model .* 8 outputs/,
    );
    await expect(lesionSweep(referenceEvaluator(network), data, partition, { random: 0 })).rejects.toThrow(/random must be/);
  });
});

describe('classSelectivity', () => {
  it('is the spread of the per-class change over its mean, and 0 for no change', () => {
    const intact = Float64Array.of(1, 1, 1, 1);
    expect(classSelectivity(Float64Array.of(0, 1, 1, 1), intact)).toBeCloseTo(1 / 0.25);
    expect(classSelectivity(Float64Array.of(0.5, 0.5, 0.5, 0.5), intact)).toBe(0);
    expect(classSelectivity(intact, intact)).toBe(0);
    expect(classSelectivity(Float64Array.of(0, Number.NaN, 1, 1), Float64Array.of(1, Number.NaN, 1, 1))).toBeCloseTo(1 / (1 / 3));
  });
});

describe('upstreamCoherence', () => {
  it('gives planted modules lower top-example label entropy than random sets', async () => {
    const { network, modules } = plantedNetwork();
    const ids = network.layers.filter((l) => l.kind === 'dense').map((l) => l.id);
    const data = selfLabelled(network, 400);
    const sweep = await lesionSweep(referenceEvaluator(network), data, plantedPartition(modules, ['input', ...ids]), {
      random: 19,
      seed: 2,
    });
    const result = await upstreamCoherence(referenceEvaluator(network), data, sweep.subclusters, { top: 10 });
    expect(result.sets).toHaveLength(4);
    for (const set of result.sets) {
      expect(set.topExamples).toHaveLength(10);
      expect(set.p).toBeGreaterThan(0);
      expect(set.p).toBeLessThanOrEqual(1);
    }
    // Top examples of a module carry that module's classes only, so at most log(4) nats.
    for (const [i, set] of result.sets.entries()) {
      const cluster = sweep.subclusters[i]!.cluster;
      for (const e of set.topExamples) expect(modules[3]![data.labels[e]!]).toBe(cluster);
      expect(set.entropy).toBeLessThanOrEqual(Math.log(4) + 1e-9);
    }
  });
});
