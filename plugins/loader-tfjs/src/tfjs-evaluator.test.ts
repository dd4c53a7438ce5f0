import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Layer, Network } from '@modscope/core';
import { evaluatorConformanceCases, referenceForward, tinyCnn, tinyMlp, tinyResidualCnn } from '@modscope/core/testing';
import { createTfjsEvaluator } from './tfjs-evaluator.js';
import { useTestBackend } from './test-support/use-test-backend.js';

beforeAll(useTestBackend);

describe('createTfjsEvaluator conformance', () => {
  const cases = evaluatorConformanceCases({
    createEvaluator: (n) => createTfjsEvaluator(n),
    networks: [
      tinyMlp(),
      tinyCnn({ layout: 'nhwc' }),
      tinyCnn({ layout: 'nchw' }),
      tinyResidualCnn({ layout: 'nhwc' }),
      tinyResidualCnn({ layout: 'nchw' }),
    ],
  });
  for (const c of cases) it(c.name, c.run);
});

function inputsFor(network: Network, count: number): Float32Array {
  const size = network.layers[0]!.outputShape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: count * size }, (_, i) => Math.sin(i * 1.7) * 2);
}

/** tinyCnn with its first pool replaced, to check padded pooling against the reference. */
function withPool(layout: 'nchw' | 'nhwc', pool: Partial<Extract<Layer, { kind: 'pool' }>>, outHw: number): Network {
  const net = tinyCnn({ layout });
  const s = (c: number, h: number) => (layout === 'nchw' ? [c, h, h] : [h, h, c]);
  const index = net.layers.findIndex((l) => l.id === 'pool1');
  const old = net.layers[index] as Extract<Layer, { kind: 'pool' }>;
  net.layers[index] = { ...old, ...pool, outputShape: s(4, outHw) } as Layer;
  const conv2 = net.layers[index + 1]!;
  const convOut = outHw - 2;
  net.layers[index + 1] = { ...conv2, outputShape: s(6, convOut) } as Layer;
  net.layers[index + 2] = { ...net.layers[index + 2]!, outputShape: s(6, convOut) } as Layer;
  const flat = 6 * convOut * convOut;
  net.layers[index + 3] = { ...net.layers[index + 3]!, units: flat, outputShape: [flat] } as Layer;
  const fc = net.layers[index + 4] as Extract<Layer, { kind: 'dense' }>;
  net.layers[index + 4] = { ...fc, kernel: Float32Array.from({ length: flat * 3 }, (_, i) => Math.cos(i) * 0.2), kernelShape: [flat, 3] };
  return net;
}

describe('createTfjsEvaluator beyond the conformance suite', () => {
  const poolCases: [string, Partial<Extract<Layer, { kind: 'pool' }>>, number][] = [
    [
      'avg pool 3×3 stride 2, pads 1, excluding padding',
      { mode: 'avg', size: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], countIncludePad: false },
      4,
    ],
    [
      'avg pool 3×3 stride 2, pads 1, counting padding',
      { mode: 'avg', size: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], countIncludePad: true },
      4,
    ],
    ['max pool 3×3 stride 1, asymmetric pads', { mode: 'max', size: [3, 3], strides: [1, 1], pads: [0, 0, 2, 2] }, 8],
  ];
  for (const layout of ['nchw', 'nhwc'] as const) {
    for (const [name, pool, out] of poolCases) {
      it(`${name} (${layout}) matches the reference`, async () => {
        const net = withPool(layout, pool, out);
        const e = await createTfjsEvaluator(net);
        const inputs = inputsFor(net, 3);
        const got = await e.run({ inputs, count: 3, capture: ['pool1'] });
        const want = referenceForward(net, { inputs, count: 3, capture: ['pool1'] });
        expect(
          Math.max(...got.activations.get('pool1')!.data.map((v, i) => Math.abs(v - want.activations.get('pool1')!.data[i]!))),
        ).toBeLessThan(1e-4);
        expect(Math.max(...got.logits.map((v, i) => Math.abs(v - want.logits[i]!)))).toBeLessThan(1e-4);
        await e.dispose();
      });
    }
  }

  it('runs grouped and depthwise convolutions like the reference', async () => {
    const net = tinyResidualCnn({ layout: 'nchw' });
    const conv2 = net.layers.find((l) => l.id === 'conv2') as Extract<Layer, { kind: 'conv2d' }>;
    for (const groups of [2, 4]) {
      const edited: Network = {
        ...net,
        layers: net.layers.map((l) =>
          l.id === 'conv2'
            ? { ...conv2, groups, kernelShape: [3, 3, 4 / groups, 4], kernel: conv2.kernel.slice(0, 9 * (4 / groups) * 4) }
            : l,
        ),
      };
      const e = await createTfjsEvaluator(edited);
      const inputs = inputsFor(edited, 2);
      const got = await e.run({ inputs, count: 2 });
      const want = referenceForward(edited, { inputs, count: 2 });
      expect(Math.max(...got.logits.map((v, i) => Math.abs(v - want.logits[i]!)))).toBeLessThan(1e-4);
      await e.dispose();
    }
  });

  it('names its backend, reports progress and keeps tensor memory flat over many runs', async () => {
    const net = tinyCnn({ layout: 'nchw' });
    const e = await createTfjsEvaluator(net, { batchSize: 2 });
    expect(e.name).toMatch(/^tfjs \((wasm|cpu|tensorflow)\)$/);
    const inputs = inputsFor(net, 5);
    const progress: number[] = [];
    await e.run({ inputs, count: 5, onProgress: (done) => progress.push(done) });
    expect(progress).toEqual([2, 4, 5]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) {
      await e.run({
        inputs,
        count: 5,
        capture: ['relu1'],
        masks: [{ layer: 'conv1', mask: new Float32Array(4).fill(0.5) }],
        edits: [{ layer: 'fc', bias: new Float32Array(3) }],
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    await e.dispose();
    expect(tf.memory().numTensors).toBeLessThan(before);
  });
});
