import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@modscope/tfjs-runtime';
import { createRandom } from '@modscope/core';
import { modularMlp, referenceForward, tinyCnn, tinyMlp } from '@modscope/core/testing';
import { visualizeFeatures } from './visualize-features.js';
import { oneClassNetwork } from './test-support/one-class-network.js';

let backend = '';
beforeAll(async () => {
  backend = (await selectBackend({ backend: 'wasm' }).catch(() => selectBackend({ backend: 'cpu' }))).name;
});

describe('visualizeFeatures', () => {
  it('raises the unit set’s mean activation above the start and above any of 256 random inputs', async () => {
    const { network } = modularMlp();
    const units = [4, 5, 6];
    const result = await visualizeFeatures(network, { layer: 'dense1', units, steps: 64, inputRange: [0, 1] });
    expect(result.activation).toBeGreaterThan(2 * result.startActivation);
    expect(result.image).toHaveLength(16);
    expect(result.shape).toEqual([16]);
    expect(result.backend).toBe(backend);
    for (const v of result.image) expect(v >= 0 && v <= 1).toBe(true);
    expect(result.softmax.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    // The reported activation is the network's on the image; random inputs in the box reach less.
    const meanOf = (inputs: Float32Array, count: number) => {
      const act = referenceForward(network, { inputs, count, capture: ['act1'] }).activations!.get('act1')!.data;
      return Array.from({ length: count }, (_, n) => units.reduce((sum, u) => sum + act[n * 32 + u]!, 0) / units.length);
    };
    expect(meanOf(result.image, 1)[0]).toBeCloseTo(result.activation, 4);
    const rng = createRandom(5);
    const random = Float32Array.from({ length: 256 * 16 }, () => rng.next());
    expect(result.activation).toBeGreaterThan(Math.max(...meanOf(random, 256)));
  });

  it('is deterministic: the same seed gives the same image, another seed another', async () => {
    const network = tinyMlp();
    const options = { layer: 'dense2', units: Int32Array.from([1, 4]), steps: 32 };
    const a = await visualizeFeatures(network, options);
    const b = await visualizeFeatures(network, options);
    const c = await visualizeFeatures(network, { ...options, seed: 1 });
    expect(b.image).toEqual(a.image);
    expect(b.entropy).toBe(a.entropy);
    expect(c.image).not.toEqual(a.image);
  });

  it('reads before the activation with point pre, and leaves no tensors behind', async () => {
    const network = oneClassNetwork();
    const before = tf.memory().numTensors;
    const post = await visualizeFeatures(network, { layer: 'hidden', units: [0, 1], steps: 64, inputRange: [-1, 1], start: 'zeros' });
    const pre = await visualizeFeatures(network, {
      layer: 'hidden',
      units: [0, 1],
      steps: 64,
      inputRange: [-1, 1],
      start: 'zeros',
      point: 'pre',
    });
    expect(tf.memory().numTensors).toBe(before);
    // From zeros, ReLU units have no gradient (tfjs: relu'(0) = 0); their pre-activations do.
    expect(post.activation).toBe(0);
    expect(pre.activation).toBeCloseTo(2, 4);
    expect(pre.entropy).toBeLessThan(0.01);
  });

  it('visualizes conv channels (spatial mean) in the network layout, on the selected backend (wasm included)', async () => {
    const network = tinyCnn({ layout: 'nchw' });
    const result = await visualizeFeatures(network, { layer: 'conv1', units: [0, 2], steps: 48 });
    expect(result.image).toHaveLength(64);
    expect(result.layout).toBe('nchw');
    expect(result.activation).toBeGreaterThan(result.startActivation + 0.1);
    expect(result.backend).toBe(backend);
    expect(tf.getBackend()).toBe(backend);
  });

  it('rejects unknown and non-unit layers, and bad unit sets', async () => {
    const network = tinyMlp();
    const rejects = (options: Parameters<typeof visualizeFeatures>[1], argument: string, message: RegExp) =>
      expect(visualizeFeatures(network, options)).rejects.toMatchObject({
        code: 'invalid-argument',
        argument,
        message: expect.stringMatching(message),
      });
    await rejects({ layer: 'nope', units: [0] }, 'layer', /no layer 'nope'/);
    await rejects({ layer: 'act1', units: [0] }, 'layer', /activation layer/);
    await rejects({ layer: 'dense1', units: [] }, 'units', /empty/);
    await rejects({ layer: 'dense1', units: [8] }, 'units', /out of range/);
    await rejects({ layer: 'dense1', units: [1, 1] }, 'units', /twice/);
    await rejects({ layer: 'dense1', units: [0], steps: -1 }, 'steps', /steps/);
    await rejects({ layer: 'dense1', units: [0], inputRange: [1, 0] }, 'inputRange', /inputRange/);
  });
});
