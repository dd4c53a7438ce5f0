import { createRequire } from 'node:module';
import { sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@modscope/loader-tfjs public API', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual([
      'createTfjsEvaluator',
      'createTfjsLoader',
      'readModelArtifacts',
      'supportedLayerClasses',
      'tfjsLoader',
    ]);
  });

  it('has a ready default loader named tfjs-layers', () => {
    expect(api.tfjsLoader).toMatchObject({ specificationVersion: 'v1', name: 'tfjs-layers' });
  });

  it('loads no tfjs when imported: routing a path by canLoad costs no tfjs start-up', async () => {
    const cache = createRequire(import.meta.url).cache;
    const tfjsLoaded = () => Object.keys(cache).some((file) => file.includes(`${sep}@tensorflow${sep}`));
    expect(tfjsLoaded()).toBe(false);
    expect(await api.tfjsLoader.canLoad(import.meta.filename)).toBe(false);
    expect(tfjsLoaded()).toBe(false);
  });
});
