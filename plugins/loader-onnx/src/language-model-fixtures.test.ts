// The language-model fixtures of fixtures/lm (made by fixtures/make-lm-fixtures.py with PyTorch): their ONNX
// graphs read into GPT-style networks block by block, the networks compute what onnxruntime computes on the
// original graph, onnxruntime reproduces PyTorch's logits, and the unsupported architectures are refused.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformerView, type Network } from '@modscope/core';
import { referenceForward } from '@modscope/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeOnnxModel } from './decode-onnx-model.js';
import { createOnnxEvaluator } from './onnx-evaluator.js';
import { onnxToNetwork } from './onnx-to-network.js';

interface LmEntry {
  file: string;
  context: number;
  vocabSize: number;
  blocks: number;
  dModel: number;
  heads: number;
  headDim: number;
  mlp: number;
  gelu: 'erf' | 'tanh';
  tied: boolean;
  attentionScale: { op: 'Mul' | 'Div'; value: number };
  firstTestWindow: { inputIds: number[]; positions: number[]; logits: number[][] };
}

const folder = fileURLToPath(new URL('../../../fixtures/lm/', import.meta.url));
const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as {
  models: LmEntry[];
  unsupported: { file: string; what: string }[];
};

function load(file: string): Network {
  const path = join(folder, file);
  return onnxToNetwork(decodeOnnxModel(readFileSync(path), path), { path }).network;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < Math.min(a.length, b.length); i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Two windows of token ids of the model's full context, deterministic and inside the vocabulary. */
function windows(entry: LmEntry): Float32Array {
  return Float32Array.from({ length: 2 * entry.context }, (_, i) => (i * 37 + 11) % entry.vocabSize);
}

describe.each(manifest.models)('fixtures/lm/$file', (entry) => {
  const network = load(entry.file);
  const evaluator = createOnnxEvaluator(join(folder, entry.file));
  afterAll(async () => (await evaluator).dispose());

  it('reads as a GPT-style network with the blocks, heads, MLP, GELU and tying the script wrote', () => {
    const view = transformerView(network);
    expect(view.blocks).toHaveLength(entry.blocks);
    expect(view.width).toBe(entry.dModel);
    expect(view.context).toBe(entry.context);
    expect(view.embedding.vocabulary).toBe(entry.vocabSize);
    for (const block of view.blocks) {
      expect(block.attention.heads).toBe(entry.heads);
      expect(block.attention.headSize).toBe(entry.headDim);
      const scale = entry.attentionScale.op === 'Mul' ? entry.attentionScale.value : 1 / entry.attentionScale.value;
      expect(block.attention.scale).toBeCloseTo(scale, 6);
      expect(block.mlpIn.kernelShape).toEqual([entry.dModel, entry.mlp]);
      expect(block.activation.activation).toBe(entry.gelu === 'erf' ? 'gelu' : 'gelu-tanh');
    }
    expect(view.unembedding.tiedTo !== undefined).toBe(entry.tied);
  });

  it("onnxruntime reproduces PyTorch's logits on the first test window", async () => {
    const { inputIds, positions, logits } = entry.firstTestWindow;
    // The manifest holds the first tokens of the window; the rest is padding, which cannot reach earlier
    // positions through causal attention.
    expect(inputIds.length).toBeGreaterThan(Math.max(...positions));
    const ids = Float32Array.from({ length: entry.context }, (_, i) => inputIds[i] ?? 0);
    const result = await (await evaluator).run({ inputs: ids, count: 1 });
    for (const p of positions)
      expect(maxDiff(result.logits.subarray(p * entry.vocabSize, (p + 1) * entry.vocabSize), logits[p]!)).toBeLessThan(1e-4);
  });

  it('the network computes what onnxruntime computes on the original graph (≤ 1e-4), masks and captures included', async () => {
    const inputs = windows(entry);
    const masks = [
      { layer: 'block0.attention', mask: Float32Array.from({ length: entry.heads }, (_, h) => (h === 1 ? 0 : 1)) },
      { layer: `block${entry.blocks - 1}.mlp.act`, mask: Float32Array.from({ length: entry.mlp }, (_, j) => (j % 3 === 0 ? 0 : 1)) },
    ];
    const capture = ['block0.attention', 'block0.mlp.act'];
    const ort = await (await evaluator).run({ inputs, count: 2, masks, capture });
    const reference = referenceForward(network, { inputs, count: 2, masks, capture });
    expect(maxDiff(ort.logits, reference.logits)).toBeLessThan(1e-4);
    for (const id of capture) expect(maxDiff(ort.activations.get(id)!.data, reference.activations.get(id)!.data)).toBeLessThan(1e-4);
    // The masks did something: the unmasked logits differ.
    const plain = await (await evaluator).run({ inputs, count: 2 });
    expect(maxDiff(plain.logits, ort.logits)).toBeGreaterThan(1e-3);
  });
});

describe('unsupported language models', () => {
  const expected: Record<string, RegExp> = {
    'unsupported/rotary.onnx': /is a language model with rotary position embeddings, which modscope does not read/,
    'unsupported/parallel-residual.onnx': /is a language model with parallel residual blocks/,
    'unsupported/kv-cache.onnx': /is a language model with KV-cache inputs.*past_key_0, past_value_0|KV-cache inputs/,
    'unsupported/moe.onnx': /is a language model with a mixture-of-experts MLP/,
  };
  it.each(manifest.unsupported)('$file is refused in one line naming what is missing', ({ file }) => {
    const pattern = expected[file];
    expect(pattern, `a test expectation for ${file}`).toBeDefined();
    let message = '';
    try {
      load(file);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(pattern!);
    expect(message).not.toContain('\n');
  });
});
