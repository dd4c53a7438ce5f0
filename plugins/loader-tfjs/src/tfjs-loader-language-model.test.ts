import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Network } from '@modscope/core';
import { referenceForward, tinyLanguageModel } from '@modscope/core/testing';
import { saveTfjsModel } from '@modscope/tfjs-runtime';
import { tfjsLoader } from './tfjs-loader.js';
import { useTestBackend } from './test-support/use-test-backend.js';

const root = mkdtempSync(join(tmpdir(), 'modscope-tfjs-lm-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeAll(useTestBackend);

const variants = [
  { activation: 'gelu', blocks: 1, heads: 2, tied: false },
  { activation: 'gelu', blocks: 3, heads: 1, tied: true },
  { activation: 'gelu-tanh', blocks: 3, heads: 2, tied: false },
  { activation: 'gelu-tanh', blocks: 1, heads: 1, tied: true },
  { activation: 'relu', blocks: 1, heads: 1, tied: false },
  { activation: 'relu', blocks: 3, heads: 2, tied: true },
] as const;

/** Token ids of `count` full windows. */
function ids(network: Network, count: number): Float32Array {
  const context = network.layers[0]!.outputShape[0]!;
  return Float32Array.from({ length: count * context }, (_, i) => (i * 5 + 2) % 11);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return a.length === b.length ? m : Infinity;
}

interface ModelJson {
  modelTopology: { config: { layers: { class_name: string; config: { name: string } }[] } };
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
}

/** A saved tiny language model's directory, its model.json parsed, and a way to write both back. */
async function savedModel(name: string) {
  const dir = join(root, name);
  await saveTfjsModel(tinyLanguageModel({ seed: 3, blocks: 1 }), dir);
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as ModelJson;
  const weights = readFileSync(join(dir, 'weights.bin'));
  return {
    dir,
    json,
    weights,
    write: (bin = weights) => {
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      writeFileSync(join(dir, 'weights.bin'), bin);
    },
  };
}

async function loadError(dir: string): Promise<Error & Record<string, unknown>> {
  const error = await tfjsLoader.load(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error & Record<string, unknown>;
}

describe('tfjs loader on language models', () => {
  variants.forEach((variant, seed) => {
    const network = tinyLanguageModel({ ...variant, seed });
    const label = `${variant.activation}, ${variant.blocks} block(s), ${variant.heads} head(s), ${variant.tied ? 'tied' : 'untied'}`;
    it(`${label}: saveTfjsModel → load gives the same network, and its evaluator the reference logits`, async () => {
      const dir = join(root, `lm-${seed}`);
      await saveTfjsModel(network, dir);
      const loaded = await tfjsLoader.load(dir);
      expect(loaded.network.layout).toBe('sequence');
      expect(loaded.network.output).toBe(network.output);
      expect(loaded.network.layers).toEqual(network.layers);
      const evaluator = await loaded.createEvaluator();
      try {
        const inputs = ids(network, 3);
        const got = await evaluator.run({ inputs, count: 3 });
        expect(maxDiff(got.logits, referenceForward(network, { inputs, count: 3 }).logits)).toBeLessThan(1e-4);
      } finally {
        await evaluator.dispose();
      }
    });
  });

  it('a model.json naming a custom class modscope does not know gives a one-line unsupported-op error naming it and the fix', async () => {
    const model = await savedModel('unknown-class');
    const attention = model.json.modelTopology.config.layers.find((l) => l.class_name === 'ModscopeCausalSelfAttention')!;
    attention.class_name = 'ModscopeRotaryAttention';
    model.write();
    const error = await loadError(model.dir);
    expect(error).toMatchObject({ code: 'unsupported-op', op: 'ModscopeRotaryAttention', node: 'block0.attention' });
    expect(error.message).toContain('upgrade @modscope/loader-tfjs');
    expect(error.message).not.toContain('\n');

    attention.class_name = 'MyAttention';
    model.write();
    const other = await loadError(model.dir);
    expect(other).toMatchObject({ code: 'unsupported-op', op: 'MyAttention', node: 'block0.attention' });
    expect(other.message).toContain('ModscopeCausalSelfAttention');
    expect(other.message).not.toContain('\n');
  });

  it('a weights manifest without an attention weight gives a one-line corrupt-file error naming the weight and the fix', async () => {
    const model = await savedModel('missing-weight');
    const group = model.json.weightsManifest[0]!;
    let offset = 0;
    const index = group.weights.findIndex((w) => {
      if (w.name === 'block0.attention/key_kernel') return true;
      offset += w.shape.reduce((a, b) => a * b, 1) * 4;
      return false;
    });
    const bytes = group.weights[index]!.shape.reduce((a, b) => a * b, 1) * 4;
    group.weights.splice(index, 1);
    model.write(Buffer.concat([model.weights.subarray(0, offset), model.weights.subarray(offset + bytes)]));
    const error = await loadError(model.dir);
    expect(error).toMatchObject({
      code: 'corrupt-file',
      reason: "layer 'block0.attention' (ModscopeCausalSelfAttention) has no weight 'block0.attention/key_kernel' in weightsManifest",
    });
    expect(error.message).toContain('save the model again');
    expect(error.message).not.toContain('\n');
  });

  it('an attention weight of the wrong shape gives a corrupt-file error with both shapes', async () => {
    const model = await savedModel('wrong-shape');
    const query = model.json.weightsManifest[0]!.weights.find((w) => w.name === 'block0.attention/query_kernel')!;
    query.shape = [4, 16];
    model.write();
    const error = await loadError(model.dir);
    expect(error).toMatchObject({
      code: 'corrupt-file',
      reason:
        "weight 'block0.attention/query_kernel' of layer 'block0.attention' (ModscopeCausalSelfAttention) is [4, 16] in weightsManifest, but the layer needs [8, 8]",
    });
    expect(error.message).not.toContain('\n');
  });
});
