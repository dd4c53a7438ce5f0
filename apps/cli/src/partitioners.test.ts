import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadPartitioner } from '@modscope/clusterability';
import { describe, expect, it } from 'vitest';
import { PARTITIONERS, partitionerSpec } from './partitioners.js';
import { isUsageError } from './usage-error.js';

describe('partitionerSpec', () => {
  it('names the built-in partitioners, resolved from modscope’s own install', async () => {
    expect(Object.keys(PARTITIONERS)).toEqual(['spectral', 'louvain']);
    for (const name of Object.keys(PARTITIONERS)) {
      const spec = await partitionerSpec(name, tmpdir());
      expect(spec.module).toMatch(/^file:\/\/.*partition-/);
      expect((await loadPartitioner(spec)).name).toBe(name);
    }
  });

  it('finds a plugin package in the given project', async () => {
    const project = mkdtempSync(join(tmpdir(), 'modscope-cli-plugin-'));
    const dir = join(project, 'node_modules', 'my-partitioner');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'my-partitioner', type: 'module', main: 'index.js' }));
    writeFileSync(
      join(dir, 'index.js'),
      "export const createMyPartitioner = () => ({ specificationVersion: 'v1', name: 'mine', partition: async (g) => ({ labels: new Int32Array(g.nodeCount), k: 1 }) });",
    );
    expect(await partitionerSpec('my-partitioner', project)).toEqual({
      module: pathToFileURL(join(dir, 'index.js')).href,
      factory: 'createMyPartitioner',
    });
  });

  it('refuses an unknown name as a usage error that names the built-in ones', async () => {
    const error = await partitionerSpec('nope', tmpdir()).catch((e: unknown) => e);
    expect(isUsageError(error)).toBe(true);
    expect((error as Error).message).toMatch(/unknown partitioner 'nope'.*spectral, louvain/);
  });
});
