import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { root } from './run-cli.js';
import { closure, manifests, npm, pack } from './support/packed-workspace.js';

/**
 * "Install only what you need" works: the packages a library user composes for the basic analysis are
 * packed as they would be published, installed from the tarballs alone into an empty project outside the
 * workspace, and composed there on a fixture model (load → weight graph → spectral partition → n-cut).
 * A broken `files` list, a missing dependency or a workspace-only version fails here, not for users.
 */

/** What a user installs; their workspace dependencies are added below. */
const wanted = ['@modscope/core', '@modscope/loader-onnx', '@modscope/graph', '@modscope/partition-spectral', '@modscope/metrics'];

const script = `
import { onnxLoader } from '@modscope/loader-onnx';
import { buildWeightGraph, removeIsolatedNodes, expandLabels, shuffleWeightGraph } from '@modscope/graph';
import { createSpectralPartitioner } from '@modscope/partition-spectral';
import { normalizedCut, partitionQuality, shuffleStatistics } from '@modscope/metrics';
import { createRandom } from '@modscope/core';
import { partitionerConformanceCases } from '@modscope/core/testing';

const model = await onnxLoader.load(process.argv[2]);
const full = buildWeightGraph(model.network);
const graph = removeIsolatedNodes(full);
const k = 4;
const partitioner = createSpectralPartitioner();
const partition = await partitioner.partition(graph, { k, seed: 0 });
const ncut = normalizedCut(graph, partition.labels);
const quality = partitionQuality(graph, partition.labels);
const random = createRandom(0);
const shuffled = [];
for (let i = 0; i < 3; i++) {
  const g = removeIsolatedNodes(shuffleWeightGraph(graph, 'layer', random.fork(i)));
  shuffled.push(normalizedCut(g, partitioner.partitionSync(g, { k, seed: 0 }).labels));
}
const stats = shuffleStatistics(ncut, shuffled);
let conformance = 0;
for (const c of partitionerConformanceCases({ partitioner })) { await c.run(); conformance++; }
console.log(JSON.stringify({
  layers: model.network.layers.length,
  originalNodes: full.originalNodeCount,
  nodes: graph.nodeCount,
  k: partition.k,
  labels: Array.from(partition.labels),
  expanded: Array.from(expandLabels(graph, partition.labels)),
  ncut,
  qualityNcut: quality.ncut,
  shuffleMean: stats.mean,
  shuffleP: stats.p,
  conformance,
}));
`;

describe('installing only what you need (packed tarballs in an empty project)', () => {
  const work = mkdtempSync(join(tmpdir(), 'modscope-pack-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('packs core, loader-onnx, graph, partition-spectral, metrics and their workspace dependencies, installs them alone, and composes them', async () => {
    const packed = closure(wanted);
    expect(packed).toEqual(expect.arrayContaining([...wanted, '@modscope/linalg']));

    const tarballs = join(work, 'tarballs');
    mkdirSync(tarballs);
    const files: string[] = [];
    for (const name of packed) {
      const { dir } = manifests.get(name)!;
      expect(existsSync(join(dir, 'dist/index.js')), `${name} is not built: run \`npx turbo run build --filter=@modscope/test^...\``).toBe(
        true,
      );
      const { tarball, paths } = await pack(dir, tarballs);
      expect(paths, `${name} packs its README`).toContain('README.md');
      expect(
        paths.filter((p) => p.startsWith('src/')),
        `${name} packs no sources`,
      ).toEqual([]);
      files.push(tarball);
    }

    const project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'modscope-install-check', private: true, type: 'module' }, null, 2),
    );
    // onnxruntime-node's install script would otherwise download GPU binaries; the CPU ones ship in the package.
    writeFileSync(join(project, '.npmrc'), 'onnxruntime-node-install=skip\nfund=false\naudit=false\n');
    await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', ...files], project);

    // Only the packed packages, each installed from its tarball (a real folder, not a link into the workspace).
    const scope = join(project, 'node_modules/@modscope');
    expect(
      readdirSync(scope)
        .map((n) => `@modscope/${n}`)
        .sort(),
    ).toEqual(packed);
    const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { resolved?: string; link?: boolean }>;
    };
    for (const name of packed) {
      expect(lstatSync(join(project, 'node_modules', name)).isSymbolicLink()).toBe(false);
      expect(lock.packages[`node_modules/${name}`]?.resolved, `${name} resolved from its tarball`).toMatch(/^file:.*\.tgz$/);
    }
    expect(
      Object.keys(lock.packages).filter(
        (p) => /node_modules\/(@modscope\/|modscope$)/.test(p) && !packed.some((n) => p === `node_modules/${n}`),
      ),
    ).toEqual([]);

    writeFileSync(join(project, 'compose.mjs'), script);
    const run = spawnSync(process.execPath, ['compose.mjs', resolve(root, 'fixtures/mlp-fashion.onnx')], {
      cwd: project,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as {
      layers: number;
      originalNodes: number;
      nodes: number;
      k: number;
      labels: number[];
      expanded: number[];
      ncut: number;
      qualityNcut: number;
      shuffleMean: number;
      shuffleP: number;
      conformance: number;
    };
    expect(out.k).toBe(4);
    expect(out.nodes).toBeGreaterThan(0);
    expect(out.labels).toHaveLength(out.nodes);
    expect(out.labels.every((l) => Number.isInteger(l) && l >= 0 && l < out.k)).toBe(true);
    expect(new Set(out.labels).size).toBe(out.k);
    expect(out.expanded).toHaveLength(out.originalNodes);
    expect(out.expanded.filter((l) => l >= 0)).toHaveLength(out.nodes);
    expect(out.ncut).toBeGreaterThanOrEqual(0);
    expect(out.ncut).toBeLessThanOrEqual(out.k);
    expect(out.qualityNcut).toBeCloseTo(out.ncut, 12);
    expect(out.shuffleMean).toBeGreaterThan(0);
    expect(out.shuffleP).toBeGreaterThan(0);
    expect(out.shuffleP).toBeLessThanOrEqual(1);
    expect(out.conformance).toBe(4);
  }, 240_000);
});
