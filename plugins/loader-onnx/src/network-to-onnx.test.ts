import { InvalidArgumentError, isWeighted, type Network } from '@modscope/core';
import { referenceForward, tinyCnn, tinyMlp, tinyResidualCnn } from '@modscope/core/testing';
import { describe, expect, it } from 'vitest';
import { decodeOnnxModel } from './decode-onnx-model.js';
import { networkToOnnx } from './network-to-onnx.js';
import { createOnnxEvaluator } from './onnx-evaluator.js';
import { onnxToNetwork } from './onnx-to-network.js';

function inputsFor(network: Network, count: number): Float32Array {
  const per = network.layers[0]!.outputShape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: count * per }, (_, i) => Math.cos(i * 0.37));
}

describe('networkToOnnx', () => {
  for (const make of [tinyMlp, tinyCnn, tinyResidualCnn]) {
    for (const opset of [11, 13, 17]) {
      it(`round-trips ${make().name} at opset ${opset}: same weights, same logits`, async () => {
        const network = make();
        const bytes = networkToOnnx(network, { opset });
        const loaded = onnxToNetwork(decodeOnnxModel(bytes)).network;
        expect(loaded.layout).toBe(network.layout);
        for (const layer of network.layers.filter(isWeighted)) {
          const back = loaded.layers.find((l) => l.id === layer.id);
          expect(back?.kind).toBe(layer.kind);
          if (!back || !isWeighted(back)) continue;
          expect(back.kernelShape).toEqual(layer.kernelShape);
          expect(back.kernel).toEqual(layer.kernel);
          expect(back.bias).toEqual(layer.bias);
        }
        const count = 4;
        const inputs = inputsFor(network, count);
        const evaluator = await createOnnxEvaluator(bytes);
        const got = await evaluator.run({ inputs, count });
        await evaluator.dispose();
        const want = referenceForward(network, { inputs, count }).logits;
        expect(Math.max(...got.logits.map((v, i) => Math.abs(v - want[i]!)))).toBeLessThan(1e-4);
        expect(Math.max(...referenceForward(loaded, { inputs, count }).logits.map((v, i) => Math.abs(v - want[i]!)))).toBeLessThan(1e-5);
      });
    }
  }

  it('refuses channels-last networks with a clear error', () => {
    expect(() => networkToOnnx(tinyCnn({ layout: 'nhwc' }))).toThrow(InvalidArgumentError);
    expect(() => networkToOnnx(tinyCnn({ layout: 'nhwc' }))).toThrow(/channels-last.*nchw/);
  });

  it('refuses unsupported opsets', () => {
    expect(() => networkToOnnx(tinyMlp(), { opset: 9 })).toThrow(/opset 9/);
  });
});
