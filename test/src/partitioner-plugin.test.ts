import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeClusterability } from '@modscope/clusterability';
import { modularMlp } from '@modscope/core/testing';
import { networkToOnnx } from '@modscope/loader-onnx';
import { spectralPartitioner } from '@modscope/partition-spectral';
import { afterAll, describe, expect, it } from 'vitest';
import { createLabelPropagationPartitioner } from '../fixtures/partitioner-plugin/src/index.js';
import { root } from './run-cli.js';
import { closure, manifests, npm, pack, run } from './support/packed-workspace.js';

/**
 * A third-party partitioner as a user meets it: the label-propagation plugin of the README
 * (test/fixtures/partitioner-plugin) is built and packed as it would be published, installed in a user's
 * project, and run from `modscope cluster --partitioner <its package name>`, shuffles included, by a
 * modscope installed from its packed tarballs in another directory. So the plugin is found from the
 * current directory (the user's project), not from modscope's install.
 */

const plugin = join(root, 'test/fixtures/partitioner-plugin');
const pluginName = 'modscope-partition-label-propagation';

/** The README's plugin section holds the fixture's source, word for word. */
function readmeExample(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Write a partitioner plugin'));
  const start = section.indexOf('```ts\n') + '```ts\n'.length;
  return section.slice(start, section.indexOf('```', start));
}

describe('a third-party partitioner package, installed in the user’s project, from modscope cluster --partitioner', () => {
  const work = mkdtempSync(join(tmpdir(), 'modscope-plugin-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('is the README example', () => {
    expect(readmeExample()).toBe(readFileSync(join(plugin, 'src/index.ts'), 'utf8'));
  });

  it('runs its partition and its shuffles (in worker threads) through the plugin', async () => {
    // the plugin, compiled with tsc --strict and packed as published
    const built = join(work, 'plugin');
    mkdirSync(built);
    const tsc = await run(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', plugin, '--outDir', join(built, 'dist')],
      {
        cwd: root,
      },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    for (const file of ['package.json', 'README.md']) copyFileSync(join(plugin, file), join(built, file));
    const tarballs = join(work, 'tarballs');
    mkdirSync(tarballs);
    const packedPlugin = await pack(built, tarballs);
    expect(packedPlugin.paths.sort()).toEqual(['README.md', 'dist/index.d.ts', 'dist/index.js', 'package.json']);

    // modscope from its tarballs, in a directory of its own
    const names = closure(['modscope']);
    const tarball = new Map<string, string>();
    for (const name of names) {
      const { dir } = manifests.get(name)!;
      expect(existsSync(join(dir, 'dist/index.js')), `${name} is not built`).toBe(true);
      tarball.set(name, (await pack(dir, tarballs)).tarball);
    }
    const install = async (dir: string, files: string[]) => {
      mkdirSync(dir);
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `modscope-${dir.split('/').pop()}`, private: true, type: 'module' }));
      writeFileSync(join(dir, '.npmrc'), 'ignore-scripts=true\nfund=false\naudit=false\n');
      await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', ...files], dir);
    };
    const tool = join(work, 'tool');
    await install(tool, [...tarball.values()]);
    // the user's project: the plugin and the core it peer-depends on, no modscope
    const user = join(work, 'user');
    await install(user, [packedPlugin.tarball, tarball.get('@modscope/core')!]);
    expect(existsSync(join(user, 'node_modules/modscope'))).toBe(false);
    expect(existsSync(join(tool, `node_modules/${pluginName}`))).toBe(false);

    const network = modularMlp({ modules: 3, cross: 0.05, seed: 1 }).network;
    writeFileSync(join(user, 'modular.onnx'), networkToOnnx(network));
    const cli = (...args: string[]) => run(process.execPath, [join(tool, 'node_modules/modscope/bin/modscope.js'), ...args], { cwd: user });
    const settings = ['--k', '3', '--seed', '2', '--shuffles', '4'];
    const cluster = await cli('cluster', 'modular.onnx', ...settings, '--workers', '2', '--partitioner', pluginName, '--json', '-');
    expect(cluster.stderr).toBe('');
    expect(cluster.status).toBe(0);
    const result = JSON.parse(cluster.stdout) as {
      partitioner: string;
      k: number;
      ncut: number;
      nulls: Record<string, { values: number[] }>;
    };
    expect(result.partitioner).toBe('label-propagation');

    // the same analysis in this process, with the plugin's partitioner object and no workers: the CLI's
    // shuffles, run in its worker threads, gave exactly the plugin's n-cuts (spectral ones differ)
    const options = { k: 3, seed: 2, shuffles: 4, workers: 0 };
    const here = await analyzeClusterability(network, { ...options, partitioner: createLabelPropagationPartitioner() });
    const spectral = await analyzeClusterability(network, { ...options, partitioner: spectralPartitioner });
    expect(result.k).toBe(here.k);
    expect(result.ncut).toBe(here.ncut);
    for (const model of ['layer', 'layer-nonzero']) {
      expect(result.nulls[model]!.values).toHaveLength(4);
      expect(result.nulls[model]!.values).toEqual(here.nulls[model]!.values);
      expect(result.nulls[model]!.values).not.toEqual(spectral.nulls[model]!.values);
    }

    // a path works too, and so does naming the factory; unknown names and broken packages are one line
    const byPath = await cli(
      'cluster',
      'modular.onnx',
      ...settings,
      '--partitioner',
      `./node_modules/${pluginName}#createLabelPropagationPartitioner`,
      '--json',
      '-',
    );
    expect(byPath.status).toBe(0);
    expect(JSON.parse(byPath.stdout).nulls.layer.values).toEqual(here.nulls.layer!.values);
    const unknown = await cli('cluster', 'modular.onnx', '--partitioner', 'modscope-partition-nope');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(
      /^modscope: unknown partitioner 'modscope-partition-nope': not one of spectral, louvain, nor a package or file found from .*\n$/,
    );
    writeFileSync(join(user, 'broken.js'), 'export const createBrokenPartitioner = () => ({ name: "broken" });\n');
    const broken = await cli('cluster', 'modular.onnx', '--shuffles', '0', '--partitioner', './broken.js');
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/^modscope: .*broken\.js.*createBrokenPartitioner\(\) did not return a v1 Partitioner\..*\n$/);
  }, 600_000);
});
