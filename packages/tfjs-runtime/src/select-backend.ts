import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '@modscope/core';
import { registerWasmConvGradients } from './register-wasm-conv-gradients.js';

/** The backends modscope can run tfjs on, fastest first. `tensorflow` is tfjs-node or tfjs-node-gpu. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface SelectBackendOptions {
  /**
   * Forces one backend instead of the fastest available; `auto` (the default) reads the `MODSCOPE_BACKEND`
   * environment variable and otherwise tries tfjs-node-gpu, tfjs-node, wasm, cpu in that order.
   */
  backend?: BackendName | 'auto';
  /** Environment to read `MODSCOPE_BACKEND` from; defaults to `process.env`. */
  env?: Record<string, string | undefined>;
}

export interface BackendSelection {
  /** The tfjs backend now active. */
  name: BackendName;
  /** Why it was chosen, for the CLI to print (e.g. `@tensorflow/tfjs-node is not installed; wasm works`). */
  reason: string;
  /** The faster backends that were tried and why each was skipped. */
  skipped: { name: string; reason: string }[];
  /** The npm package that provides the backend. */
  package: string;
}

const backendNames: readonly string[] = ['tensorflow', 'wasm', 'cpu'];

let current: Promise<BackendSelection> | undefined;

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.slice(0, 200);
}

function isNotInstalled(error: unknown, pkg: string): boolean {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : '';
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(pkg);
}

/** Loads an optional package by a name TypeScript and bundlers do not resolve at build time. */
async function importOptional(pkg: string): Promise<void> {
  await import(/* @vite-ignore */ pkg);
}

async function tryNode(pkg: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node'): Promise<string | null> {
  try {
    await importOptional(pkg);
  } catch (error) {
    return isNotInstalled(error, pkg) ? `${pkg} is not installed` : `${pkg} failed to load: ${describe(error)}`;
  }
  try {
    if (!(await tf.setBackend('tensorflow'))) return `${pkg} loaded but its backend did not initialize`;
  } catch (error) {
    return `${pkg} loaded but its backend did not initialize: ${describe(error)}`;
  }
  return null;
}

async function tryWasm(): Promise<string | null> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) return 'the wasm backend did not initialize';
    registerWasmConvGradients();
    return null;
  } catch (error) {
    return `the wasm backend failed: ${describe(error)}`;
  }
}

async function tryCpu(): Promise<string | null> {
  try {
    return (await tf.setBackend('cpu')) ? null : 'the cpu backend did not initialize';
  } catch (error) {
    return `the cpu backend failed: ${describe(error)}`;
  }
}

async function force(name: BackendName, source: string): Promise<BackendSelection> {
  if (name === 'tensorflow') {
    const gpu = await tryNode('@tensorflow/tfjs-node-gpu');
    if (gpu === null)
      return { name, reason: `${source}; using @tensorflow/tfjs-node-gpu`, skipped: [], package: '@tensorflow/tfjs-node-gpu' };
    const node = await tryNode('@tensorflow/tfjs-node');
    if (node === null) {
      return {
        name,
        reason: `${source}; using @tensorflow/tfjs-node`,
        skipped: [{ name: 'tfjs-node-gpu', reason: gpu }],
        package: '@tensorflow/tfjs-node',
      };
    }
    throw new InvalidArgumentError({
      argument: 'backend',
      message: `@modscope/tfjs-runtime: the tensorflow backend was requested (${source}) but cannot be used: ${gpu}; ${node}.`,
      hint: 'Install it with `npm install @tensorflow/tfjs-node` (or `@tensorflow/tfjs-node-gpu` on a CUDA machine), or choose wasm or cpu.',
    });
  }
  const failure = name === 'wasm' ? await tryWasm() : await tryCpu();
  if (failure !== null) {
    throw new InvalidArgumentError({
      argument: 'backend',
      message: `@modscope/tfjs-runtime: the ${name} backend was requested (${source}) but ${failure}.`,
      hint: 'Choose another backend, or unset MODSCOPE_BACKEND to let modscope pick one.',
    });
  }
  return { name, reason: source, skipped: [], package: name === 'wasm' ? '@tensorflow/tfjs-backend-wasm' : '@tensorflow/tfjs' };
}

async function auto(): Promise<BackendSelection> {
  const skipped: { name: string; reason: string }[] = [];
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const) {
    const failure = await tryNode(pkg);
    if (failure === null) return { name: 'tensorflow', reason: `${pkg} is installed`, skipped, package: pkg };
    skipped.push({ name: pkg.replace('@tensorflow/', ''), reason: failure });
  }
  const wasm = await tryWasm();
  if (wasm === null) {
    return {
      name: 'wasm',
      reason: 'fastest available: neither tfjs-node package could be used; wasm works',
      skipped,
      package: '@tensorflow/tfjs-backend-wasm',
    };
  }
  skipped.push({ name: 'wasm', reason: wasm });
  const cpu = await tryCpu();
  if (cpu === null) return { name: 'cpu', reason: 'fallback: no faster backend works', skipped, package: '@tensorflow/tfjs' };
  throw new InvalidArgumentError({
    argument: 'backend',
    message: `@modscope/tfjs-runtime: no tfjs backend works (${[...skipped.map((s) => s.reason), cpu].join('; ')}).`,
    hint: 'Reinstall @tensorflow/tfjs and @tensorflow/tfjs-backend-wasm.',
  });
}

/**
 * Makes the fastest available tfjs backend active, once: tfjs-node-gpu, then tfjs-node (both optional
 * peer dependencies), then wasm, then cpu. `MODSCOPE_BACKEND=tensorflow|wasm|cpu` or `options.backend`
 * forces one. Called without options after a selection was made, returns that selection unchanged, so
 * evaluators and loaders keep the backend the application chose; with options it selects again.
 */
export function selectBackend(options: SelectBackendOptions = {}): Promise<BackendSelection> {
  if (options.backend === undefined && options.env === undefined && current) return current;
  const requested = options.backend ?? 'auto';
  let selection: Promise<BackendSelection>;
  if (requested !== 'auto') {
    if (!backendNames.includes(requested)) return Promise.reject(invalidBackend(requested, 'options.backend'));
    selection = force(requested, `requested by options.backend = '${requested}'`);
  } else {
    const fromEnv = (options.env ?? process.env).MODSCOPE_BACKEND?.trim().toLowerCase();
    if (fromEnv && fromEnv !== 'auto') {
      if (!backendNames.includes(fromEnv)) return Promise.reject(invalidBackend(fromEnv, 'MODSCOPE_BACKEND'));
      selection = force(fromEnv as BackendName, `requested by MODSCOPE_BACKEND=${fromEnv}`);
    } else {
      selection = auto();
    }
  }
  // A failed selection is not cached, so the caller may fix the problem and try again.
  current = selection.catch((error: unknown) => {
    current = undefined;
    throw error;
  });
  return current;
}

function invalidBackend(value: string, where: string): InvalidArgumentError {
  return new InvalidArgumentError({
    argument: 'backend',
    message: `@modscope/tfjs-runtime: unknown backend '${value}' in ${where}.`,
    hint: `Use one of ${backendNames.join(', ')} or auto.`,
  });
}
