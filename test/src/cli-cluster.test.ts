import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Network } from '@modscope/core';
import { modularMlp, tinyMlp } from '@modscope/core/testing';
import { networkToOnnx } from '@modscope/loader-onnx';
import { describe, expect, it } from 'vitest';
import { expectCleanFailure, fixture, runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'modscope-cluster-'));
function writeModel(name: string, network: Network): string {
  const path = join(dir, name);
  writeFileSync(path, networkToOnnx(network));
  return path;
}

describe('modscope cluster', () => {
  it('prints n-cut, each null with mean, z and p, and a verdict in words; writes the JSON the issue names', () => {
    const json = join(dir, 'result.json');
    const r = runCli(['cluster', fixture('mlp-fashion.onnx'), '--prune', '0.9', '--shuffles', '4', '--json', json]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/n-cut \d+\.\d{3}/);
    expect(r.stdout).toMatch(/^layer\s+4\s/m);
    expect(r.stdout).toMatch(/^layer-nonzero\s+4\s/m);
    expect(r.stdout).toMatch(/The network is (more clusterable than|less clusterable than|not distinguishable from) its 'layer' shuffles/);
    const result = JSON.parse(readFileSync(json, 'utf8'));
    expect(result.k).toBe(12);
    expect(result.nodes).toBeGreaterThan(1700);
    expect(result.edges).toBeGreaterThan(35_000);
    expect(result.labels.map((l: number[]) => l.length)).toEqual([784, 256, 256, 256, 256, 10]);
    expect(result.labels.flat().filter((l: number) => l === -1)).toHaveLength(1818 - result.nodes);
    for (const name of ['layer', 'layer-nonzero']) {
      const s = result.nulls[name];
      expect(Object.keys(s)).toEqual(expect.arrayContaining(['n', 'mean', 'std', 'z', 'p', 'values']));
      expect(s.values).toHaveLength(4);
    }
  });

  it('--json - prints only JSON; the same seed gives the same result; louvain plugs in', () => {
    const model = writeModel('modular.onnx', modularMlp({ modules: 3, cross: 0.05, seed: 1 }).network);
    const a = runCli(['cluster', model, '--k', '3', '--shuffles', '3', '--seed', '5', '--json', '-']);
    const b = runCli(['cluster', model, '--k', '3', '--shuffles', '3', '--seed', '5', '--json', '-', '--workers', '0']);
    expect(a.code).toBe(0);
    const ra = JSON.parse(a.stdout);
    const rb = JSON.parse(b.stdout);
    expect(ra.labels).toEqual(rb.labels);
    expect(ra.nulls.layer.values).toEqual(rb.nulls.layer.values);
    expect(ra.nulls.layer.p).toBe(0.25);
    const louvain = JSON.parse(runCli(['cluster', model, '--partitioner', 'louvain', '--shuffles', '0', '--json', '-']).stdout);
    expect(louvain.partitioner).toBe('louvain');
  });

  it('--shuffles 10 warns on stdout and in the JSON that no p can reach 0.05; --shuffles 50 does not', () => {
    const model = writeModel('modular-floor.onnx', modularMlp({ modules: 3, cross: 0.05, seed: 1 }).network);
    const json = join(dir, 'few.json');
    const few = runCli(['cluster', model, '--k', '3', '--shuffles', '10', '--json', json]);
    expect(few.stderr).toBe('');
    expect(few.code).toBe(0);
    const line =
      'warning: with 10 shuffles per null model no p can be below 1/11 = 0.091, so the shuffle test cannot reach p ≤ 0.05 either way; use 19 shuffles or more (the default 50 allows 0.020).';
    expect(few.stdout.split('\n')).toContain(line);
    // planted modules: below every shuffle, yet p = 1/11, and the table and the verdict say why
    expect(few.stdout).toMatch(/^layer\s+10\s.*0\.091 \(smallest possible\)$/m);
    expect(few.stdout).toContain(
      "The network is not distinguishable from its 'layer' shuffles (p = 0.091, the smallest possible with 10 shuffles, z = ",
    );
    const result = JSON.parse(readFileSync(json, 'utf8'));
    expect(result.warnings).toEqual([{ test: 'shuffle test', samples: 10, smallestP: 1 / 11, message: line.slice('warning: '.length) }]);
    expect(result.nulls.layer.smallestP).toBe(1 / 11);
    const fiftyJson = join(dir, 'fifty.json');
    const enough = runCli(['cluster', model, '--k', '3', '--shuffles', '50', '--nulls', 'layer', '--json', fiftyJson]);
    expect(enough.code).toBe(0);
    expect(enough.stdout).not.toMatch(/^warning:/m);
    const fifty = JSON.parse(readFileSync(fiftyJson, 'utf8'));
    expect(fifty.warnings).toEqual([]);
    expect(fifty.nulls.layer).toMatchObject({ n: 50, p: 1 / 51, smallestP: 1 / 51 });
    expect(fifty.nulls.layer.verdict).toMatch(
      /^more clusterable than its 'layer' shuffles \(p = 0\.020, the smallest possible with 50 shuffles/,
    );
  });

  it('bad input: k above the node count, more components than k, NaN weights', () => {
    const small = writeModel('small.onnx', tinyMlp({ sizes: [3, 4, 2] }));
    expect(expectCleanFailure(runCli(['cluster', small, '--k', '20', '--shuffles', '0']))).toMatch(
      /k = 20 clusters asked for, but the weight graph has only 9 nodes.*k ≤ 9/,
    );
    const apart = writeModel('apart.onnx', modularMlp({ modules: 3, cross: 0, seed: 2 }).network);
    expect(expectCleanFailure(runCli(['cluster', apart, '--k', '2', '--shuffles', '0']))).toMatch(
      /falls apart into 3 connected components, more than k = 2.*k ≥ 3/,
    );
    const nan = tinyMlp({ sizes: [3, 4, 2] });
    const dense = nan.layers.find((l) => l.kind === 'dense');
    if (dense?.kind === 'dense') dense.kernel[2] = Number.NaN;
    expect(expectCleanFailure(runCli(['cluster', writeModel('nan.onnx', nan), '--k', '2']))).toMatch(
      /holds NaN at index 2; modscope analyses models with finite weights only/,
    );
  });

  it('usage errors exit 2', () => {
    expect(runCli(['cluster', fixture('mlp-fashion.onnx'), '--prune', '1.5']).code).toBe(2);
    expect(runCli(['cluster', fixture('mlp-fashion.onnx'), '--k', '0']).code).toBe(2);
    const r = runCli(['cluster', fixture('mlp-fashion.onnx'), '--nulls', 'layer,global', '--shuffles', '1']);
    expect(expectCleanFailure(r)).toMatch(/unknown null model 'global'/);
    expect(r.code).toBe(2);
    const partitioner = runCli(['cluster', fixture('mlp-fashion.onnx'), '--partitioner', 'modscope-no-such-partitioner']);
    expect(expectCleanFailure(partitioner)).toMatch(/unknown partitioner 'modscope-no-such-partitioner': not one of spectral, louvain/);
    expect(partitioner.code).toBe(2);
  });
});
