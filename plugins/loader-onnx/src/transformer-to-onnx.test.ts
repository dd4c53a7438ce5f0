// networkToOnnx on GPT-style language models: the written file reads back (onnxToTransformer, and the loader
// that `modscope` uses for `.onnx` files) as the same layers with bit-identical weights, and onnxruntime runs
// it to the reference forward's logits at the full context and shorter lengths.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRandom, InvalidArgumentError, transformerView, type Layer, type Network } from '@modscope/core';
import { referenceForward, tinyLanguageModel, type TinyLanguageModelOptions } from '@modscope/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeOnnxModel } from './decode-onnx-model.js';
import { networkToOnnx } from './network-to-onnx.js';
import { createOnnxEvaluator } from './onnx-evaluator.js';
import { onnxLoader } from './onnx-loader.js';
import { loadOnnxRuntime } from './onnx-runtime.js';
import { onnxToNetwork } from './onnx-to-network.js';

const folder = mkdtempSync(join(tmpdir(), 'modscope-lm-onnx-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A layer as the reader can give it back: no name; scalars stored as float32 in the file. */
function comparable(layer: Layer): Record<string, unknown> {
  const { name: _name, ...rest } = layer;
  if (rest.kind === 'layernorm') return { ...rest, epsilon: Math.fround(rest.epsilon) };
  if (rest.kind === 'attention') return { ...rest, scale: Math.fround(rest.scale) };
  return rest;
}

/** The network with its context cut to `positions` (the reference forward runs whole inputs). */
function truncated(network: Network, positions: number): Network {
  return {
    ...network,
    layers: network.layers.map((layer) => {
      const outputShape = [positions, ...layer.outputShape.slice(1)];
      return layer.kind === 'embedding' && layer.positions
        ? { ...layer, outputShape, positions: layer.positions.slice(0, positions * layer.units) }
        : { ...layer, outputShape };
    }),
  };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = a.length === b.length ? 0 : Number.POSITIVE_INFINITY;
  for (let i = 0; i < Math.min(a.length, b.length); i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** onnxruntime on the written bytes, on `count` random sequences of `positions` ids, against the reference forward. */
async function logitsGap(network: Network, bytes: Uint8Array, positions: number, count = 3): Promise<number> {
  const vocabulary = transformerView(network).embedding.vocabulary;
  const rng = createRandom(positions);
  const ids = Float32Array.from({ length: count * positions }, () => rng.int(vocabulary));
  const ort = await loadOnnxRuntime();
  const session = await ort.InferenceSession.create(bytes);
  const result = await session.run({
    input_ids: new ort.Tensor(
      'int64',
      BigInt64Array.from(ids, (v) => BigInt(v)),
      [count, positions],
    ),
  });
  await session.release();
  const logits = result.logits!;
  expect(logits.dims).toEqual([count, positions, vocabulary]);
  return maxDiff(logits.data as Float32Array, referenceForward(truncated(network, positions), { inputs: ids, count }).logits);
}

function roundTrip(network: Network): { bytes: Uint8Array; read: Network } {
  const bytes = networkToOnnx(network);
  return { bytes, read: onnxToNetwork(decodeOnnxModel(bytes), { path: 'written.onnx' }).network };
}

const variants: TinyLanguageModelOptions[] = [];
for (const activation of ['gelu', 'gelu-tanh', 'relu'] as const)
  for (const tied of [false, true])
    for (const blocks of [1, 3]) for (const heads of [1, 2]) variants.push({ activation, tied, blocks, heads });

describe('networkToOnnx on language models', () => {
  it.each(variants)('$activation, tied $tied, $blocks blocks, $heads heads: same layers and weights, same logits', async (options) => {
    const network = tinyLanguageModel({ ...options, seed: variants.indexOf(options) });
    const { bytes, read } = roundTrip(network);
    expect(read.layout).toBe('sequence');
    expect(read.output).toBe(network.output);
    expect(read.layers.map(comparable)).toEqual(network.layers.map(comparable));
    expect(transformerView(read).unembedding.tiedTo).toBe(options.tied ? 'embedding' : undefined);
    const context = transformerView(network).context;
    for (const positions of [context, 3, 1]) expect(await logitsGap(network, bytes, positions)).toBeLessThan(1e-4);
  });

  it('writes no position table when the embedding has none, and keeps the context', async () => {
    const base = tinyLanguageModel({ vocabulary: 8, width: 8, context: 6 });
    const network = { ...base, layers: base.layers.map((l) => (l.kind === 'embedding' ? { ...l, positions: null } : l)) };
    const { bytes, read } = roundTrip(network);
    expect(read.layers.map(comparable)).toEqual(network.layers.map(comparable));
    for (const positions of [6, 2]) expect(await logitsGap(network, bytes, positions)).toBeLessThan(1e-4);
  });

  it('keeps pruned weights: zeroed MLP neurons and a zeroed head read back as exact zeros', async () => {
    const network = tinyLanguageModel({ blocks: 2, heads: 2, seed: 7 });
    const view = transformerView(network);
    const { mlpIn, mlpOut } = view.blocks[0]!;
    const neurons = mlpIn.units;
    const d = view.width;
    for (const j of [0, 5, 17]) {
      for (let i = 0; i < d; i++) mlpIn.kernel[i * neurons + j] = 0;
      mlpIn.bias![j] = 0;
      mlpOut.kernel.fill(0, j * d, (j + 1) * d);
    }
    const { attention, attentionOutput } = view.blocks[1]!;
    const inner = attention.heads * attention.headSize;
    const head = { from: attention.headSize, to: 2 * attention.headSize };
    for (const key of ['query', 'key', 'value'] as const)
      for (let i = 0; i < d; i++) attention[key].fill(0, i * inner + head.from, i * inner + head.to);
    for (const key of ['queryBias', 'keyBias', 'valueBias'] as const) attention[key]!.fill(0, head.from, head.to);
    attentionOutput.kernel.fill(0, head.from * d, head.to * d);

    const { bytes, read } = roundTrip(network);
    expect(read.layers.map(comparable)).toEqual(network.layers.map(comparable));
    const back = transformerView(read);
    expect(back.blocks[0]!.mlpOut.kernel.subarray(5 * d, 6 * d).every((v) => v === 0)).toBe(true);
    expect(back.blocks[1]!.attention.value.subarray(head.from, head.to).every((v) => v === 0)).toBe(true);
    expect(await logitsGap(network, bytes, view.context)).toBeLessThan(1e-4);
  });

  it('stores a tied unembedding that no longer equals the token table as its own weight, read back untied', async () => {
    const network = tinyLanguageModel({ tied: true, seed: 5 });
    const { unembedding, context } = transformerView(network);
    unembedding.kernel.fill(0, 0, unembedding.units); // the first model dimension pruned from the unembedding alone
    const { bytes, read } = roundTrip(network);
    const back = transformerView(read).unembedding;
    expect(back.tiedTo).toBeUndefined();
    expect(back.kernel).toEqual(unembedding.kernel);
    expect(await logitsGap(network, bytes, context)).toBeLessThan(1e-4);
  });

  it("the loader's model and evaluator read the file: masks, captures and edits match the reference", async () => {
    const network = tinyLanguageModel({ blocks: 2, heads: 2, tied: true, seed: 3 });
    const path = join(folder, 'tiny-lm.onnx');
    writeFileSync(path, networkToOnnx(network));
    const loaded = await onnxLoader.load(path);
    expect(loaded.network.layers.map(comparable)).toEqual(network.layers.map(comparable));
    const context = transformerView(network).context;
    const inputs = Float32Array.from({ length: 2 * context }, (_, i) => (i * 5 + 1) % 11);
    const neurons = transformerView(network).blocks[1]!.mlpIn.units;
    const request = {
      inputs,
      count: 2,
      masks: [
        { layer: 'block0.attention', mask: Float32Array.of(0, 1) },
        { layer: 'block1.mlp.act', mask: Float32Array.from({ length: neurons }, (_, j) => (j % 3 === 0 ? 0 : 1)) },
      ],
      capture: ['block0.attention', 'block1.mlp.act'],
      edits: [{ layer: 'unembedding', kernel: Float32Array.from(transformerView(network).unembedding.kernel, (v) => v * 0.5) }],
    };
    const want = referenceForward(network, request);
    // The file read back by the loader, and the network written in memory (createOnnxEvaluator's own bindings).
    for (const evaluator of [await loaded.createEvaluator(), await createOnnxEvaluator(network)]) {
      const got = await evaluator.run(request);
      await evaluator.dispose();
      expect(maxDiff(got.logits, want.logits)).toBeLessThan(1e-4);
      for (const id of request.capture) expect(maxDiff(got.activations.get(id)!.data, want.activations.get(id)!.data)).toBeLessThan(1e-4);
    }
  });

  it('refuses a sequence network that is not GPT-shaped, in one line', () => {
    const base = tinyLanguageModel({ blocks: 1 });
    // No final LayerNorm: the unembedding reads the residual stream.
    const network: Network = {
      ...base,
      layers: base.layers
        .filter((l) => l.id !== 'ln_f')
        .map((l) => (l.id === 'unembedding' ? { ...l, inputs: ['block0.mlp.residual'] } : l)),
    };
    expect(() => networkToOnnx(network)).toThrow(InvalidArgumentError);
    expect(() => networkToOnnx(network)).toThrow(
      /language model 'tiny-lm' is not GPT-shaped \(.*LayerNorm.*\), which modscope does not write to ONNX/,
    );
    let message = '';
    try {
      networkToOnnx(network);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain('\n');
  });

  it('refuses MLP activations the reader would not recognize, and opsets without LayerNormalization', () => {
    expect(() => networkToOnnx(tinyLanguageModel({ activation: 'sigmoid' }))).toThrow(/has a sigmoid MLP activation \('block0.mlp.act'\)/);
    expect(() => networkToOnnx(tinyLanguageModel(), { opset: 13 })).toThrow(/opset 13 is not supported for a language model/);
    expect(() => networkToOnnx(tinyLanguageModel(), { opset: 18 })).not.toThrow();
  });
});
