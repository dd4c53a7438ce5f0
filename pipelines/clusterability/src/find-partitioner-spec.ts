import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PluginError } from '@modscope/core';
import type { PartitionerSpec } from './partitioner-spec.js';

export interface FindPartitionerSpecOptions {
  /** The directory a package name is looked up from (its `node_modules` and those above), and paths are relative to. */
  from: string;
  /** Options for the factory, passed on in the spec. Default none. */
  options?: unknown;
}

/** A factory export found by its name: `createLabelPropagationPartitioner`, `createSpectralPartitioner`, … */
const FACTORY_NAME = /^create\w*Partitioner$/;

const isPath = (specifier: string) => specifier.startsWith('.') || isAbsolute(specifier);

/** The entry file of a package directory: `exports['.']` (import, node or default condition), `main`, or index.js. */
function packageEntry(dir: string): string | undefined {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { exports?: unknown; main?: unknown };
  const pick = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return value.map(pick).find((v) => v !== undefined);
    if (typeof value !== 'object' || value === null) return undefined;
    const map = value as Record<string, unknown>;
    if ('.' in map) return pick(map['.']);
    for (const condition of ['import', 'node', 'default']) if (condition in map) return pick(map[condition]);
    return undefined;
  };
  const target = pick(manifest.exports) ?? (typeof manifest.main === 'string' ? manifest.main : 'index.js');
  const file = resolve(dir, target);
  return existsSync(file) ? file : undefined;
}

/** The file a package name or path stands for, looked up from `from` as Node looks up packages; undefined if none. */
function locate(specifier: string, from: string): string | undefined {
  if (isPath(specifier)) {
    const path = resolve(from, specifier);
    if (!existsSync(path)) return undefined;
    return statSync(path).isDirectory() ? (existsSync(join(path, 'package.json')) ? packageEntry(path) : undefined) : path;
  }
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', specifier);
    if (existsSync(join(candidate, 'package.json'))) return packageEntry(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Finds a partitioner plugin from a package name or a path — `modscope-partition-label-propagation`, or
 * `./my-partitioner.js` — looked up from `options.from` (a user's project, not this package's install),
 * and returns the spec shuffle workers load. The factory is the export named after `#` when given
 * (`pkg#createMyPartitioner`), else the default export when it is a function, else the one export named
 * `create…Partitioner`. A plugin that is not there is a `PluginError` with code `missing-plugin`; one that
 * fails to import or exports no factory is a `PluginError` with code `invalid-plugin`.
 */
export async function findPartitionerSpec(specifier: string, options: FindPartitionerSpecOptions): Promise<PartitionerSpec> {
  const hash = specifier.lastIndexOf('#');
  const name = hash > 0 ? specifier.slice(0, hash) : specifier;
  const wanted = hash > 0 ? specifier.slice(hash + 1) : undefined;
  const file = locate(name, options.from);
  if (!file) {
    throw new PluginError({
      code: 'missing-plugin',
      plugin: name,
      message: `no partitioner package or file '${name}' in ${resolve(options.from)}${isPath(name) ? '' : ' (nor its node_modules or those above)'}.`,
      hint: isPath(name)
        ? 'Give the path of the plugin file, or of a package directory, relative to the current directory.'
        : `Install it in your project (npm install ${name}), or give its path.`,
    });
  }
  const module = pathToFileURL(file).href;
  let exported: Record<string, unknown>;
  try {
    exported = (await import(module)) as Record<string, unknown>;
  } catch (error) {
    throw new PluginError({
      code: 'invalid-plugin',
      plugin: name,
      message: `the partitioner '${name}' (${file}) could not be loaded: ${(error as Error)?.message?.split('\n')[0] ?? String(error)}.`,
      hint: 'Check that the plugin is built and its dependencies installed, or report it to its authors.',
      cause: error,
    });
  }
  const factories = Object.keys(exported).filter((key) => FACTORY_NAME.test(key) && typeof exported[key] === 'function');
  const factory = wanted ?? (typeof exported.default === 'function' ? 'default' : factories.length === 1 ? factories[0] : undefined);
  if (factory === undefined || typeof exported[factory] !== 'function') {
    throw new PluginError({
      code: 'invalid-plugin',
      plugin: name,
      message:
        wanted !== undefined
          ? `the partitioner '${name}' has no exported function '${wanted}'.`
          : factories.length > 1
            ? `the partitioner '${name}' exports several factories (${factories.join(', ')}).`
            : `the partitioner '${name}' exports no partitioner factory (a default export, or one named create…Partitioner).`,
      hint:
        factories.length > 0
          ? `Name one after '#', e.g. ${name}#${factories[0]}.`
          : 'A partitioner plugin exports a factory createXPartitioner(options) that returns a Partitioner.',
    });
  }
  return { module, factory, ...(options.options !== undefined ? { options: options.options } : {}) };
}
