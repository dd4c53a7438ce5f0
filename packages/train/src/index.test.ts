import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@modscope/train public API', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual([
      'ARCHITECTURES',
      'LANGUAGE_MODEL_DEFAULTS',
      'LANGUAGE_MODEL_TRAIN_DEFAULTS',
      'TRAIN_DEFAULTS',
      'clusterableInit',
      'createLanguageModel',
      'createNetwork',
      'defaultTrainingWorkers',
      'evaluate',
      'evaluateLanguageModel',
      'fineTune',
      'fineTuneLanguageModel',
      'glorotUniform',
      'languageModelClusterableInit',
      'languageModelParameterMasks',
      'magnitudeMask',
      'normalizeUnits',
      'polynomialSparsity',
      'pruneLanguageModel',
      'train',
      'trainLanguageModel',
      'weightGraphEigenvalues',
    ]);
  });
});
