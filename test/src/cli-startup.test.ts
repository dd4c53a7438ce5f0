import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, runCli } from './run-cli.js';

// Start-up (issue 13): a command loads the heavy runtimes only when it needs them. The CLI runs with a
// preload that records every module the process loads: ES modules through a load hook, CommonJS ones
// from require's cache at exit (tfjs and onnxruntime-node are CommonJS packages).
const HOOKS = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.MODSCOPE_LOADED_MODULES, url + '\\n');
  return next(url, context);
}
`;
const PRELOAD = `import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
register(new URL('./hooks.mjs', import.meta.url));
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  const urls = Object.keys(cache).map((path) => pathToFileURL(path).href);
  appendFileSync(process.env.MODSCOPE_LOADED_MODULES, urls.join('\\n') + '\\n');
});
`;

const HEAVY = {
  tfjs: /\/node_modules\/@tensorflow\/tfjs[^/]*\//,
  onnxruntime: /\/node_modules\/onnxruntime-(node|common)\//,
  echarts: /\/node_modules\/(echarts|zrender)\//,
  zod: /\/node_modules\/zod\//,
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'modscope-startup-'));
  writeFileSync(join(dir, 'hooks.mjs'), HOOKS);
  writeFileSync(join(dir, 'preload.mjs'), PRELOAD);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI; its exit code, stdout, and the URLs of every module the process loaded. */
function loadedBy(args: string[]) {
  const list = join(dir, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(list, '');
  const r = runCli(args, {
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${pathToFileURL(join(dir, 'preload.mjs')).href}`,
    MODSCOPE_LOADED_MODULES: list,
  });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return { ...r, modules: readFileSync(list, 'utf8').split('\n').filter(Boolean) };
}

const matching = (modules: string[], pattern: RegExp) => modules.filter((url) => pattern.test(url));

describe('modscope start-up', () => {
  it('inspects an ONNX model without loading tfjs, onnxruntime or echarts', () => {
    const { stdout, modules } = loadedBy(['inspect', fixture('clusterability/control.onnx')]);
    expect(stdout).toContain('400,906 parameters');
    // the recorder sees both kinds of module: the ONNX loader and its protobuf decoder pbf (ESM), and
    // commander (CommonJS)
    expect(matching(modules, /\/loader-onnx\/dist\//).length).toBeGreaterThan(0);
    expect(matching(modules, /\/node_modules\/pbf\//).length).toBeGreaterThan(0);
    expect(matching(modules, /\/node_modules\/commander\/index\.js$/).length).toBeGreaterThan(0);
    expect(matching(modules, HEAVY.tfjs)).toEqual([]);
    expect(matching(modules, HEAVY.onnxruntime)).toEqual([]);
    expect(matching(modules, HEAVY.echarts)).toEqual([]);
  });

  it('loads tfjs for a TF.js model, and still neither onnxruntime nor echarts', () => {
    const { modules } = loadedBy(['inspect', fixture('tfjs-mlp')]);
    expect(matching(modules, HEAVY.tfjs).length).toBeGreaterThan(0);
    expect(matching(modules, HEAVY.onnxruntime)).toEqual([]);
    expect(matching(modules, HEAVY.echarts)).toEqual([]);
  });

  it('clusters without loading tfjs, onnxruntime, echarts or zod (results are stamped through @modscope/results/format)', () => {
    const { stdout, modules } = loadedBy([
      'cluster',
      fixture('clusterability/control.onnx'),
      '--prune',
      '0.9',
      '--shuffles',
      '0',
      '--json',
      '-',
    ]);
    expect(JSON.parse(stdout)).toMatchObject({ kind: 'modscope/cluster', version: 1 });
    expect(matching(modules, /\/pipelines\/clusterability\/dist\//).length).toBeGreaterThan(0);
    for (const pattern of Object.values(HEAVY)) expect(matching(modules, pattern)).toEqual([]);
    // without --queue nothing of the queue is loaded
    expect(matching(modules, /\/(node_modules\/(bullmq|ioredis)|packages\/queue)\//)).toEqual([]);
  });

  it('prints its version without loading any plugin', () => {
    const { modules } = loadedBy(['--version']);
    expect(matching(modules, /\/(plugins|pipelines)\/[^/]+\/dist\//)).toEqual([]);
    expect(matching(modules, /\/node_modules\/(@tensorflow|onnxruntime-node|echarts|pbf|cli-progress)\//)).toEqual([]);
  });
});
