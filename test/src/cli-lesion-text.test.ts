import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectCleanFailure, fixture, runCli } from './run-cli.js';

// `modscope lesion MODEL --text …` and `cluster` on a fixture language model, end to end (issue 16, items 5 and 6).
const dir = mkdtempSync(join(tmpdir(), 'modscope-lesion-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const lm = (file: string) => fixture(join('lm', file));

describe('modscope lesion --text on a language model', () => {
  it("lesions the sub-clusters of a 'modscope cluster --json' partition and writes the result", () => {
    const partition = join(dir, 'cluster.json');
    const c = runCli(['cluster', lm('lm-tiny.onnx'), '--k', '3', '--shuffles', '0', '--attention', '--json', partition]);
    expect(c.code, c.stderr).toBe(0);
    const out = join(dir, 'lesion.json');
    const r = runCli([
      'lesion',
      lm('lm-tiny.onnx'),
      '--text',
      lm('corpus.json'),
      '--partition',
      partition,
      '--random',
      '4',
      '--limit',
      '4',
      '--top',
      '2',
      '--json',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/zero ablation of \d+ sub-clusters/);
    expect(r.stdout).toMatch(/^block\d\.(mlp\.act|attention)\s+\d+\s+\d+\/\d+\s+[+-]\d\.\d{4}/m);
    expect(r.stdout).toMatch(/text that activates block\d\.\S+ cluster \d+ most/);
    const result = JSON.parse(readFileSync(out, 'utf8')) as {
      kind: string;
      partition: { source: string };
      subclusters: { upstream: { contexts: unknown[] } }[];
    };
    expect(result.kind).toBe('modscope/text-lesion');
    expect(result.partition.source).toContain('cluster.json');
    expect(result.subclusters[0]!.upstream.contexts).toHaveLength(2);
  });

  it('lesions a coactivation partition of the neurons over tokens', () => {
    const r = runCli([
      'lesion',
      lm('lm-tiny.onnx'),
      '--text',
      lm('corpus.json'),
      '--partition',
      'coactivation',
      '--k',
      '3',
      '--random',
      '3',
      '--limit',
      '4',
      '--top',
      '1',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/partition: coactivation over tokens \(spearman, \d+ positions\), k = 3/);
  });

  it('compares the weight-graph and coactivation partitions of the neurons', () => {
    const r = runCli([
      'compare',
      lm('lm-tiny.onnx'),
      '--text',
      lm('corpus.json'),
      '--k',
      '3',
      '--limit',
      '8',
      '--permutations',
      '19',
      '--json',
      '-',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { kind: string; overall: { n: number; ari: number }; layers: { layer: string }[] };
    expect(result.kind).toBe('modscope/text-compare');
    expect(result.overall.n).toBe(512);
    expect(result.layers.map((l) => l.layer)).toEqual(['block0.mlp.act', 'block1.mlp.act']);
  });

  it('refuses a language model given a dataset in one line', () => {
    expect(expectCleanFailure(runCli(['lesion', lm('lm-tiny.onnx'), '--data', 'fashion-mnist']))).toMatch(
      /is a language model; lesion it on text/,
    );
    expect(expectCleanFailure(runCli(['compare', lm('lm-tiny.onnx'), '--data', 'fashion-mnist']))).toMatch(/takes --text and no --data/);
  });
});
