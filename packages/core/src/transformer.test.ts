import { describe, expect, it } from 'vitest';
import { validateNetwork, type Network } from './network.js';
import { referenceForward } from './testing/reference-forward.js';
import { tinyLanguageModel } from './testing/synthetic-networks.js';
import { blockMlpNetwork, transformerView } from './transformer.js';

function logitsFor(network: Network, ids: number[]): Float32Array {
  return referenceForward(network, { inputs: Float32Array.from(ids), count: 1 }).logits;
}

describe('transformerView', () => {
  it('finds every block of a GPT-style network from how its layers connect', () => {
    const network = tinyLanguageModel({ blocks: 3, width: 8, heads: 2, neurons: 12 });
    expect(validateNetwork(network)).toEqual([]);
    const view = transformerView(network);
    expect(view.blocks).toHaveLength(3);
    expect(view.width).toBe(8);
    expect(view.context).toBe(8);
    expect(view.blocks[2]!.mlpIn.kernelShape).toEqual([8, 12]);
    expect(view.blocks[1]!.attention.heads).toBe(2);
    expect(view.finalNorm.id).toBe('ln_f');
    expect(view.unembedding.id).toBe('unembedding');
  });

  it('names the layer that breaks the pre-LN shape', () => {
    const network = tinyLanguageModel({ blocks: 2 });
    // A parallel-residual block: the MLP's LayerNorm reads the block's input, not the attention residual.
    const ln2 = network.layers.find((l) => l.id === 'block1.ln2')!;
    ln2.inputs = ['block0.mlp.residual'];
    expect(() => transformerView(network)).toThrow(/'block0\.mlp\.residual' should feed exactly one LayerNorm/);
    expect(() => transformerView({ ...network, layout: 'flat' })).toThrow(/layout is 'flat'/);
  });
});

describe('referenceForward on a language model', () => {
  it('is causal: a later token never changes an earlier position', () => {
    const network = tinyLanguageModel({ seed: 3 });
    const a = logitsFor(network, [1, 2, 3, 4, 5, 6, 7, 8]);
    const b = logitsFor(network, [1, 2, 3, 4, 9, 9, 9, 9]);
    const vocabulary = 11;
    expect(Array.from(a.subarray(0, 4 * vocabulary))).toEqual(Array.from(b.subarray(0, 4 * vocabulary)));
    expect(Math.max(...a.subarray(4 * vocabulary).map((v, i) => Math.abs(v - b[4 * vocabulary + i]!)))).toBeGreaterThan(1e-3);
  });

  it('computes GELU (erf and tanh forms) to float precision', () => {
    const input = Float32Array.from([1, -2, 3.5, 0.25]);
    for (const [activation, expected] of [
      // Python's math.erf and math.tanh in double precision.
      ['gelu', [0.8413447460685429, -0.04550026389635842, 3.4991857982233756, 0.14967658142073093]],
      ['gelu-tanh', [0.8411919906082768, -0.04540230591222494, 3.499383802344626, 0.149675350701685]],
    ] as const) {
      const network: Network = {
        specificationVersion: 'v1',
        name: activation,
        layout: 'flat',
        output: 'act',
        layers: [
          { kind: 'input', id: 'x', name: 'x', inputs: [], units: 4, outputShape: [4] },
          { kind: 'activation', id: 'act', name: 'act', inputs: ['x'], units: 4, outputShape: [4], activation },
        ],
      };
      const y = referenceForward(network, { inputs: input, count: 1 }).logits;
      expected.forEach((v, i) => {
        expect(y[i]).toBeCloseTo(v, 6);
      });
    }
  });

  it('masks an attention layer head by head', () => {
    const network = tinyLanguageModel({ blocks: 1 });
    const masked = referenceForward(network, {
      inputs: Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]),
      count: 1,
      masks: [{ layer: 'block0.attention', mask: Float32Array.from([0, 1]) }],
      capture: ['block0.attention'],
    }).activations.get('block0.attention')!.data;
    // Head 0 owns channels 0–3 of 8 at every position; head 1 channels 4–7.
    for (let p = 0; p < 8; p++) {
      expect(masked.subarray(p * 8, p * 8 + 4).every((v) => v === 0)).toBe(true);
      expect(masked.subarray(p * 8 + 4, p * 8 + 8).some((v) => v !== 0)).toBe(true);
    }
  });
});

describe('blockMlpNetwork (the per-block view)', () => {
  it("is the block's MLP as d → neurons → d with the LN2 gain folded into W_in", () => {
    const network = tinyLanguageModel({ blocks: 2, width: 8, neurons: 12, seed: 2 });
    const mlp = blockMlpNetwork(network, 1);
    expect(validateNetwork(mlp)).toEqual([]);
    expect(mlp.layers.map((l) => [l.id, l.kind, l.units])).toEqual([
      ['block1.ln2', 'input', 8],
      ['block1.mlp.in', 'dense', 12],
      ['block1.mlp.act', 'activation', 12],
      ['block1.mlp.out', 'dense', 8],
    ]);
    // The MLP of the block applied to LN2's output: W_out·act(W_in·(γ ⊙ x̂) + b) + b_out.
    const view = transformerView(network);
    const x = Float32Array.from({ length: 8 }, (_, i) => Math.cos(i));
    const gained = x.map((v, i) => v * view.blocks[1]!.norm2.gamma[i]!);
    const single: Network = {
      ...network,
      layout: 'flat',
      output: 'block1.mlp.out',
      layers: [
        { kind: 'input', id: 'x', name: 'x', inputs: [], units: 8, outputShape: [8] },
        { ...view.blocks[1]!.mlpIn, inputs: ['x'], outputShape: [12] },
        { ...view.blocks[1]!.activation, outputShape: [12] },
        { ...view.blocks[1]!.mlpOut, outputShape: [8] },
      ],
    };
    const a = referenceForward(mlp, { inputs: x, count: 1 }).logits;
    const b = referenceForward(single, { inputs: gained, count: 1 }).logits;
    a.forEach((v, i) => {
      expect(v).toBeCloseTo(b[i]!, 5);
    });
    expect(() => blockMlpNetwork(network, 2)).toThrow(/has no block 2; its blocks are 0 to 1/);
  });
});
