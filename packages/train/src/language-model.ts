import { createRandom, InvalidArgumentError, languageModelNetwork, type Network, type Random } from '@modscope/core';

/** The shape of a GPT-style language model made by `createLanguageModel` (method §9). */
export interface LanguageModelOptions {
  /** (number, required) — token ids are 0 … vocabulary − 1. */
  vocabulary: number;
  /** (number, default 64) — the longest sequence the model reads (its position table). */
  context?: number;
  /** (number, default 2) — transformer blocks L. */
  blocks?: number;
  /** (number, default 64) — the width d of the residual stream. */
  width?: number;
  /** (number, default 4) — attention heads per block; must divide `width`. */
  heads?: number;
  /** (number, default 4 × width) — MLP neurons per block. */
  neurons?: number;
  /** (`'gelu' | 'relu'`, default `'gelu'`) — the MLP activation (GELU in its exact erf form). */
  activation?: 'gelu' | 'relu';
  /** (string, default `'gpt'`) — the network's name. */
  name?: string;
  /** (number, default 0) — seed of the initialization. */
  seed?: number;
}

/** The defaults of `createLanguageModel`. */
export const LANGUAGE_MODEL_DEFAULTS = Object.freeze({ context: 64, blocks: 2, width: 64, heads: 4, activation: 'gelu' as const });

const pkg = '@modscope/train';

function normal(random: Random, n: number, std: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = random.normal() * std;
  return out;
}

function checkShape(options: LanguageModelOptions): Required<Omit<LanguageModelOptions, 'name' | 'seed'>> {
  const { vocabulary } = options;
  const context = options.context ?? LANGUAGE_MODEL_DEFAULTS.context;
  const blocks = options.blocks ?? LANGUAGE_MODEL_DEFAULTS.blocks;
  const width = options.width ?? LANGUAGE_MODEL_DEFAULTS.width;
  const heads = options.heads ?? LANGUAGE_MODEL_DEFAULTS.heads;
  const neurons = options.neurons ?? 4 * width;
  const activation = options.activation ?? LANGUAGE_MODEL_DEFAULTS.activation;
  const entries = { vocabulary, context, blocks, width, heads, neurons } as const;
  for (const [name, value] of Object.entries(entries)) {
    const least = name === 'vocabulary' || name === 'context' ? 2 : 1;
    if (!Number.isInteger(value) || value < least) {
      throw new InvalidArgumentError({
        argument: name,
        message: `${pkg}: a language model's ${name} must be an integer ≥ ${least}, got ${String(value)}.`,
      });
    }
  }
  if (width % heads !== 0) {
    throw new InvalidArgumentError({
      argument: 'heads',
      message: `${pkg}: ${heads} heads do not divide the width ${width}.`,
      hint: `Choose heads among the divisors of ${width}, e.g. ${[1, 2, 4, 8].filter((h) => width % h === 0).join(', ')}.`,
    });
  }
  if (activation !== 'gelu' && activation !== 'relu') {
    throw new InvalidArgumentError({
      argument: 'activation',
      message: `${pkg}: unknown MLP activation '${String(activation)}'.`,
      hint: "Use 'gelu' or 'relu'.",
    });
  }
  return { vocabulary, context, blocks, width, heads, neurons, activation };
}

/**
 * A fresh GPT-2-style decoder-only transformer (method §9): token and learned position embeddings, L pre-LN
 * blocks `x += W_O·Attn(LN1(x)); x += W_out·act(W_in·LN2(x))`, a final LayerNorm and an untied unembedding.
 * GPT-2's initialization: every matrix N(0, 0.02²), the two projections that write into the residual
 * stream (W_O and W_out) N(0, (0.02/√(2L))²), biases 0, LayerNorm gains 1. Layer ids are those of core's
 * `tinyLanguageModel`: `block{b}.{ln1, attention, attention.out, attention.residual, ln2, mlp.in, mlp.act,
 * mlp.out, mlp.residual}`, `ln_f`, `unembedding`.
 */
export function createLanguageModel(options: LanguageModelOptions): Network {
  const shape = checkShape(options);
  const random = createRandom(options.seed ?? 0);
  const std = 0.02;
  const residualStd = std / Math.sqrt(2 * shape.blocks);
  return languageModelNetwork(options.name ?? 'gpt', shape, (role, layer, n) => {
    switch (role) {
      case 'gamma':
        return new Float32Array(n).fill(1);
      case 'beta':
      case 'bias':
      case 'queryBias':
      case 'keyBias':
      case 'valueBias':
        return new Float32Array(n);
      case 'positions':
        return normal(random, n, std / 2);
      case 'kernel':
        // the projections that write into the residual stream
        return normal(random, n, layer.endsWith('attention.out') || layer.endsWith('mlp.out') ? residualStd : std);
      default:
        return normal(random, n, std);
    }
  });
}
