import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeMismatchError, type DenseLayer } from '@modscope/core';
import { createNetwork } from '@modscope/train';
import { resolveHeldMasks } from './held-masks.js';

const network = createNetwork('3-2-2');
const layers = network.layers.filter((l): l is DenseLayer => l.kind === 'dense');

describe('resolveHeldMasks', () => {
  it("holds a masked unit's incoming weights, bias and outgoing weights", () => {
    const [d1, d2] = resolveHeldMasks(network, layers, [{ layer: 'dense1', units: [1, 0] }], 'p');
    expect(d1).toEqual({ layer: 'dense1', kernel: Float32Array.of(1, 0, 1, 0, 1, 0), bias: Float32Array.of(1, 0) });
    expect(d2).toEqual({ layer: 'dense2', kernel: Float32Array.of(1, 1, 0, 0), bias: null });
  });

  it('combines kernel masks with unit masks', () => {
    const held = resolveHeldMasks(
      network,
      layers,
      [
        { layer: 'dense2', kernel: [0, 1, 1, 1] },
        { layer: 'dense2', units: [1, 0] },
      ],
      'p',
    );
    expect(held).toEqual([{ layer: 'dense2', kernel: Float32Array.of(0, 0, 1, 0), bias: Float32Array.of(1, 0) }]);
  });

  it('rejects unknown layers and masks of the wrong length', () => {
    expect(() => resolveHeldMasks(network, layers, [{ layer: 'relu1', units: [1, 1] }], 'p')).toThrow(InvalidArgumentError);
    expect(() => resolveHeldMasks(network, layers, [{ layer: 'dense1', units: [1, 1, 1] }], 'p')).toThrow(ShapeMismatchError);
    expect(() => resolveHeldMasks(network, layers, [{ layer: 'dense1', kernel: [1] }], 'p')).toThrow(ShapeMismatchError);
  });
});
