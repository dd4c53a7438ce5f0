import { argmax, type LabelledExamples, type UnitPartition } from '@modscope/core';
import { modularMlp, referenceEvaluator, referenceForward } from '@modscope/core/testing';
import { describe, expect, it } from 'vitest';
import {
  type EvaluateLesionBatches,
  evaluateLesionBatch,
  type LesionAccuracy,
  type LesionBatch,
  lesionSweep,
  type LesionSweepResult,
} from './lesion-sweep.js';

/** A planted two-module MLP and examples labelled with its own predictions, class 0 left out (a NaN class accuracy). */
function setup() {
  const { network, modules } = modularMlp({ modules: 2, sizes: [8, 16, 16, 4], seed: 5 });
  const per = network.layers[0]!.units;
  const count = 300;
  const inputs = Float32Array.from({ length: count * per }, (_, i) => Math.abs(Math.sin(i * 0.77)));
  const { logits, outputs } = referenceForward(network, { inputs, count });
  const predicted = Int32Array.from({ length: count }, (_, i) => argmax(logits, i * outputs, outputs));
  // noisy labels: every seventh example relabelled, so lesions change the accuracy by different amounts
  const labels = predicted.map((p, i) => (i % 7 === 0 ? (p + 1) % outputs : p));
  const keep = [...labels.keys()].filter((e) => labels[e] !== 0);
  const kept = new Float32Array(keep.length * per);
  keep.forEach((e, i) => {
    kept.set(inputs.subarray(e * per, (e + 1) * per), i * per);
  });
  const data: LabelledExamples = { inputs: kept, count: keep.length, labels: Int32Array.from(keep, (e) => labels[e]!), classes: outputs };
  const ids = ['input', ...network.layers.filter((l) => l.kind === 'dense').map((l) => l.id)];
  const partition: UnitPartition = { k: 2, layers: ids.map((layer, i) => ({ layer, labels: Int32Array.from(modules[i]!) })) };
  return { network, data, partition };
}

/** A sweep result as text, typed arrays as arrays and NaN spelled out, so two results compare byte for byte. */
const text = (result: LesionSweepResult) =>
  JSON.stringify(result, (_key, value: unknown) => {
    if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
    if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
    return value;
  });

/** Accuracies through JSON and back, as a job queue returns them (NaN becomes null, restored here). */
const overTheWire = (accuracies: LesionAccuracy[]): LesionAccuracy[] =>
  (
    JSON.parse(JSON.stringify(accuracies, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v))) as {
      accuracy: number | null;
      perClassAccuracy: (number | null)[];
      meanClassAccuracy: number | null;
    }[]
  ).map((a) => ({
    accuracy: a.accuracy ?? Number.NaN,
    perClassAccuracy: Float64Array.from(a.perClassAccuracy, (x) => x ?? Number.NaN),
    meanClassAccuracy: a.meanClassAccuracy ?? Number.NaN,
  }));

describe('lesionSweep with an injected evaluation', () => {
  const { network, data, partition } = setup();

  it('gives byte-identical results to the local path, its batches evaluated elsewhere in any order', async () => {
    const local = await lesionSweep(referenceEvaluator(network), data, partition, { random: 25, seed: 4 });
    // another evaluator (another process), the batches run last-first, their accuracies through JSON
    const remote = referenceEvaluator(network);
    const seen: LesionBatch[] = [];
    const evaluate: EvaluateLesionBatches = async (batches) => {
      seen.push(...batches);
      const out = new Array<LesionAccuracy[]>(batches.length);
      for (let b = batches.length - 1; b >= 0; b--) {
        out[b] = overTheWire(await evaluateLesionBatch(remote, data, batches[b]!.layer, batches[b]!.lesions));
      }
      return out;
    };
    const queued = await lesionSweep(referenceEvaluator(network), data, partition, { random: 25, seed: 4, evaluate, lesionsPerBatch: 7 });
    expect(local.subclusters.some((s) => s.perClassAccuracy.some(Number.isNaN))).toBe(true);
    expect(new Set(local.subclusters.flatMap((s) => [...s.random.accuracy])).size).toBeGreaterThan(3);
    expect(text(queued)).toBe(text(local));
    // 26 lesions per sub-cluster in batches of 7, 7, 7 and 5; the sub-cluster's own lesion first
    expect(seen.map((b) => [b.subcluster, b.first, b.lesions.length])).toEqual(
      local.subclusters.flatMap((_, i) => [
        [i, 0, 7],
        [i, 7, 7],
        [i, 14, 7],
        [i, 21, 5],
      ]),
    );
    for (const [i, sub] of local.subclusters.entries()) {
      const lesions = seen.filter((b) => b.subcluster === i).flatMap((b) => b.lesions.map((u) => [...u]));
      expect(lesions).toEqual([[...sub.units], ...sub.random.units.map((u) => [...u])]);
      expect(seen.find((b) => b.subcluster === i)!.layer).toBe(sub.layer);
    }
  });

  it('the local path reports progress per sub-cluster; the injected one as its evaluation reports', async () => {
    const local: [number, number][] = [];
    await lesionSweep(referenceEvaluator(network), data, partition, { random: 4, onProgress: (d, t) => local.push([d, t]) });
    expect(local).toEqual([1, 2, 3, 4].map((i) => [i * 5, 20]));
    const remote: [number, number][] = [];
    await lesionSweep(referenceEvaluator(network), data, partition, {
      random: 4,
      evaluate: async (batches, onProgress) => {
        const out = [];
        for (const [b, batch] of batches.entries()) {
          out.push(await evaluateLesionBatch(referenceEvaluator(network), data, batch.layer, batch.lesions));
          onProgress(b + 1, batches.length);
        }
        return out;
      },
      onProgress: (d, t) => remote.push([d, t]),
    });
    expect(remote).toEqual([1, 2, 3, 4].map((i) => [i, 4]));
  });

  it('refuses an evaluation that returns the wrong number of batches or lesions, and a batch size below 1', async () => {
    const short: EvaluateLesionBatches = async (batches) =>
      Promise.all(batches.map(async (b) => (await evaluateLesionBatch(referenceEvaluator(network), data, b.layer, b.lesions)).slice(1)));
    await expect(lesionSweep(referenceEvaluator(network), data, partition, { random: 4, evaluate: short })).rejects.toThrow(
      /returned 4 accuracies for the 5 lesions of batch 0/,
    );
    await expect(lesionSweep(referenceEvaluator(network), data, partition, { random: 4, evaluate: async () => [] })).rejects.toThrow(
      /returned 0 batches for 4/,
    );
    await expect(lesionSweep(referenceEvaluator(network), data, partition, { lesionsPerBatch: 0 })).rejects.toThrow(
      /lesionsPerBatch must be a whole number ≥ 1, got 0/,
    );
  });
});
