import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@modscope/train public API', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual([
      'ARCHITECTURES',
      'TRAIN_DEFAULTS',
      'clusterableInit',
      'createNetwork',
      'evaluate',
      'fineTune',
      'glorotUniform',
      'magnitudeMask',
      'normalizeUnits',
      'polynomialSparsity',
      'train',
      'weightGraphEigenvalues',
    ]);
  });
});
