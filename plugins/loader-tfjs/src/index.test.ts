import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@modscope/loader-tfjs public API', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual([
      'createTfjsEvaluator',
      'createTfjsLoader',
      'fromTfjsModel',
      'pool2d',
      'readModelArtifacts',
      'saveTfjsModel',
      'selectBackend',
      'supportedLayerClasses',
      'tfjsLoader',
      'toTfjsModel',
    ]);
  });

  it('has a ready default loader named tfjs-layers', () => {
    expect(api.tfjsLoader).toMatchObject({ specificationVersion: 'v1', name: 'tfjs-layers' });
  });
});
