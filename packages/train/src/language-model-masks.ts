import {
  cloneNetwork,
  createRandom,
  InvalidArgumentError,
  ShapeMismatchError,
  transformerView,
  type Network,
  type TransformerView,
} from '@modscope/core';
import { checkClusterableOptions, type ClusterableInitOptions } from './clusterable-init.js';

/**
 * Units of a language model held at zero during training (method §9: module pruning of neurons and heads).
 * `layer` is a block's MLP activation (its units are the MLP neurons) or its attention layer (its units
 * are the heads); a 0 in `units` holds that neuron's row of W_in, b_in entry and column of W_out — or that
 * head's Q/K/V slices, their biases and its rows of W_O — at zero.
 */
export interface LanguageModelMask {
  layer: string;
  units: ArrayLike<number>;
}

/** One parameter's 0/1 mask: `tensor` names the layer and the parameter (`kernel`, `bias`, `query`, …). */
export interface ParameterMask {
  layer: string;
  parameter: string;
  mask: Float32Array;
}

const pkg = '@modscope/train';

/** Expands unit masks of a language model into 0/1 masks of the parameters they hold at zero. */
export function languageModelParameterMasks(network: Network, masks: readonly LanguageModelMask[]): ParameterMask[] {
  if (masks.length === 0) return [];
  const view = transformerView(network);
  const out = new Map<string, ParameterMask>();
  const maskOf = (layer: string, parameter: string, length: number) => {
    const key = `${layer}\u0000${parameter}`;
    let m = out.get(key);
    if (!m) {
      m = { layer, parameter, mask: new Float32Array(length).fill(1) };
      out.set(key, m);
    }
    return m.mask;
  };
  const zeroColumns = (mask: Float32Array, columns: number, from: number, to: number) => {
    for (let r = 0; r < mask.length / columns; r++) mask.fill(0, r * columns + from, r * columns + to);
  };
  for (const { layer, units } of masks) {
    const block = view.blocks.find((b) => b.activation.id === layer || b.attention.id === layer);
    if (!block) {
      const names = view.blocks.flatMap((b) => [b.activation.id, b.attention.id]);
      throw new InvalidArgumentError({
        argument: 'masks',
        message: `${pkg}: a mask names '${layer}', which is neither an MLP activation nor an attention layer of '${network.name}'.`,
        hint: `Use one of: ${names.join(', ')}.`,
      });
    }
    const heads = block.attention.id === layer;
    const count = heads ? block.attention.heads : block.mlpIn.units;
    if (units.length !== count) {
      throw new ShapeMismatchError({ what: `unit mask of '${layer}'`, expected: [count], actual: [units.length] });
    }
    for (let j = 0; j < count; j++) {
      if (units[j] !== 0) continue;
      if (heads) {
        const { attention, attentionOutput } = block;
        const width = attention.heads * attention.headSize;
        const [from, to] = [j * attention.headSize, (j + 1) * attention.headSize];
        for (const name of ['query', 'key', 'value'] as const) {
          zeroColumns(maskOf(attention.id, name, attention[name].length), width, from, to);
          if (attention[`${name}Bias`]) maskOf(attention.id, `${name}Bias`, width).fill(0, from, to);
        }
        const d = attentionOutput.units;
        maskOf(attentionOutput.id, 'kernel', attentionOutput.kernel.length).fill(0, from * d, to * d);
      } else {
        const { mlpIn, mlpOut } = block;
        zeroColumns(maskOf(mlpIn.id, 'kernel', mlpIn.kernel.length), mlpIn.units, j, j + 1);
        if (mlpIn.bias) maskOf(mlpIn.id, 'bias', mlpIn.units)[j] = 0;
        maskOf(mlpOut.id, 'kernel', mlpOut.kernel.length).fill(0, j * mlpOut.units, (j + 1) * mlpOut.units);
      }
    }
  }
  return [...out.values()];
}

/** The network with every parameter mask applied (held units zeroed). */
export function applyParameterMasks(network: Network, masks: readonly ParameterMask[]): Network {
  if (masks.length === 0) return network;
  const out = cloneNetwork(network);
  for (const { layer, parameter, mask } of masks) {
    const target = out.layers.find((l) => l.id === layer) as unknown as Record<string, Float32Array | null>;
    const values = target[parameter];
    if (values) for (let i = 0; i < values.length; i++) if (mask[i] === 0) values[i] = 0;
  }
  return out;
}

/**
 * Module pruning of a language model (method §9): a copy with every masked neuron's row of W_in, b_in entry
 * and column of W_out, and every masked head's Q/K/V slices, biases and rows of W_O, set to zero.
 */
export function pruneLanguageModel(network: Network, masks: readonly LanguageModelMask[]): Network {
  return applyParameterMasks(cloneNetwork(network), languageModelParameterMasks(network, masks));
}

export interface LanguageModelModules {
  /** Module of every residual dimension. */
  residual: Int32Array;
  /** Module of every MLP neuron, by activation layer id. */
  neurons: { layer: string; modules: Int32Array }[];
}

/**
 * Clusterable initialization (method §7) of a language model's MLPs, on the residual view of §9: every
 * residual dimension and every MLP neuron gets a random module of M; W_in[i, j] and W_out[j, i] are
 * multiplied by up = 1 + (1 − down)(M − 1) where residual dimension i and neuron j share a module, by down
 * otherwise (default 0.6, as for MLPs). Attention, embeddings and the unembedding are left as they are.
 */
export function languageModelClusterableInit(
  network: Network,
  options: ClusterableInitOptions = {},
): { network: Network; modules: LanguageModelModules; up: number; down: number } {
  checkClusterableOptions(options);
  const m = options.modules ?? 10;
  const down = options.down ?? 0.6;
  const up = 1 + (1 - down) * (m - 1);
  const random = createRandom(options.seed ?? 0);
  const out = cloneNetwork(network);
  const view: TransformerView = transformerView(out);
  const d = view.width;
  const residual = Int32Array.from({ length: d }, () => random.int(m));
  const neurons: LanguageModelModules['neurons'] = [];
  for (const block of view.blocks) {
    const n = block.mlpIn.units;
    const assigned = Int32Array.from({ length: n }, () => random.int(m));
    const win = block.mlpIn.kernel;
    const wout = block.mlpOut.kernel;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < n; j++) {
        const f = residual[i] === assigned[j] ? up : down;
        win[i * n + j]! *= f;
        wout[j * d + i]! *= f;
      }
    }
    neurons.push({ layer: block.activation.id, modules: assigned });
  }
  return { network: out, modules: { residual, neurons }, up, down };
}
