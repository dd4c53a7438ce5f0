import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@modscope/loader-onnx public API', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual([
      'createOnnxEvaluator',
      'createOnnxLoader',
      'decodeOnnxModel',
      'encodeOnnxModel',
      'networkToOnnx',
      'onnxLoader',
      'onnxToNetwork',
    ]);
  });

  it('has a ready default loader named onnx', () => {
    expect(api.onnxLoader).toMatchObject({ specificationVersion: 'v1', name: 'onnx' });
    expect(api.onnxLoader.canLoad('model.ONNX')).toBe(true);
    expect(api.onnxLoader.canLoad('model.json')).toBe(false);
  });
});
