import { describe, expect, it } from 'vitest';
import { inputSize, outputSize, type Dataset } from '@modscope/core';
import { twoTaskDataset } from '@modscope/datasets';
import { DEFAULT_ARCH, resolveArch } from './resolve-arch.js';

const images: Dataset = {
  name: 'tiny-images',
  inputShape: [12, 12, 1],
  count: 2,
  inputs: new Float32Array(2 * 144),
  labels: Int32Array.from([0, 1]),
  classes: 3,
};

describe('resolveArch', () => {
  const tabular = twoTaskDataset({ count: 8 });

  it('adapts the default MLP to the data: its input size and one output per class', () => {
    expect(DEFAULT_ARCH).toBe('784-256-256-256-256-10');
    const { arch, network } = resolveArch(undefined, tabular);
    expect(arch).toBe('32-256-256-256-256-8');
    const net = network(0);
    expect([inputSize(net), outputSize(net)]).toEqual([32, 8]);
  });

  it('builds an MLP spec that fits the data, seeded', () => {
    const { arch, network } = resolveArch('32-16-8', tabular);
    expect(arch).toBe('32-16-8');
    expect(network(1)).toEqual(network(1));
    expect(network(1)).not.toEqual(network(2));
  });

  it('builds cnn-small for images, in their shape', () => {
    const { arch, network } = resolveArch('cnn-small', images);
    expect(arch).toBe('cnn-small');
    expect(network(0).layers[0]!.outputShape).toEqual([12, 12, 1]);
    expect(outputSize(network(0))).toBe(3);
  });

  it('says how to fix an unknown or mismatched architecture', () => {
    expect(() => resolveArch('resnet50', tabular)).toThrow(/^unknown architecture 'resnet50'\. /);
    expect(() => resolveArch('resnet50', tabular)).toThrow(
      expect.objectContaining({ hint: expect.stringMatching(/32-64-8 for two-task.*cnn-small/) }),
    );
    expect(() => resolveArch('784-64-10', tabular)).toThrow(/expected 32 inputs and 8 outputs, got 784 inputs and 10 outputs/);
    expect(() => resolveArch('cnn-small', tabular)).toThrow(
      expect.objectContaining({ hint: 'Use an MLP for tabular data, e.g. --arch 32-64-8.' }),
    );
  });
});
