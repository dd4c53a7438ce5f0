import { mkdtempSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputSize, type Network } from '@modscope/core';
import { loaderConformanceCases, referenceForward, tinyCnn, tinyMlp, tinyResidualCnn } from '@modscope/core/testing';
import { saveTfjsModel } from '@modscope/tfjs-runtime';
import { createTfjsLoader, tfjsLoader } from './tfjs-loader.js';
import { useTestBackend } from './test-support/use-test-backend.js';

const root = mkdtempSync(join(tmpdir(), 'modscope-tfjs-'));
const dir = (name: string) => join(root, name);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A Sequential CNN built with tf.layers, not by toTfjsModel. */
function sequentialCnn(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [9, 9, 2],
        filters: 4,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        biasInitializer: 'randomNormal',
      }),
      tf.layers.batchNormalization({
        movingMeanInitializer: 'randomNormal',
        movingVarianceInitializer: 'ones',
        gammaInitializer: 'randomUniform',
      }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 1, padding: 'same' }),
      tf.layers.averagePooling2d({ poolSize: 2, padding: 'valid' }),
      tf.layers.flatten(),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.dense({ units: 8, activation: 'tanh' }),
      tf.layers.leakyReLU({ alpha: 0.2 }),
      tf.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
}

/** A functional model with a residual Add. */
function functionalResidual(): tf.LayersModel {
  const input = tf.input({ shape: [6, 6, 3] });
  const a = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  const b = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthMultiplier: 1 }).apply(a) as tf.SymbolicTensor;
  const sum = tf.layers.add().apply([input, b]) as tf.SymbolicTensor;
  const act = tf.layers.reLU().apply(sum) as tf.SymbolicTensor;
  const avg = tf.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }).apply(act) as tf.SymbolicTensor;
  const gap = tf.layers.globalMaxPooling2d({}).apply(avg) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 4 }).apply(gap) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

function inputsFor(network: Network, count: number): Float32Array {
  return Float32Array.from({ length: count * inputSize(network) }, (_, i) => Math.sin(i * 0.91) * 1.3);
}

function predict(model: tf.LayersModel, shape: number[], inputs: Float32Array, count: number): Float32Array {
  return tf.tidy(() => ((model.predict(tf.tensor(inputs, [count, ...shape])) as tf.Tensor).dataSync() as Float32Array).slice());
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return a.length === b.length ? m : Infinity;
}

const models: Record<string, () => tf.LayersModel> = { sequential: sequentialCnn, functional: functionalResidual };

beforeAll(async () => {
  await useTestBackend();
  for (const [name, make] of Object.entries(models)) {
    const model = make();
    await saveTfjsModel(model, dir(name));
    model.dispose();
  }
  writeFileSync(dir('foreign.json'), JSON.stringify({ name: 'not a model', layers: [] }));
  writeFileSync(dir('foreign.onnx'), new Uint8Array([8, 7, 18, 4]));
});

for (const name of Object.keys(models)) {
  describe(`tfjs loader conformance (${name} model)`, () => {
    const cases = loaderConformanceCases({
      loader: tfjsLoader,
      validPath: join(root, name, 'model.json'),
      foreignPath: join(root, 'foreign.json'),
      missingPath: join(root, 'nowhere', 'model.json'),
    });
    for (const c of cases) it(c.name, c.run);
  });
}

describe('tfjs loader', () => {
  for (const name of Object.keys(models)) {
    it(`${name}: the network computes what stock tfjs computes on the saved model`, async () => {
      const loaded = await tfjsLoader.load(dir(name));
      const json = JSON.parse(readFileSync(join(dir(name), 'model.json'), 'utf8'));
      const weights = readFileSync(join(dir(name), 'weights.bin'));
      const stock = await tf.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: json.modelTopology,
          weightSpecs: json.weightsManifest[0].weights,
          weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
        }),
      );
      const inputs = inputsFor(loaded.network, 3);
      const want = predict(stock, loaded.network.layers[0]!.outputShape, inputs, 3);
      expect(maxDiff(referenceForward(loaded.network, { inputs, count: 3 }).logits, want)).toBeLessThan(1e-4);
      stock.dispose();
    });
  }

  it('splits fused activations and names layers after the model', async () => {
    const { network } = await tfjsLoader.load(dir('sequential'));
    expect(network.layout).toBe('nhwc');
    expect(network.name).toBe('sequential');
    const kinds = network.layers.map((l) => l.kind);
    expect(kinds).toEqual([
      'input',
      'conv2d',
      'activation',
      'batchnorm',
      'pool',
      'pool',
      'flatten',
      'identity',
      'dense',
      'activation',
      'activation',
      'dense',
      'softmax',
    ]);
    expect(network.layers[1]).toMatchObject({ strides: [2, 2], pads: [1, 1, 1, 1], outputShape: [5, 5, 4] });
  });

  for (const network of [tinyMlp(), tinyCnn({ layout: 'nhwc' }), tinyCnn({ layout: 'nchw' }), tinyResidualCnn({ layout: 'nchw' })]) {
    it(`round trip ${network.name}: network → tfjs → files → loader keeps weights and logits`, async () => {
      const path = dir(`round-${network.name}`);
      await saveTfjsModel(network, path);
      const loaded = await createTfjsLoader().load(path);
      expect(loaded.network.layout).toBe(network.layout);
      const weights = (n: Network) =>
        n.layers.flatMap((l) => (l.kind === 'dense' || l.kind === 'conv2d' ? [...l.kernel, ...(l.bias ?? [])] : []));
      expect(weights(loaded.network)).toEqual(weights(network));
      const evaluator = await loaded.createEvaluator();
      const inputs = inputsFor(network, 4);
      const got = await evaluator.run({ inputs, count: 4 });
      expect(maxDiff(got.logits, referenceForward(network, { inputs, count: 4 }).logits)).toBeLessThan(1e-4);
      await evaluator.dispose();
    });
  }

  it('canLoad accepts a model directory and declines foreign files', async () => {
    expect(await tfjsLoader.canLoad(dir('functional'))).toBe(true);
    expect(await tfjsLoader.canLoad(dir('foreign.onnx'))).toBe(false);
    expect(await tfjsLoader.canLoad(dir('nowhere'))).toBe(false);
  });

  it('a directory without model.json gives a missing-file error', async () => {
    await expect(tfjsLoader.load(root)).rejects.toMatchObject({ code: 'missing-file', path: join(root, 'model.json') });
  });

  it('a missing shard gives a missing-file error naming the shard and the model.json', async () => {
    const path = dir('no-shard');
    await saveTfjsModel(tinyMlp(), path);
    unlinkSync(join(path, 'weights.bin'));
    const error = await tfjsLoader.load(path).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'missing-file', path: join(path, 'weights.bin') });
    expect(String((error as Error).message)).toContain(join(path, 'model.json'));
  });

  it('a truncated shard gives a corrupt-file error', async () => {
    const path = dir('truncated');
    await saveTfjsModel(tinyMlp(), path);
    truncateSync(join(path, 'weights.bin'), 40);
    await expect(tfjsLoader.load(path)).rejects.toMatchObject({ code: 'corrupt-file' });
  });

  it('invalid JSON and missing fields give corrupt-file errors', async () => {
    const path = dir('bad-json');
    await saveTfjsModel(tinyMlp(), path);
    writeFileSync(join(path, 'model.json'), '{"modelTopology": ');
    await expect(tfjsLoader.load(path)).rejects.toMatchObject({ code: 'corrupt-file' });
    writeFileSync(join(path, 'model.json'), JSON.stringify({ modelTopology: {} }));
    await expect(tfjsLoader.load(path)).rejects.toMatchObject({ code: 'corrupt-file', reason: 'it has no weightsManifest' });
  });

  it('unsupported layers give unsupported-op errors naming the class and the layer', async () => {
    const lstm = tf.sequential({
      layers: [tf.layers.lstm({ inputShape: [5, 3], units: 4, name: 'memory' }), tf.layers.dense({ units: 2 })],
    });
    await saveTfjsModel(lstm, dir('lstm'));
    lstm.dispose();
    await expect(tfjsLoader.load(dir('lstm'))).rejects.toMatchObject({ code: 'unsupported-op', op: 'LSTM', node: 'memory' });
    const conv1d = tf.sequential({
      layers: [
        tf.layers.conv1d({ inputShape: [10, 2], filters: 3, kernelSize: 3, name: 'temporal' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2 }),
      ],
    });
    await saveTfjsModel(conv1d, dir('conv1d'));
    conv1d.dispose();
    await expect(tfjsLoader.load(dir('conv1d'))).rejects.toMatchObject({ code: 'unsupported-op', op: 'Conv1D', node: 'temporal' });
  });
});
