import { readFileSync } from 'node:fs';
import { prepareInputs, sliceDataset, type Network } from '@modscope/core';
import { loadFashionMnist } from '@modscope/datasets';
import { onnxLoader } from '@modscope/loader-onnx';
import { createTfjsEvaluator } from '@modscope/loader-tfjs';
import { selectBackend, toTfjsModel } from '@modscope/tfjs-runtime';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture } from './run-cli.js';

const manifest = JSON.parse(readFileSync(fixture('manifest.json'), 'utf8')) as {
  models: Array<{ file: string; format: string; first8Outputs: number[][] }>;
};

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('ONNX → network → tfjs gives the logits onnxruntime gives (max abs diff ≤ 1e-4)', () => {
  beforeAll(async () => {
    await selectBackend();
  });

  for (const file of ['mlp-fashion.onnx', 'cnn-fashion.onnx', 'resnet-tiny.onnx', 'mlp-sigmoid-tanh.onnx']) {
    it(file, async () => {
      const model = await onnxLoader.load(fixture(file));
      const network: Network = model.network;
      const data = sliceDataset(await loadFashionMnist({ split: 'test' }), 0, 256);
      const inputs = prepareInputs(data, network);

      const onnx = await model.createEvaluator();
      const reference = await onnx.run({ inputs, count: data.count });
      await onnx.dispose();

      // the trainable LayersModel built from the representation
      const layersModel = toTfjsModel(network);
      const predicted = tf.tidy(() =>
        (layersModel.predict(tf.tensor(inputs, [data.count, ...network.layers[0]!.outputShape])) as tf.Tensor).dataSync(),
      );
      layersModel.dispose();
      expect(maxAbsDiff(predicted, reference.logits)).toBeLessThanOrEqual(1e-4);

      // the tfjs evaluator (used for lesions and activations)
      const evaluator = await createTfjsEvaluator(network);
      const viaTfjs = await evaluator.run({ inputs, count: data.count });
      await evaluator.dispose();
      expect(maxAbsDiff(viaTfjs.logits, reference.logits)).toBeLessThanOrEqual(1e-4);

      // and both agree with what torch computed when it made the fixture
      const torch = manifest.models.find((m) => m.file === file)!.first8Outputs.flat();
      expect(maxAbsDiff(reference.logits.subarray(0, torch.length), torch)).toBeLessThanOrEqual(1e-4);
    });
  }
});
