import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
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
    expect(await api.tfjsLoader.canLoad(resolve(import.meta.dirname, '../../../fixtures/tfjs-mlp'))).toBe(true);
    expect(tfjsLoaded()).toBe(false);
  });

  // zod is an ES module, which require's cache does not show; so the imports are read instead
  it('imports zod only in model-json-schema.ts, which is imported only when a model is read', () => {
    const sources = readdirSync(import.meta.dirname).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const importers = (module: string) =>
      sources.filter((file) =>
        [...readFileSync(join(import.meta.dirname, file), 'utf8').matchAll(/^import (?!type )[^;]*? from '([^']+)';/gms)].some(
          (m) => m[1] === module,
        ),
      );
    expect(importers('zod')).toEqual(['model-json-schema.ts']);
    expect(importers('./model-json-schema.js')).toEqual([]);
  });
});
