import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from './select-backend.js';

describe('selectBackend', () => {
  it('picks the fastest available backend and says why the faster ones were skipped', async () => {
    const selection = await selectBackend({ env: {} });
    expect(['tensorflow', 'wasm', 'cpu']).toContain(selection.name);
    expect(tf.getBackend()).toBe(selection.name);
    expect(selection.reason.length).toBeGreaterThan(0);
    if (selection.name !== 'tensorflow') expect(selection.skipped.map((s) => s.name)).toEqual(['tfjs-node-gpu', 'tfjs-node']);
  });

  it('returns the current selection when called again without options', async () => {
    const first = await selectBackend({ backend: 'cpu' });
    expect(await selectBackend()).toBe(first);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('is forced by MODSCOPE_BACKEND or options.backend', async () => {
    await selectBackend({ backend: 'cpu' });
    const fromEnv = await selectBackend({ backend: 'auto', env: { MODSCOPE_BACKEND: 'wasm' } });
    expect(fromEnv).toMatchObject({ name: 'wasm', reason: 'requested by MODSCOPE_BACKEND=wasm' });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('rejects unknown names with an invalid-argument error', async () => {
    await expect(selectBackend({ env: { MODSCOPE_BACKEND: 'webgpu' } })).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(selectBackend({ backend: 'gpu' as never })).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('explains how to install tfjs-node when the tensorflow backend is forced but missing', async () => {
    const result = await selectBackend({ backend: 'tensorflow' }).catch((e: unknown) => e);
    if (tf.getBackend() === 'tensorflow') return;
    expect(result).toMatchObject({ code: 'invalid-argument' });
    expect(String(result)).toContain('npm install @tensorflow/tfjs-node');
  });
});
