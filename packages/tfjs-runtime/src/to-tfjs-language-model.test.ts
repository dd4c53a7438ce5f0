import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Network } from '@modscope/core';
import { referenceForward, tinyLanguageModel } from '@modscope/core/testing';
import { fromTfjsModel } from './from-tfjs-model.js';
import { registerModscopeLayers } from './register-modscope-layers.js';
import { toTfjsModel } from './to-tfjs-model.js';
import { useTestBackend } from './test-support/use-test-backend.js';

beforeAll(useTestBackend);

const variants = [
  { activation: 'gelu', blocks: 1, heads: 1, tied: false },
  { activation: 'gelu', blocks: 3, heads: 2, tied: true },
  { activation: 'gelu-tanh', blocks: 1, heads: 2, tied: true },
  { activation: 'gelu-tanh', blocks: 3, heads: 1, tied: false },
  { activation: 'relu', blocks: 1, heads: 2, tied: false },
  { activation: 'relu', blocks: 3, heads: 1, tied: true },
] as const;

/** Token ids for `count` windows of `positions` tokens, every id of the vocabulary used. */
function ids(count: number, positions: number, vocabulary = 11): Int32Array {
  return Int32Array.from({ length: count * positions }, (_, i) => (i * 7 + 3) % vocabulary);
}

function predict(model: tf.LayersModel, tokens: Int32Array, count: number): Float32Array {
  return tf
    .tidy(() => (model.predict(tf.tensor2d(tokens, [count, tokens.length / count], 'int32')) as tf.Tensor).dataSync() as Float32Array)
    .slice();
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return a.length === b.length ? m : Infinity;
}

describe('toTfjsModel on a language model', () => {
  variants.forEach((variant, seed) => {
    const network = tinyLanguageModel({ ...variant, seed });
    const label = `${variant.activation}, ${variant.blocks} block(s), ${variant.heads} head(s), ${variant.tied ? 'tied' : 'untied'}`;

    it(`${label}: predict matches the reference forward pass`, () => {
      const model = toTfjsModel(network);
      const tokens = ids(3, 8);
      const logits = predict(model, tokens, 3);
      expect(logits.length).toBe(3 * 8 * 11);
      expect(maxDiff(logits, referenceForward(network, { inputs: Float32Array.from(tokens), count: 3 }).logits)).toBeLessThan(1e-4);
      model.dispose();
    });

    it(`${label}: fromTfjsModel gives back the same network, weights exactly equal`, () => {
      const model = toTfjsModel(network);
      const back = fromTfjsModel(model);
      model.dispose();
      expect(back.layout).toBe('sequence');
      expect(back.output).toBe(network.output);
      expect(back.layers).toEqual(network.layers);
      const unembedding = back.layers.find((l) => l.id === 'unembedding');
      expect(unembedding?.kind === 'dense' ? unembedding.tiedTo : 'not dense').toBe(variant.tied ? 'embedding' : undefined);
    });
  });

  it('saves as model.json artifacts that stock tf.loadLayersModel reads back once the layers are registered', async () => {
    const network = tinyLanguageModel({ seed: 5, tied: true, activation: 'gelu-tanh' });
    const model = toTfjsModel(network);
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    model.dispose();
    const text = JSON.stringify(saved!.modelTopology);
    expect(text).toContain('"class_name":"ModscopeCausalSelfAttention"');
    expect(text).toContain('"head_size":4');
    expect(saved!.weightSpecs!.map((w) => w.name)).toContain('block0.attention/query_kernel');
    expect(saved!.userDefinedMetadata).toEqual({ modscope: { tiedUnembeddings: { unembedding: 'embedding' } } });
    registerModscopeLayers();
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const tokens = ids(2, 8);
    expect(
      maxDiff(predict(loaded, tokens, 2), referenceForward(network, { inputs: Float32Array.from(tokens), count: 2 }).logits),
    ).toBeLessThan(1e-4);
    expect(fromTfjsModel(loaded).layers).toEqual(network.layers);
    loaded.dispose();
  });

  it('reads windows shorter than the context: their logits are the first positions of a full window', () => {
    const network = tinyLanguageModel({ seed: 7 });
    const model = toTfjsModel(network);
    const full = predict(model, ids(1, 8), 1);
    const short = predict(model, ids(1, 5), 1);
    expect(maxDiff(short, full.subarray(0, 5 * 11))).toBeLessThan(1e-5);
    model.dispose();
  });

  it('names its custom layers and keeps built-in LayerNormalization and Dense', () => {
    const model = toTfjsModel(tinyLanguageModel({ blocks: 1 }));
    const classes = model.layers.map((l) => l.getClassName());
    expect(classes).toEqual([
      'InputLayer',
      'ModscopeTokenPositionEmbedding',
      'LayerNormalization',
      'ModscopeCausalSelfAttention',
      'Dense',
      'Add',
      'LayerNormalization',
      'Dense',
      'Activation',
      'Dense',
      'Add',
      'LayerNormalization',
      'Dense',
    ]);
    model.dispose();
  });

  it('a network without learned positions converts both ways', () => {
    const network: Network = tinyLanguageModel({ seed: 9, blocks: 1 });
    const embedding = network.layers[1]!;
    if (embedding.kind === 'embedding') embedding.positions = null;
    const model = toTfjsModel(network);
    const tokens = ids(2, 8);
    expect(
      maxDiff(predict(model, tokens, 2), referenceForward(network, { inputs: Float32Array.from(tokens), count: 2 }).logits),
    ).toBeLessThan(1e-4);
    expect(fromTfjsModel(model).layers).toEqual(network.layers);
    model.dispose();
  });
});
