import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@modscope/tfjs-runtime';
import { tinyMlp } from '@modscope/core/testing';
import { featureVisualizationTest } from './feature-visualization-test.js';
import { oneClassNetwork } from './test-support/one-class-network.js';

beforeAll(() => selectBackend({ backend: 'wasm' }).catch(() => selectBackend({ backend: 'cpu' })));

describe('featureVisualizationTest', () => {
  it('finds a unit set wired to one class lower in entropy than random sets', async () => {
    const result = await featureVisualizationTest(oneClassNetwork(), [{ layer: 'hidden', units: [0, 1] }], {
      steps: 64,
      inputRange: [0, 1],
    });
    const [only] = result.subclusters;
    expect(only!.size).toBe(2);
    expect(only!.randomEntropies).toHaveLength(19);
    expect(only!.entropy).toBeLessThan(0.01);
    for (const e of only!.randomEntropies) expect(e).toBeGreaterThanOrEqual(only!.entropy);
    expect(only!.p).toBeCloseTo(1 / 20, 12);
    expect(result.fisher).toMatchObject({ df: 2 });
    expect(result.fisher.p).toBeCloseTo(1 / 20, 12);
  });

  it('gives p in (0, 1] and results that do not depend on the order of the sub-clusters', async () => {
    const network = tinyMlp();
    const a = { layer: 'dense1', units: [0, 2, 5] };
    const b = { layer: 'dense2', units: [1, 3] };
    const options = { steps: 24, random: 4, seed: 7 };
    const forward = await featureVisualizationTest(network, [a, b], options);
    const backward = await featureVisualizationTest(network, [b, a], options);
    for (const s of forward.subclusters) {
      expect(s.p).toBeGreaterThan(0);
      expect(s.p).toBeLessThanOrEqual(1);
      expect(s.randomEntropies).toHaveLength(4);
    }
    expect(backward.subclusters[1]).toEqual(forward.subclusters[0]);
    expect(backward.subclusters[0]).toEqual(forward.subclusters[1]);
    expect(backward.fisher).toEqual(forward.fisher);
  });

  it('names the sub-cluster whose units are invalid, and rejects no sub-clusters or random sets', async () => {
    await expect(
      featureVisualizationTest(tinyMlp(), [
        { layer: 'dense1', units: [0] },
        { layer: 'dense1', units: [9] },
      ]),
    ).rejects.toMatchObject({
      code: 'invalid-argument',
      argument: 'subclusters[1].units',
    });
    await expect(featureVisualizationTest(tinyMlp(), [])).rejects.toMatchObject({ argument: 'subclusters' });
    await expect(featureVisualizationTest(tinyMlp(), [{ layer: 'dense1', units: [0] }], { random: 0 })).rejects.toMatchObject({
      argument: 'random',
    });
  });
});
