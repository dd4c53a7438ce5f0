import { createRequire } from 'node:module';
import { sep } from 'node:path';
import { expect, it } from 'vitest';
import * as api from './index.js';

it('exports exactly the public API', () => {
  expect(Object.keys(api).sort()).toEqual(['FEATURE_VIZ_DEFAULTS', 'createFeatureVisualizer', 'featureVisualizer', 'toPng', 'writePng']);
});

it('loads no tfjs when imported: the first visualization does', () => {
  const cache = createRequire(import.meta.url).cache;
  expect(Object.keys(cache).some((file) => file.includes(`${sep}@tensorflow${sep}`))).toBe(false);
});
