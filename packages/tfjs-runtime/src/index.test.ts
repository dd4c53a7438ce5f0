import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@modscope/tfjs-runtime public API', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual([
      'ModscopeCausalSelfAttention',
      'ModscopeGeluTanh',
      'ModscopeTokenPositionEmbedding',
      'checkTfjsSupport',
      'convolve',
      'convolveWithIm2colGradients',
      'disposeWeights',
      'forwardNetwork',
      'fromTfjsModel',
      'matMulWithTransposedGradient',
      'pool2d',
      'registerModscopeLayers',
      'registerWasmConvGradients',
      'saveTfjsModel',
      'selectBackend',
      'tfjsLayerName',
      'toTfjsModel',
      'uploadWeights',
    ]);
  });
});
