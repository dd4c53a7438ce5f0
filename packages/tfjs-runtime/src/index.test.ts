import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@modscope/tfjs-runtime public API', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual([
      'checkTfjsSupport',
      'disposeWeights',
      'forwardNetwork',
      'fromTfjsModel',
      'matMulWithTransposedGradient',
      'pool2d',
      'saveTfjsModel',
      'selectBackend',
      'tfjsLayerName',
      'toTfjsModel',
      'uploadWeights',
    ]);
  });
});
