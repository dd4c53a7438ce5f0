import { describe, expect, it } from 'vitest';
import type { UnitPartition } from './interfaces/partitioner.js';
import { subclusters } from './subclusters.js';
import { tinyMlp } from './testing/synthetic-networks.js';

describe('subclusters', () => {
  const network = tinyMlp({ sizes: [4, 10, 6, 3] });
  it('keeps cluster ∩ hidden layer with more than 2 units and less than 99% of the layer, leaving out −1', () => {
    const partition: UnitPartition = {
      k: 3,
      layers: [
        { layer: 'input', labels: Int32Array.of(0, 0, 1, 1) },
        { layer: 'dense1', labels: Int32Array.of(0, 0, 0, 1, 1, 1, 1, 2, 2, -1) },
        { layer: 'dense2', labels: Int32Array.of(0, 0, 0, 0, 0, 0) },
        { layer: 'dense3', labels: Int32Array.of(0, 1, 2) },
      ],
    };
    const found = subclusters(network, partition);
    expect(found.map((s) => [s.layer, s.cluster, [...s.units]])).toEqual([
      ['dense1', 0, [0, 1, 2]],
      ['dense1', 1, [3, 4, 5, 6]],
    ]);
    expect([...found[0]!.pool]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('leaves out the input layer whatever the model calls it (TF.js: dense_1_input)', () => {
    const renamed = {
      ...network,
      layers: network.layers.map((l) =>
        l.kind === 'input'
          ? { ...l, id: 'dense_1_input' }
          : l.inputs.includes('input')
            ? { ...l, inputs: l.inputs.map((i) => (i === 'input' ? 'dense_1_input' : i)) }
            : l,
      ),
    };
    const partition: UnitPartition = {
      k: 2,
      layers: [
        { layer: 'dense_1_input', labels: Int32Array.of(0, 0, 1, 1) },
        { layer: 'dense1', labels: Int32Array.of(0, 0, 0, 1, 1, 1, 1, 1, 1, 1) },
      ],
    };
    expect(subclusters(renamed, partition).map((s) => [s.layer, s.cluster, s.units.length])).toEqual([
      ['dense1', 0, 3],
      ['dense1', 1, 7],
    ]);
    // an input layer of the partition that the model does not have is still a mismatch
    expect(() => subclusters(network, partition)).toThrow(/names layer 'dense_1_input'/);
  });

  it('says when the partition does not match the model', () => {
    expect(() => subclusters(network, { k: 2, layers: [{ layer: 'dense9', labels: new Int32Array(3) }] })).toThrow(
      /does not have.*modscope cluster/s,
    );
    expect(() => subclusters(network, { k: 2, layers: [{ layer: 'dense1', labels: new Int32Array(7) }] })).toThrow(
      /7 labels for layer 'dense1', which has 10 units/,
    );
  });
});
