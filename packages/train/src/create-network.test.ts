import { describe, expect, it } from 'vitest';
import { createRandom, InvalidArgumentError, validateNetwork, weightedLayers, type DenseLayer } from '@modscope/core';
import { createNetwork, glorotUniform } from './create-network.js';

describe('createNetwork', () => {
  it('builds a dense ReLU MLP of any sizes with logits at the end', () => {
    const net = createNetwork('784-256-256-256-256-10');
    expect(validateNetwork(net)).toEqual([]);
    expect(net.layout).toBe('flat');
    expect(net.layers.map((l) => l.kind)).toEqual([
      'input',
      'dense',
      'activation',
      'dense',
      'activation',
      'dense',
      'activation',
      'dense',
      'activation',
      'dense',
    ]);
    expect(weightedLayers(net).map((l) => l.kernelShape)).toEqual([
      [784, 256],
      [256, 256],
      [256, 256],
      [256, 256],
      [256, 10],
    ]);
    expect(net.output).toBe('dense5');
  });

  it('builds cnn-small for 28×28×1 images, channels last', () => {
    const net = createNetwork('cnn-small');
    expect(validateNetwork(net)).toEqual([]);
    expect(net.layout).toBe('nhwc');
    expect(net.layers.map((l) => `${l.id}:${l.outputShape.join('x')}`)).toEqual([
      'input:28x28x1',
      'conv1:26x26x16',
      'relu1:26x26x16',
      'pool1:13x13x16',
      'conv2:11x11x32',
      'relu2:11x11x32',
      'pool2:5x5x32',
      'flatten:800',
      'dense1:64',
      'relu3:64',
      'dense2:10',
    ]);
    expect(createNetwork('cnn-small', { inputShape: [12, 12, 3], classes: 4 }).layers.at(-1)!.outputShape).toEqual([4]);
  });

  it('draws Glorot-uniform kernels from the seed: same seed, same weights', () => {
    const a = createNetwork('20-16-4', { seed: 7 });
    const b = createNetwork('20-16-4', { seed: 7 });
    const c = createNetwork('20-16-4', { seed: 8 });
    const kernels = (n: typeof a) => weightedLayers(n).map((l) => [...l.kernel]);
    expect(kernels(a)).toEqual(kernels(b));
    expect(kernels(a)).not.toEqual(kernels(c));
    const first = a.layers[1] as DenseLayer;
    const limit = Math.sqrt(6 / (20 + 16));
    expect(Math.max(...first.kernel.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...first.kernel.map(Math.abs))).toBeGreaterThan(0.8 * limit);
    expect([...first.bias!]).toEqual(new Array(16).fill(0));
    const values = glorotUniform(createRandom(0), 10000, 50, 50);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
  });

  it('refuses unknown architectures with the ones it knows', () => {
    for (const arch of ['resnet50', '784', '784-0-10', '784-x-10', '']) {
      expect(() => createNetwork(arch)).toThrow(InvalidArgumentError);
    }
    expect(() => createNetwork('resnet50')).toThrow(/cnn-small/);
    expect(() => createNetwork('cnn-small', { inputShape: [6, 6, 1] })).toThrow(/10×10/);
  });
});
