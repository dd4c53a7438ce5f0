import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inputSize, type Network } from '@modscope/core';
import { referenceForward, tinyCnn, tinyMlp } from '@modscope/core/testing';
import { decodeOnnxModel, onnxToNetwork } from '@modscope/loader-onnx';
import { saveCheckpoint } from './save-checkpoint.js';
import { toChannelsFirst } from './to-channels-first.js';

const root = mkdtempSync(join(tmpdir(), 'modscope-checkpoint-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const inputsFor = (network: Network, count: number) =>
  Float32Array.from({ length: count * inputSize(network) }, (_, i) => Math.sin(i * 0.43) * 1.5);

/** NHWC examples `[h, w, c]` as NCHW `[c, h, w]`. */
function toChw(inputs: Float32Array, [h, w, c]: readonly number[]): Float32Array {
  const out = new Float32Array(inputs.length);
  const per = h! * w! * c!;
  for (let n = 0; n < inputs.length / per; n++)
    for (let y = 0; y < h!; y++)
      for (let x = 0; x < w!; x++)
        for (let ch = 0; ch < c!; ch++) out[n * per + (ch * h! + y) * w! + x] = inputs[n * per + (y * w! + x) * c! + ch]!;
  return out;
}

describe('toChannelsFirst', () => {
  it('computes the same function channels-first: NCHW inputs give the nhwc network’s logits', () => {
    const nhwc = tinyCnn({ layout: 'nhwc' });
    const nchw = toChannelsFirst(nhwc);
    expect(nchw.layout).toBe('nchw');
    const inputs = inputsFor(nhwc, 3);
    const want = referenceForward(nhwc, { inputs, count: 3 }).logits;
    const got = referenceForward(nchw, { inputs: toChw(inputs, nhwc.layers[0]!.outputShape), count: 3 }).logits;
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 5);
  });
});

describe('saveCheckpoint', () => {
  it('writes the TF.js model and model.onnx, which decodes to the same network', async () => {
    const network = tinyMlp();
    const checkpoint = await saveCheckpoint(network, join(root, 'mlp'));
    expect(checkpoint.onnx).toBe(join(root, 'mlp', 'model.onnx'));
    expect(checkpoint.onnxNote).toBeUndefined();
    expect(JSON.parse(readFileSync(checkpoint.modelJson, 'utf8')).format).toBe('layers-model');
    const { network: back } = onnxToNetwork(decodeOnnxModel(readFileSync(checkpoint.onnx!)));
    const inputs = inputsFor(network, 2);
    expect(referenceForward(back, { inputs, count: 2 }).logits).toEqual(referenceForward(network, { inputs, count: 2 }).logits);
  });

  it('exports an nhwc network to ONNX channels-first and says so; onnx: false writes TF.js only', async () => {
    const nhwc = await saveCheckpoint(tinyCnn({ layout: 'nhwc' }), join(root, 'cnn'));
    expect(nhwc.onnxNote).toMatch(/converted from nhwc to nchw/);
    expect(nhwc.onnx).not.toBeNull();
    const tfjsOnly = await saveCheckpoint(tinyMlp(), join(root, 'tfjs-only'), { onnx: false });
    expect(tfjsOnly.onnx).toBeNull();
  });
});
