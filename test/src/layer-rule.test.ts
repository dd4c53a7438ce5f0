import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { root } from './run-cli.js';

// The layer rule of docs/architecture.md, as `npm test` checks it: dependency-cruiser with the repository's
// own configuration, run over a miniature monorepo laid out like ours.
const depcruise = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const config = join(root, '.dependency-cruiser.cjs');

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A workspace package `name` in `folder` whose entry is src/index.ts with these lines. */
function workspacePackage(base: string, folder: string, name: string, lines: readonly string[]): void {
  write(base, `${folder}/package.json`, JSON.stringify({ name, type: 'module', exports: './src/index.ts' }));
  write(base, `${folder}/src/index.ts`, `${lines.join('\n')}\nexport const here = ${JSON.stringify(name)};\n`);
  mkdirSync(dirname(join(base, 'node_modules', name)), { recursive: true });
  symlinkSync(join(base, folder), join(base, 'node_modules', name), 'dir');
}

function write(base: string, path: string, text: string): void {
  mkdirSync(dirname(join(base, path)), { recursive: true });
  writeFileSync(join(base, path), text);
}

/** The five layers, each importing only what the rule allows, plus `extra` lines in chosen packages. */
function miniMonorepo(extra: Partial<Record<'graph' | 'loader' | 'partitioner' | 'study' | 'core', readonly string[]>> = {}): string {
  const base = mkdtempSync(join(tmpdir(), 'modscope-layers-'));
  write(base, 'tsconfig.base.json', JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }));
  workspacePackage(base, 'packages/core', '@modscope/core', extra.core ?? []);
  workspacePackage(base, 'packages/graph', '@modscope/graph', ["import '@modscope/core';", ...(extra.graph ?? [])]);
  workspacePackage(base, 'plugins/loader-onnx', '@modscope/loader-onnx', ["import '@modscope/graph';", ...(extra.loader ?? [])]);
  workspacePackage(base, 'plugins/partition-spectral', '@modscope/partition-spectral', [
    "import '@modscope/core';",
    ...(extra.partitioner ?? []),
  ]);
  workspacePackage(base, 'pipelines/lesion-study', '@modscope/lesion-study', [
    "import '@modscope/loader-onnx';",
    "import '@modscope/partition-spectral';",
    ...(extra.study ?? []),
  ]);
  workspacePackage(base, 'apps/cli', 'modscope', ["import '@modscope/lesion-study';"]);
  return base;
}

function cruise(base: string): { code: number; output: string } {
  const r = spawnSync(
    process.execPath,
    [depcruise, '--config', config, '--output-type', 'err', 'packages/core/src', 'packages/graph/src', 'plugins', 'pipelines', 'apps'],
    {
      cwd: base,
      encoding: 'utf8',
    },
  );
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

describe('the layer rule (dependency-cruiser, .dependency-cruiser.cjs)', () => {
  it('passes a monorepo whose imports all point down the layers', () => {
    dir = miniMonorepo();
    const r = cruise(dir);
    expect(r.output).toContain('no dependency violations found');
    expect(r.code).toBe(0);
  });

  it.each([
    ['a shared package importing a plugin', { graph: ["import '@modscope/partition-spectral';"] }, 'shared-imports-only-shared'],
    ['a plugin importing another plugin', { partitioner: ["import '@modscope/loader-onnx';"] }, 'plugins-are-independent'],
    ['a pipeline importing the app', { study: ["import 'modscope';"] }, 'nothing-imports-apps'],
    ['core importing a shared package', { core: ["import '@modscope/graph';"] }, 'core-imports-nothing-of-ours'],
  ] as const)('fails on %s', (_what, extra, rule) => {
    dir = miniMonorepo(extra);
    const r = cruise(dir);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain(`error ${rule}:`);
  });
});
