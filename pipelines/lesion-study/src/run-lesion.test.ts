import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@modscope/core';
import { tinyCnn, tinyMlp } from '@modscope/core/testing';
import { lesionSweep, upstreamCoherence } from '@modscope/intervention-lesion';
import { smallestFisherP } from '@modscope/metrics';
import { parseResult } from '@modscope/results';
import { describe, expect, it } from 'vitest';
import { partitionFor } from './partition-source.js';
import { lesionFloors, lesionFloorWarnings, RANDOM_LESION_DEFAULTS, randomLesions } from './random-lesions.js';
import { LESION_STUDY_DEFAULTS, runLesion, type LesionStudyStage } from './run-lesion.js';
import { modularStudy } from './test-support/modular-study.js';

/** The result as `--json` writes it (non-finite numbers as null), read back through the published schema. */
function asWritten(result: object): unknown {
  return JSON.parse(JSON.stringify(result, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)));
}

/** Plain objects, arrays, strings, numbers and null only (no typed arrays): the result is written as JSON as it is. */
function expectPlainJson(value: unknown, path = 'result'): void {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return;
  expect(Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype, path).toBe(true);
  for (const [key, v] of Object.entries(value as object)) expectPlainJson(v, `${path}.${key}`);
}

describe('runLesion', () => {
  it('returns what modscope lesion --json writes, key for key', async () => {
    const { model, dataset } = modularStudy();
    const r = await runLesion(model, dataset, { k: 2, random: 4, top: 5 });
    expect(Object.keys(r)).toEqual([
      'kind',
      'version',
      'model',
      'dataset',
      'split',
      'examples',
      'classNames',
      'engine',
      'partition',
      'random',
      'randomFrom',
      'smallestP',
      'seed',
      'baseline',
      'subclusters',
      'fisher',
      'effectFactor',
      'evaluations',
      'warnings',
      'timings',
    ]);
    expect(r).toMatchObject({
      kind: 'modscope/lesion',
      version: 1,
      model: 'modular-mlp-2',
      dataset: 'uniform',
      split: 'test',
      examples: 96,
      classNames: ['0', '1', '2', '3', '4', '5', '6', '7'],
      engine: 'reference (plain JavaScript)',
      partition: { source: 'weights', k: 2 },
      random: 4,
      randomFrom: 'option',
      smallestP: { subcluster: 0.2 },
      seed: 0,
      baseline: { accuracy: 1 },
    });
    expect(r.subclusters.length).toBeGreaterThan(0);
    expect(Object.keys(r.subclusters[0]!)).toEqual([
      'layer',
      'cluster',
      'size',
      'layerUnits',
      'units',
      'accuracy',
      'perClassAccuracy',
      'meanClassAccuracy',
      'importanceP',
      'coherence',
      'coherenceP',
      'drop',
      'dropP',
      'random',
      'upstream',
    ]);
    expect(Object.keys(r.fisher)).toEqual(['importance', 'coherence', 'upstream']);
    expect(Object.keys(r.timings)).toEqual(['partition', 'lesions', 'upstream']);
    expectPlainJson(r);
    expect(parseResult(asWritten(r), { kinds: ['modscope/lesion'] })).toMatchObject({ kind: 'modscope/lesion', random: 4 });
  });

  it('is the composition of partitionFor, lesionSweep and upstreamCoherence', async () => {
    const { model, dataset } = modularStudy();
    const options = { partition: 'weights', k: 2, seed: 3, random: 5, top: 4 };
    const r = await runLesion(model, dataset, options);
    const evaluator = await model.createEvaluator();
    const data = { inputs: dataset.inputs, count: dataset.count, labels: dataset.labels, classes: dataset.classes };
    const partition = await partitionFor(model, evaluator, dataset.inputs, dataset.count, options);
    const sweep = await lesionSweep(evaluator, data, partition, { random: 5, seed: 3 });
    const upstream = await upstreamCoherence(evaluator, data, sweep.subclusters, { top: 4 });
    expect(r.partition.layers).toEqual(partition.layers.map((l) => ({ layer: l.layer, labels: Array.from(l.labels) })));
    expect(r.subclusters.map((s) => [s.layer, s.cluster, s.units, s.accuracy, s.importanceP, s.coherenceP])).toEqual(
      sweep.subclusters.map((s) => [s.layer, s.cluster, Array.from(s.units), s.accuracy, s.importanceP, s.coherenceP]),
    );
    expect(r.subclusters.map((s) => s.upstream.p)).toEqual(upstream.sets.map((s) => s.p));
    expect(r.fisher).toEqual({ ...sweep.fisher, upstream: upstream.fisher });
    expect(r.effectFactor).toBe(sweep.effectFactor);
  });

  it('uses LESION_STUDY_DEFAULTS where an option is missing or undefined, and 99 random lesions on an MLP', async () => {
    const { model, dataset } = modularStudy(48);
    const r = await runLesion(model, dataset, { k: 2, random: undefined });
    expect(r.random).toBe(RANDOM_LESION_DEFAULTS.dense);
    expect(r.random).toBe(99);
    expect(r.randomFrom).toBe('default-dense');
    expect(r.subclusters[0]!.random.accuracy).toHaveLength(99);
    expect(r.smallestP!.subcluster).toBe(0.01);
    expect(r.warnings).toEqual([]);
    expect(r.seed).toBe(LESION_STUDY_DEFAULTS.seed);
    expect(r.partition.source).toBe(LESION_STUDY_DEFAULTS.partition);
    for (const s of r.subclusters) expect(s.upstream.topExamples).toHaveLength(LESION_STUDY_DEFAULTS.top);
  });

  it('warns when the random lesions are too few for a p of 0.05, and records the floors', async () => {
    const { model, dataset } = modularStudy(48);
    const r = await runLesion(model, dataset, { k: 2, random: 10 });
    const k = r.subclusters.length;
    expect(k).toBeGreaterThan(1);
    expect(r.smallestP).toEqual({ subcluster: 1 / 11, fisher: smallestFisherP(k, 10) });
    expect(r.warnings).toEqual([
      {
        test: 'sub-cluster p (importance, selectivity, per-class drop and upstream)',
        samples: 10,
        smallestP: 1 / 11,
        message:
          "with 10 random lesions per sub-cluster no sub-cluster's importance, selectivity, per-class drop and upstream p can be below 1/11 = 0.091, so none can reach p ≤ 0.05; use 19 random lesions or more (99 allows 0.010).",
      },
    ]);
    // every p of every sub-cluster is at or above the floor it records
    for (const s of r.subclusters) {
      for (const p of [s.importanceP, s.coherenceP, s.upstream.p, ...s.dropP])
        if (!Number.isNaN(p)) expect(p).toBeGreaterThanOrEqual(1 / 11);
    }
    expect((await runLesion(model, dataset, { k: 2, random: 19 })).warnings).toEqual([]);
  });

  it('warns about the Fisher combination too where one sub-cluster keeps its floor', () => {
    expect(lesionFloorWarnings({ sets: 'random lesions', tests: 'importance', random: 10, subclusters: 1 }).map((w) => w.test)).toEqual([
      'sub-cluster p (importance)',
      'Fisher-combined p (importance)',
    ]);
    // two sub-clusters at 1/11 combine to p = 0.048: only the sub-cluster warning
    expect(lesionFloorWarnings({ sets: 'random lesions', tests: 'importance', random: 10, subclusters: 2 })).toHaveLength(1);
    expect(lesionFloorWarnings({ sets: 'random lesions', tests: 'importance', random: 19, subclusters: 1 })).toEqual([]);
    expect(lesionFloors(10, 0)).toEqual({ subcluster: 1 / 11, fisher: null });
  });

  it('defaults to 99 random lesions without conv layers and 19 with them; a given random wins', () => {
    expect(randomLesions(tinyMlp(), undefined)).toEqual({ random: 99, from: 'default-dense' });
    expect(randomLesions(tinyCnn(), undefined)).toEqual({ random: 19, from: 'default-conv' });
    expect(randomLesions(tinyCnn(), 7)).toEqual({ random: 7, from: 'option' });
    expect(randomLesions(tinyMlp(), 7)).toEqual({ random: 7, from: 'option' });
  });

  it('reports the progress of the lesions, ending at the evaluations run', async () => {
    const { model, dataset } = modularStudy(48);
    const calls: [LesionStudyStage, number, number][] = [];
    const r = await runLesion(model, dataset, { k: 2, random: 3, onProgress: (stage, done, total) => calls.push([stage, done, total]) });
    expect(calls.length).toBeGreaterThan(0);
    expect(new Set(calls.map(([stage]) => stage))).toEqual(new Set(['lesions']));
    expect(calls.at(-1)).toEqual(['lesions', r.evaluations, r.evaluations]);
  });

  it('with featureViz, writes a PNG per sub-cluster and adds the softmax-entropy test', async () => {
    const { model, dataset } = modularStudy(48);
    const directory = join(mkdtempSync(join(tmpdir(), 'lesion-study-')), 'features');
    const stages: LesionStudyStage[] = [];
    const r = await runLesion(model, dataset, {
      k: 2,
      random: 2,
      featureViz: directory,
      featureSteps: 4,
      onProgress: (stage) => stages.push(stage),
    });
    expect(stages.at(-1)).toBe('featureViz');
    expect(r.featureViz).toMatchObject({ directory, steps: 4, random: 2, smallestP: { subcluster: 1 / 3 } });
    expect(r.warnings!.map((w) => w.test)).toContain('sub-cluster p (feature-visualization)');
    expect(r.fisher.featureViz?.df).toBe(2 * r.subclusters.length);
    expect(Object.keys(r.timings)).toEqual(['partition', 'lesions', 'upstream', 'featureViz']);
    for (const s of r.subclusters) {
      expect(s.featureViz!.image).toBe(join(directory, `${s.layer}-cluster${s.cluster}.png`));
      expect(existsSync(s.featureViz!.image)).toBe(true);
      expect(readFileSync(s.featureViz!.image).subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(s.featureViz!.randomEntropy).toHaveLength(2);
    }
    expect(parseResult(asWritten(r), { kinds: ['modscope/lesion'] })).toMatchObject({ featureViz: { directory, steps: 4 } });
  });

  it('refuses a mean without a std, with a hint', async () => {
    const { model, dataset } = modularStudy(16);
    await expect(runLesion(model, dataset, { mean: [0.5] })).rejects.toThrow(InvalidArgumentError);
  });
});
