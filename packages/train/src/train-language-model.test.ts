import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, transformerView, type Network } from '@modscope/core';
import { referenceForward, tinyLanguageModel } from '@modscope/core/testing';
import { createLanguageModel } from './language-model.js';
import type { TokenSequences } from './language-model-data.js';
import { languageModelClusterableInit, pruneLanguageModel } from './language-model-masks.js';
import { evaluateLanguageModel, fineTuneLanguageModel, trainLanguageModel } from './train-language-model.js';

/** Windows of `length` ids from a repeating pattern, each starting at a seeded offset. */
function patternWindows(pattern: number[], count: number, length: number, seed = 1): TokenSequences {
  const tokens = new Int32Array(count * length);
  let s = seed;
  for (let w = 0; w < count; w++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const offset = s % pattern.length;
    for (let t = 0; t < length; t++) tokens[w * length + t] = pattern[(offset + t) % pattern.length]!;
  }
  return { tokens, count, context: length };
}

const pattern = [1, 2, 3, 4, 1, 3, 2, 4, 4, 3];
const data = patternWindows(pattern, 128, 9);
const test = patternWindows(pattern, 32, 9, 7);
const fresh = (seed = 0) => createLanguageModel({ vocabulary: 5, context: 8, blocks: 2, width: 16, heads: 2, seed });
const weightsOf = (n: Network) => n.layers.flatMap((l) => Object.values(l).filter((v): v is Float32Array => v instanceof Float32Array));

/** Mean next-token loss by core's plain-JavaScript reference forward pass. */
function referenceLoss(network: Network, windows: TokenSequences): number {
  const length = windows.context - 1;
  const vocabulary = transformerView(network).embedding.vocabulary;
  const inputs = new Float32Array(windows.count * length);
  for (let w = 0; w < windows.count; w++)
    for (let t = 0; t < length; t++) inputs[w * length + t] = windows.tokens[w * windows.context + t]!;
  const { logits } = referenceForward(network, { inputs, count: windows.count });
  let loss = 0;
  for (let w = 0; w < windows.count; w++) {
    for (let t = 0; t < length; t++) {
      const row = logits.subarray((w * length + t) * vocabulary, (w * length + t + 1) * vocabulary);
      const max = Math.max(...row);
      const z = Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0)) + max;
      loss += z - row[windows.tokens[w * windows.context + t + 1]!]!;
    }
  }
  return loss / (windows.count * length);
}

describe('createLanguageModel', () => {
  it('makes a GPT-shaped network with GPT-2 initialization', () => {
    const network = createLanguageModel({ vocabulary: 7, context: 16, blocks: 3, width: 32, heads: 4, seed: 2 });
    const view = transformerView(network);
    expect(view.blocks).toHaveLength(3);
    expect(view.width).toBe(32);
    expect(view.context).toBe(16);
    expect(view.blocks[0]!.mlpIn.units).toBe(128);
    const std = (a: Float32Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length);
    expect(std(view.blocks[1]!.mlpIn.kernel)).toBeCloseTo(0.02, 2);
    expect(std(view.blocks[1]!.mlpOut.kernel)).toBeCloseTo(0.02 / Math.sqrt(6), 3);
    expect([...view.blocks[0]!.norm1.gamma].every((g) => g === 1)).toBe(true);
  });

  it('refuses heads that do not divide the width, in one line', () => {
    expect(() => createLanguageModel({ vocabulary: 5, width: 10, heads: 4 })).toThrow(/4 heads do not divide the width 10/);
    expect(() => createLanguageModel({ vocabulary: 1 })).toThrow(InvalidArgumentError);
  });
});

describe('trainLanguageModel', () => {
  it('learns a repeating pattern, and its loss agrees with the reference forward pass', async () => {
    const network = fresh();
    const before = await evaluateLanguageModel(network, test);
    expect(before.loss).toBeCloseTo(referenceLoss(network, test), 4);
    const result = await trainLanguageModel(network, data, { epochs: 12, learningRate: 0.01 });
    const after = await evaluateLanguageModel(result.network, test);
    expect(before.loss).toBeGreaterThan(1.3);
    expect(after.loss).toBeLessThan(0.5);
    expect(after.loss).toBeCloseTo(referenceLoss(result.network, test), 4);
    expect(result.history).toHaveLength(12);
    expect(result.tokensPerSecond).toBeGreaterThan(0);
    expect(weightsOf(network)).toEqual(weightsOf(fresh()));
  });

  it('gives identical weights for the same seed (dropout included), different ones for another seed', async () => {
    const options = { steps: 6, dropout: 0.2, seed: 3 };
    const a = await trainLanguageModel(fresh(), data, options);
    const b = await trainLanguageModel(fresh(), data, options);
    const c = await trainLanguageModel(fresh(), data, { ...options, seed: 4 });
    expect(weightsOf(a.network)).toEqual(weightsOf(b.network));
    expect(weightsOf(a.network)).not.toEqual(weightsOf(c.network));
  });

  it('holds masked neurons and heads at zero while the rest trains', async () => {
    const units = new Float32Array(64).fill(1);
    units[3] = 0;
    units[40] = 0;
    const masks = [
      { layer: 'block0.mlp.act', units },
      { layer: 'block1.attention', units: [1, 0] },
    ];
    const result = await fineTuneLanguageModel(fresh(), data, { steps: 5, learningRate: 0.01, masks });
    const view = transformerView(result.network);
    const b0 = view.blocks[0]!;
    for (const j of [3, 40]) {
      for (let i = 0; i < 16; i++) expect(b0.mlpIn.kernel[i * 64 + j]).toBe(0);
      expect(b0.mlpIn.bias![j]).toBe(0);
      expect([...b0.mlpOut.kernel.subarray(j * 16, (j + 1) * 16)].every((v) => v === 0)).toBe(true);
    }
    expect(b0.mlpIn.kernel[5]).not.toBe(0);
    const b1 = view.blocks[1]!;
    for (let i = 0; i < 16; i++) for (let c = 8; c < 16; c++) expect(b1.attention.query[i * 16 + c]).toBe(0);
    expect([...b1.attentionOutput.kernel.subarray(8 * 16)].every((v) => v === 0)).toBe(true);
    expect(b1.attention.query[0]).not.toBe(0);
    await expect(fineTuneLanguageModel(fresh(), data, { masks: [{ layer: 'ln_f', units: [0] }] })).rejects.toThrow(
      /neither an MLP activation/,
    );
  });

  it('trains a tied unembedding through the token table', async () => {
    const network = tinyLanguageModel({ vocabulary: 5, context: 8, width: 8, heads: 2, blocks: 1, tied: true, seed: 1 });
    const result = await trainLanguageModel(network, data, { steps: 20, learningRate: 0.01 });
    const view = transformerView(result.network);
    const { tokens } = view.embedding;
    for (let t = 0; t < 5; t++) for (let i = 0; i < 8; i++) expect(view.unembedding.kernel[i * 5 + t]).toBe(tokens[t * 8 + i]);
    expect(view.unembedding.tiedTo).toBe('embedding');
    expect(tokens).not.toEqual(transformerView(network).embedding.tokens);
    expect((await evaluateLanguageModel(result.network, test)).loss).toBeCloseTo(referenceLoss(result.network, test), 4);
  });

  it('applies AdamW weight decay: a larger decay gives smaller matrices', async () => {
    const norm = (n: Network) => transformerView(n).blocks[0]!.mlpIn.kernel.reduce((s, v) => s + v * v, 0);
    const light = await trainLanguageModel(fresh(), data, { steps: 10, weightDecay: 0 });
    const heavy = await trainLanguageModel(fresh(), data, { steps: 10, weightDecay: 50 });
    expect(norm(heavy.network)).toBeLessThan(0.9 * norm(light.network));
  });

  it('refuses what it cannot do for language models, and windows longer than the context', async () => {
    await expect(trainLanguageModel(fresh(), data, { prune: 0.5 } as never)).rejects.toThrow(
      /magnitude pruning is not available for language models/,
    );
    await expect(trainLanguageModel(fresh(), patternWindows(pattern, 4, 12))).rejects.toThrow(/windows of 12 tokens need a context of 11/);
    const bad = patternWindows(pattern, 4, 9);
    bad.tokens[5] = 9;
    await expect(trainLanguageModel(fresh(), bad)).rejects.toThrow(/token id 9 \(window 0\) is outside the vocabulary/);
  });
});

describe('languageModelClusterableInit', () => {
  it('scales W_in and W_out by up within a module and down across', () => {
    const network = fresh();
    const { network: out, modules, up, down } = languageModelClusterableInit(network, { modules: 4, seed: 1 });
    expect(up).toBeCloseTo(1 + 0.4 * 3);
    const before = transformerView(network).blocks[1]!;
    const after = transformerView(out).blocks[1]!;
    const neurons = modules.neurons[1]!.modules;
    for (const [i, j] of [
      [0, 0],
      [3, 17],
      [15, 63],
    ] as const) {
      const f = modules.residual[i] === neurons[j] ? up : down;
      expect(after.mlpIn.kernel[i * 64 + j]).toBeCloseTo(before.mlpIn.kernel[i * 64 + j]! * f, 6);
      expect(after.mlpOut.kernel[j * 16 + i]).toBeCloseTo(before.mlpOut.kernel[j * 16 + i]! * f, 6);
    }
    expect(after.attention.query).toEqual(before.attention.query);
  });
});

describe('pruneLanguageModel', () => {
  it('zeros the pruned neurons and heads, and the network computes as with those units silenced', () => {
    const network = fresh(5);
    const units = new Float32Array(64).fill(1);
    units[7] = 0;
    const pruned = pruneLanguageModel(network, [
      { layer: 'block1.mlp.act', units },
      { layer: 'block0.attention', units: [1, 0] },
    ]);
    const b1 = transformerView(pruned).blocks[1]!;
    for (let i = 0; i < 16; i++) expect(b1.mlpIn.kernel[i * 64 + 7]).toBe(0);
    expect([...b1.mlpOut.kernel.subarray(7 * 16, 8 * 16)].every((v) => v === 0)).toBe(true);
    const b0 = transformerView(pruned).blocks[0]!;
    for (let i = 0; i < 16; i++) for (let c = 0; c < 16; c++) expect(b0.attention.value[i * 16 + c] === 0).toBe(c >= 8);
    expect(transformerView(network).blocks[1]!.mlpIn.kernel[7]).not.toBe(0);
    const inputs = Float32Array.from({ length: 8 }, (_, i) => pattern[i]!);
    const silenced = referenceForward(network, {
      inputs,
      count: 1,
      masks: [
        { layer: 'block1.mlp.act', mask: units },
        { layer: 'block0.attention', mask: Float32Array.from([1, 0]) },
      ],
    }).logits;
    const logits = referenceForward(pruned, { inputs, count: 1 }).logits;
    for (let i = 0; i < logits.length; i++) expect(logits[i]).toBeCloseTo(silenced[i]!, 5);
  });
});
