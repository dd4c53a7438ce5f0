import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tinyMlp } from '@modscope/core/testing';
import { networkToOnnx } from '@modscope/loader-onnx';
import { describe, expect, it } from 'vitest';
import { expectCleanFailure, fixture, runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'modscope-lesion-'));

describe('modscope lesion', () => {
  it('finds weight-graph sub-clusters of a Fashion-MNIST MLP more important than random same-size sets', () => {
    // The unpruned control MLP (fixtures/make-clusterability-fixtures.py), k = 12, the whole test set.
    const r = runCli(['lesion', fixture('clusterability/control.onnx'), '--data', 'fashion-mnist', '--json', '-']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ kind: 'modscope/lesion', version: 1, examples: 10_000, random: 19 });
    expect(result.baseline.accuracy).toBeCloseTo(0.8887, 3);
    expect(result.baseline.perClassAccuracy).toHaveLength(10);
    expect(result.subclusters.length).toBeGreaterThan(8);
    for (const s of result.subclusters) {
      expect(Object.keys(s)).toEqual(
        expect.arrayContaining(['layer', 'units', 'accuracy', 'perClassAccuracy', 'importanceP', 'coherenceP']),
      );
      expect(s.units.length).toBeGreaterThan(2);
      expect(s.random.accuracy).toHaveLength(19);
    }
    // The paper's finding (method §5): more important than random units, by a small factor on MLPs.
    expect(result.fisher.importance.p).toBeLessThan(0.05);
    expect(result.effectFactor).toBeGreaterThan(1);
    expect(result.fisher.coherence.p).toBeGreaterThan(0);
    expect(result.fisher.upstream.p).toBeGreaterThan(0);
  });

  it('prints a ranked table and the per-network summary', () => {
    const json = join(dir, 'lesion.json');
    const r = runCli([
      'lesion',
      fixture('mlp-fashion.onnx'),
      '--data',
      'fashion-mnist',
      '--limit',
      '1000',
      '--random',
      '4',
      '--k',
      '6',
      '--json',
      json,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/intact accuracy \d+\.\d\d%/);
    expect(r.stdout).toMatch(/^layer\s+cluster\s+size\s+accuracy\s+random\s+importance p/m);
    expect(r.stdout).toMatch(/Fisher-combined p: importance \d\.\d{4}/);
    expect(r.stdout).toMatch(/effect factor \d\.\d{3}/);
    const result = JSON.parse(readFileSync(json, 'utf8'));
    const accuracies = result.subclusters.map((s: { accuracy: number }) => s.accuracy);
    const printed = [...r.stdout.matchAll(/^\/\S+\s+\d+\s+\d+\/256\s+(\d+\.\d\d)%/gm)].map((m) => Number(m[1]));
    expect(printed).toHaveLength(accuracies.length);
    expect(printed).toEqual([...printed].sort((a, b) => a - b));
  });

  it('--feature-viz saves an optimized input per sub-cluster as PNG, with the softmax-entropy test', () => {
    const out = join(dir, 'features');
    const r = runCli([
      'lesion',
      fixture('mlp-fashion.onnx'),
      '--data',
      'fashion-mnist',
      '--limit',
      '500',
      '--random',
      '3',
      '--k',
      '4',
      '--feature-viz',
      out,
      '--feature-steps',
      '16',
      '--json',
      '-',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.featureViz).toMatchObject({ directory: out, steps: 16 });
    expect(result.fisher.featureViz.df).toBe(2 * result.subclusters.length);
    for (const s of result.subclusters) {
      const png = readFileSync(s.featureViz.image);
      expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
      expect(s.featureViz.randomEntropy).toHaveLength(3);
      expect(s.featureViz.p).toBeGreaterThan(0);
    }
  });

  it('works on a TF.js model through its tfjs evaluator, with a coactivation partition', () => {
    const r = runCli([
      'lesion',
      fixture('tfjs-mlp'),
      '--data',
      'fashion-mnist',
      '--limit',
      '400',
      '--random',
      '2',
      '--k',
      '4',
      '--partition',
      'coactivation',
      '--json',
      '-',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.engine).toMatch(/tfjs/);
    expect(result.partition.source).toMatch(/^coactivation \(spearman, 400 examples\)/);
    expect(result.subclusters.length).toBeGreaterThan(0);
    expect(result.baseline.accuracy).toBeGreaterThan(0.7);
    const local = JSON.parse(
      runCli([
        'lesion',
        fixture('tfjs-mlp'),
        '--data',
        'fashion-mnist',
        '--limit',
        '300',
        '--random',
        '2',
        '--k',
        '3',
        '--partition',
        'coactivation-local',
        '--json',
        '-',
      ]).stdout,
    );
    expect(local.partition.source).toMatch(/^coactivation, per layer/);
    // Each layer is partitioned on its own, so every hidden layer has its own clusters 0..k−1.
    for (const layer of local.partition.layers) expect(Math.max(...layer.labels)).toBeLessThanOrEqual(2);
  });

  it('reads a partition from a modscope cluster --json file, and refuses one made for another model', () => {
    const clusterJson = join(dir, 'cluster.json');
    expect(runCli(['cluster', fixture('mlp-fashion.onnx'), '--k', '6', '--shuffles', '0', '--json', clusterJson]).code).toBe(0);
    const ok = runCli([
      'lesion',
      fixture('mlp-fashion.onnx'),
      '--data',
      'fashion-mnist',
      '--limit',
      '500',
      '--random',
      '2',
      '--partition',
      clusterJson,
      '--json',
      '-',
    ]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).partition.source).toBe(clusterJson);
    const other = join(dir, 'tiny.onnx');
    writeFileSync(other, networkToOnnx(tinyMlp({ sizes: [784, 12, 10] })));
    const message = expectCleanFailure(runCli(['lesion', other, '--data', 'fashion-mnist', '--limit', '100', '--partition', clusterJson]));
    expect(message).toMatch(/partition .*(does not have|labels for layer).*modscope cluster/);
  });

  it('gives clear errors for data that does not fit the model and a corrupt partition file', () => {
    expect(expectCleanFailure(runCli(['lesion', fixture('mlp-fashion.onnx'), '--data', 'two-task', '--limit', '50']))).toMatch(
      /input of model .* dataset 'two-task'/,
    );
    const threeOutputs = join(dir, 'three.onnx');
    writeFileSync(threeOutputs, networkToOnnx(tinyMlp({ sizes: [784, 8, 3] })));
    expect(expectCleanFailure(runCli(['lesion', threeOutputs, '--data', 'fashion-mnist', '--limit', '50']))).toMatch(/at least 10 outputs/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"k": 3}');
    expect(
      expectCleanFailure(runCli(['lesion', fixture('mlp-fashion.onnx'), '--data', 'fashion-mnist', '--limit', '50', '--partition', bad])),
    ).toMatch(/no k, layers and labels/);
    expect(
      expectCleanFailure(
        runCli(['lesion', fixture('mlp-fashion.onnx'), '--data', 'fashion-mnist', '--partition', join(dir, 'missing.json')]),
      ),
    ).toMatch(/missing\.json/);
  });
});

describe('modscope compare', () => {
  it('reports ARI and NMI of the weight and coactivation partitions against a permutation null', () => {
    const r = runCli([
      'compare',
      fixture('clusterability/control.onnx'),
      '--data',
      'fashion-mnist',
      '--limit',
      '2000',
      '--permutations',
      '99',
      '--json',
      '-',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.kind).toBe('modscope/compare');
    expect(result.overall.n).toBeGreaterThan(500);
    expect(result.overall.ari).toBeGreaterThan(-0.5);
    expect(result.overall.ari).toBeLessThanOrEqual(1);
    expect(result.overall.permutation.ariP).toBeGreaterThan(0);
    expect(result.layers).toHaveLength(4);
  });
});
