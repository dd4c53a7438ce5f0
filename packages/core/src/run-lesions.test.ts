import { describe, expect, it } from 'vitest';
import { referenceEvaluator, referenceForward, tinyCnn, tinyMlp } from './testing/index.js';
import { getLayer } from './network.js';
import { lesionPoint, runLesions } from './run-lesions.js';
import { getUnitLayer } from './unit-layers.js';

const inputsFor = (n: number, per: number) => Float32Array.from({ length: n * per }, (_, i) => Math.cos(i * 0.91));

describe('runLesions', () => {
  it('equals zeroing the units’ incoming weights and biases where no normalization follows', async () => {
    const network = tinyMlp({ sizes: [4, 6, 5, 3] });
    const inputs = inputsFor(9, 4);
    const lesions = [Int32Array.of(0, 2), Int32Array.of(5), Int32Array.of()];
    const { logits, outputs } = await runLesions(referenceEvaluator(network), { inputs, count: 9, layer: 'dense1', lesions });
    expect(outputs).toBe(3);
    const dense = getLayer(network, 'dense1');
    if (dense.kind !== 'dense') throw new Error('expected dense');
    lesions.forEach((units, i) => {
      const kernel = dense.kernel.slice();
      const bias = dense.bias!.slice();
      for (const u of units) {
        for (let r = 0; r < dense.kernelShape[0]; r++) kernel[r * dense.units + u] = 0;
        bias[u] = 0;
      }
      const edited = referenceForward(network, { inputs, count: 9, edits: [{ layer: 'dense1', kernel, bias }] });
      expect([...logits[i]!]).toEqual([...edited.logits]);
    });
    const intact = referenceForward(network, { inputs, count: 9 }).logits;
    expect([...logits[2]!]).toEqual([...intact]);
    expect([...logits[0]!]).not.toEqual([...intact]);
  });

  it('masks the activation itself where a batch norm follows', () => {
    const network = tinyCnn();
    expect(lesionPoint(getUnitLayer(network, 'conv1'))).toBe('relu1');
    expect(lesionPoint(getUnitLayer(network, 'conv2'))).toBe('conv2');
  });

  it('says when a lesion does not fit the layer', async () => {
    const ev = referenceEvaluator(tinyMlp({ sizes: [4, 6, 3] }));
    const base = { inputs: inputsFor(1, 4), count: 1, layer: 'dense1' };
    await expect(runLesions(ev, { ...base, lesions: [Int32Array.of(6)] })).rejects.toThrow(
      /unit 6 of layer 'dense1'.*partition does not match/s,
    );
    await expect(runLesions(ev, { ...base, lesions: [Int32Array.of(1, 1)] })).rejects.toThrow(/unit 1 twice/);
    await expect(runLesions(ev, { ...base, layer: 'act1', lesions: [] })).rejects.toThrow(/no dense or conv2d layer 'act1'/);
  });
});
