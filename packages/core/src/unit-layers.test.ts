import { describe, expect, it } from 'vitest';
import { captureUnitActivations } from './capture-activations.js';
import { ModscopeError } from './errors.js';
import { referenceEvaluator, referenceForward, tinyCnn, tinyMlp, tinyResidualCnn } from './testing/index.js';
import { getUnitLayer, unitLayers } from './unit-layers.js';

describe('unitLayers', () => {
  it('finds pre and post points of an MLP and marks the output layer', () => {
    const layers = unitLayers(tinyMlp({ sizes: [4, 5, 3, 2] }));
    expect(layers.map((u) => [u.layer, u.pre, u.post, u.activation, u.hidden])).toEqual([
      ['dense1', 'dense1', 'act1', 'relu', true],
      ['dense2', 'dense2', 'act2', 'relu', true],
      ['dense3', 'dense3', 'dense3', 'linear', false],
    ]);
  });

  it('passes through a batch norm and flags it as normalized', () => {
    for (const layout of ['nchw', 'nhwc'] as const) {
      const [conv1, conv2, fc] = unitLayers(tinyCnn({ layout }));
      expect(conv1).toMatchObject({ layer: 'conv1', pre: 'bn1', post: 'relu1', normalized: true, hidden: true });
      expect(conv2).toMatchObject({ layer: 'conv2', pre: 'conv2', post: 'relu2', normalized: false, hidden: true });
      expect(fc).toMatchObject({ layer: 'fc', hidden: false });
    }
  });

  it('keeps pre = post where a residual add consumes the layer', () => {
    const layers = unitLayers(tinyResidualCnn());
    expect(layers.find((u) => u.layer === 'conv2')).toMatchObject({ pre: 'bn2', post: 'bn2', activation: 'linear' });
    expect(layers.find((u) => u.layer === 'fc')).toMatchObject({ hidden: false });
  });

  it('names the layers there are when asked for one that is not', () => {
    expect(() => getUnitLayer(tinyMlp(), 'act1')).toThrow(/no dense or conv2d layer 'act1'.*dense1/s);
  });
});

describe('captureUnitActivations', () => {
  const inputsFor = (n: number, per: number) => Float32Array.from({ length: n * per }, (_, i) => Math.sin(i * 0.37));

  it('equals one full forward pass, in batches of any size', async () => {
    const network = tinyMlp({ sizes: [4, 5, 3, 2] });
    const inputs = inputsFor(7, 4);
    const full = referenceForward(network, { inputs, count: 7, capture: ['act1', 'dense2'] });
    for (const batchSize of [1, 3, 7, 100]) {
      const { activations, logits } = await captureUnitActivations(referenceEvaluator(network), {
        inputs,
        count: 7,
        layers: ['dense1', 'dense2'],
        point: 'post',
        batchSize,
      });
      expect([...logits]).toEqual([...full.logits]);
      expect([...activations[0]!.data]).toEqual([...full.activations.get('act1')!.data]);
      const pre = await captureUnitActivations(referenceEvaluator(network), {
        inputs,
        count: 7,
        layers: ['dense2'],
        point: 'pre',
        batchSize,
      });
      expect([...pre.activations[0]!.data]).toEqual([...full.activations.get('dense2')!.data]);
    }
  });

  it('reduces conv channels over space the same way in either layout', async () => {
    const nchw = tinyCnn({ layout: 'nchw', seed: 3 });
    const nhwc = tinyCnn({ layout: 'nhwc', seed: 3 });
    const count = 3;
    // One input image, laid out for each network.
    const chw = inputsFor(count, 64);
    const a = await captureUnitActivations(referenceEvaluator(nchw), { inputs: chw, count, layers: ['conv1', 'conv2'], batchSize: 2 });
    const b = await captureUnitActivations(referenceEvaluator(nhwc), { inputs: chw, count, layers: ['conv1', 'conv2'], batchSize: 2 });
    // Single-channel input: both layouts read the same pixels, and the networks share weights.
    for (let l = 0; l < 2; l++) {
      const x = a.activations[l]!.data;
      const y = b.activations[l]!.data;
      expect(x.length).toBe(count * (l === 0 ? 4 : 6));
      for (let i = 0; i < x.length; i++) expect(x[i]).toBeCloseTo(y[i]!, 5);
    }
    // The spatial mean of a ReLU output is the mean of the captured map.
    const full = referenceForward(nchw, { inputs: chw.subarray(0, 64), count: 1, capture: ['relu1'] }).activations.get('relu1')!.data;
    let sum = 0;
    for (let s = 0; s < 64; s++) sum += full[s]!;
    expect(a.activations[0]!.data[0]).toBeCloseTo(sum / 64, 5);
    const max = await captureUnitActivations(referenceEvaluator(nchw), { inputs: chw, count, layers: ['conv1'], reduce: 'max' });
    expect(max.activations[0]!.data[0]).toBeCloseTo(Math.max(...full.subarray(0, 64)), 5);
  });

  it('refuses an unknown layer and a bad batch size with clear errors', async () => {
    const ev = referenceEvaluator(tinyMlp());
    await expect(captureUnitActivations(ev, { inputs: new Float32Array(0), count: 0, layers: ['nope'] })).rejects.toThrow(
      /no dense or conv2d layer 'nope'/,
    );
    await expect(captureUnitActivations(ev, { inputs: new Float32Array(0), count: 0, layers: ['dense1'], batchSize: 0 })).rejects.toSatisfy(
      ModscopeError.isInstance,
    );
  });
});
