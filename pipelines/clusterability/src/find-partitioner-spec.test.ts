import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findPartitionerSpec } from './find-partitioner-spec.js';
import { loadPartitioner } from './partitioner-spec.js';

/** A plugin module exporting `body`: a factory returning a partitioner that puts every node in cluster 0. */
const partitionerModule = (exports: string) => `
const make = (options = {}) => ({
  specificationVersion: 'v1',
  name: options.name ?? 'one-cluster',
  partition: async (graph) => ({ labels: new Int32Array(graph.nodeCount), k: 1 }),
});
${exports}
`;

function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'modscope-find-'));
  const pkg = (name: string, manifest: object, files: Record<string, string>) => {
    const dir = join(root, 'node_modules', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, type: 'module', ...manifest }));
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  };
  // an import-only exports map (require.resolve would not find it), a factory found by its name
  pkg(
    'one-cluster-partitioner',
    { exports: { '.': { import: './lib.js' } } },
    { 'lib.js': partitionerModule('export const createOneClusterPartitioner = make;') },
  );
  pkg('default-partitioner', { main: 'main.js' }, { 'main.js': partitionerModule('export default make;') });
  pkg(
    'two-partitioners',
    {},
    {
      'index.js': partitionerModule(
        'export const createAPartitioner = make;\nexport const createBPartitioner = (o) => make({ name: "b", ...o });',
      ),
    },
  );
  pkg('no-partitioner', {}, { 'index.js': 'export const answer = 42;' });
  pkg('broken-partitioner', {}, { 'index.js': 'export const createBrokenPartitioner = ;' });
  writeFileSync(join(root, 'local.js'), partitionerModule('export const createLocalPartitioner = make;'));
  mkdirSync(join(root, 'sub'));
  return root;
}

describe('findPartitionerSpec', () => {
  const root = project();

  it('finds a package from the given directory and the ones above, and its factory by name', async () => {
    const spec = await findPartitionerSpec('one-cluster-partitioner', { from: join(root, 'sub') });
    expect(spec).toEqual({
      module: pathToFileURL(join(root, 'node_modules/one-cluster-partitioner/lib.js')).href,
      factory: 'createOneClusterPartitioner',
    });
    expect((await loadPartitioner(spec)).name).toBe('one-cluster');
  });

  it('takes a default export, an export named after #, a path, and passes options on', async () => {
    expect((await findPartitionerSpec('default-partitioner', { from: root })).factory).toBe('default');
    const b = await findPartitionerSpec('two-partitioners#createBPartitioner', { from: root, options: { name: 'bee' } });
    expect(b.factory).toBe('createBPartitioner');
    expect((await loadPartitioner(b)).name).toBe('bee');
    const local = await findPartitionerSpec('../local.js', { from: join(root, 'sub') });
    expect(local).toEqual({ module: pathToFileURL(join(root, 'local.js')).href, factory: 'createLocalPartitioner' });
  });

  it('says what is wrong in one line: not installed, no factory, several factories, a broken module', async () => {
    const failure = (specifier: string): Promise<Error & { code?: string }> =>
      findPartitionerSpec(specifier, { from: root }).then(
        () => new Error(`'${specifier}' was found`),
        (e: unknown) => e as Error & { code?: string },
      );
    const missing = await failure('no-such-partitioner');
    expect(missing).toMatchObject({ code: 'missing-plugin', plugin: 'no-such-partitioner' });
    expect(missing.message).toMatch(/^no partitioner package or file 'no-such-partitioner' in .*npm install no-such-partitioner/);
    expect(await failure('./nowhere.js')).toMatchObject({ code: 'missing-plugin' });
    expect((await failure('no-partitioner')).message).toMatch(/exports no partitioner factory/);
    expect((await failure('two-partitioners')).message).toMatch(
      /several factories \(createAPartitioner, createBPartitioner\).*two-partitioners#createAPartitioner/,
    );
    expect((await failure('two-partitioners#createC')).message).toMatch(/no exported function 'createC'/);
    const broken = await failure('broken-partitioner');
    expect(broken).toMatchObject({ code: 'invalid-plugin' });
    expect(broken.message).toMatch(/could not be loaded: .*Unexpected token/);
    for (const e of [missing, broken]) expect(e.message).not.toMatch(/\n/);
  });
});
