import { describe, expect, it } from 'vitest';
import { prepareInputs, sliceDataset, type Dataset } from './dataset.js';
import type { Network } from './network.js';
import { tinyMlp } from './testing/synthetic-networks.js';

const withInput = (shape: number[], layout: Network['layout']): Network => {
  const n = tinyMlp();
  n.layout = layout;
  n.layers[0]!.outputShape = shape;
  return n;
};

const rgb: Dataset = {
  name: 'rgb',
  count: 1,
  inputShape: [2, 2, 3],
  // pixel (y, x) channel c = 100c + 10y + x
  inputs: Float32Array.from([0, 100, 200, 1, 101, 201, 10, 110, 210, 11, 111, 211]),
  labels: Int32Array.from([0]),
  classes: 1,
};

describe('prepareInputs', () => {
  it('transposes channels-last images for a channels-first model', () => {
    expect([...prepareInputs(rgb, withInput([3, 2, 2], 'nchw'))]).toEqual([0, 1, 10, 11, 100, 101, 110, 111, 200, 201, 210, 211]);
  });

  it('keeps the order for a channels-last or flat model', () => {
    expect([...prepareInputs(rgb, withInput([2, 2, 3], 'nhwc'))]).toEqual([...rgb.inputs]);
    expect([...prepareInputs(rgb, withInput([12], 'flat'))]).toEqual([...rgb.inputs]);
  });

  it('normalizes per channel in either layout', () => {
    const normalize = { mean: [0, 100, 200], std: [1, 2, 4] };
    const chw = prepareInputs(rgb, withInput([3, 2, 2], 'nchw'), { normalize });
    expect([...chw]).toEqual([0, 1, 10, 11, 0, 0.5, 5, 5.5, 0, 0.25, 2.5, 2.75]);
    const hwc = prepareInputs(rgb, withInput([2, 2, 3], 'nhwc'), { normalize });
    expect([...hwc.subarray(0, 3)]).toEqual([0, 0, 0]);
    expect(hwc[11]).toBe(2.75);
  });

  it('names both shapes when the data does not fit the model', () => {
    expect(() => prepareInputs(rgb, withInput([784], 'flat'))).toThrow(
      /Shape mismatch for the input of model 'tiny-mlp' fed from dataset 'rgb': expected \[784\], got \[2, 2, 3\]/,
    );
  });

  it('slices examples', () => {
    const d: Dataset = {
      ...rgb,
      count: 3,
      inputShape: [2],
      inputs: Float32Array.from([1, 2, 3, 4, 5, 6]),
      labels: Int32Array.from([0, 1, 2]),
      classes: 3,
    };
    const s = sliceDataset(d, 1, 3);
    expect(s.count).toBe(2);
    expect([...s.inputs]).toEqual([3, 4, 5, 6]);
    expect([...s.labels]).toEqual([1, 2]);
  });
});
