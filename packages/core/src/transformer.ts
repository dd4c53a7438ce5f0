import { InvalidArgumentError } from './errors.js';
import type { ActivationLayer, AddLayer, AttentionLayer, DenseLayer, EmbeddingLayer, Layer, LayerNormLayer, Network } from './network.js';

/**
 * One GPT-style pre-LN block (method §9): `x += W_O(Attn(LN1(x)))`, then `x += W_out(act(W_in(LN2(x))))`.
 * Its MLP neurons are the units of `activation` (after the activation function); its heads those of
 * `attention`.
 */
export interface TransformerBlock {
  index: number;
  norm1: LayerNormLayer;
  attention: AttentionLayer;
  /** W_O: `[heads × headSize, d]`. */
  attentionOutput: DenseLayer;
  attentionResidual: AddLayer;
  norm2: LayerNormLayer;
  /** W_in: `[d, neurons]`. */
  mlpIn: DenseLayer;
  activation: ActivationLayer;
  /** W_out: `[neurons, d]`. */
  mlpOut: DenseLayer;
  mlpResidual: AddLayer;
}

/** A decoder-only transformer seen block by block: embedding → blocks → final LayerNorm → unembedding. */
export interface TransformerView {
  embedding: EmbeddingLayer;
  blocks: TransformerBlock[];
  finalNorm: LayerNormLayer;
  /** `[d, vocabulary]`; `tiedTo` names the embedding when the model ties the two. */
  unembedding: DenseLayer;
  /** The model width d: the size of the residual stream. */
  width: number;
  /** The longest sequence the model reads (its position table's length, or its declared input). */
  context: number;
}

/** Whether the network is a language model (token ids in, a residual stream of `[positions, d]`). */
export function isLanguageModel(network: Network): boolean {
  return network.layout === 'sequence';
}

/**
 * The block structure of a GPT-style language model, found from how its layers connect (not from their
 * ids). Throws `InvalidArgumentError` naming the first layer that does not fit the shape of method §9.
 */
export function transformerView(network: Network): TransformerView {
  const consumers = new Map<string, Layer[]>();
  for (const layer of network.layers) for (const input of layer.inputs) consumers.set(input, [...(consumers.get(input) ?? []), layer]);
  const fail = (message: string): never => {
    throw new InvalidArgumentError({
      argument: 'network',
      message: `@modscope/core: '${network.name}' is not a GPT-style language model: ${message}.`,
      hint: 'Language-model analyses read decoder-only transformers with pre-LN blocks (method §9).',
    });
  };
  const only = <K extends Layer['kind']>(from: Layer, kind: K, what: string): Extract<Layer, { kind: K }> => {
    const next = consumers.get(from.id) ?? [];
    const found = next.length === 1 ? next[0]! : undefined;
    if (found?.kind !== kind)
      fail(`${what} should follow '${from.id}' alone, found ${next.map((l) => `${l.kind} '${l.id}'`).join(', ') || 'nothing'}`);
    return found as Extract<Layer, { kind: K }>;
  };
  if (!isLanguageModel(network)) fail(`its layout is '${network.layout}', not 'sequence'`);
  const input = network.layers[0];
  const embedding = input ? (consumers.get(input.id) ?? []).find((l): l is EmbeddingLayer => l.kind === 'embedding') : undefined;
  if (!embedding) return fail('no embedding reads its token ids');

  /** The residual add that sums `stream` with the branch ending at `branchEnd`. */
  const residualOf = (stream: Layer, branchEnd: Layer): AddLayer => {
    const add = (consumers.get(branchEnd.id) ?? []).find((l): l is AddLayer => l.kind === 'add');
    if (add?.inputs.length !== 2 || !add.inputs.includes(stream.id))
      fail(`'${branchEnd.id}' should be added back to the residual stream '${stream.id}'`);
    return add!;
  };
  const blocks: TransformerBlock[] = [];
  let stream: Layer = embedding;
  for (;;) {
    const next = consumers.get(stream.id) ?? [];
    const norms = next.filter((l): l is LayerNormLayer => l.kind === 'layernorm');
    if (norms.length !== 1) fail(`the residual stream '${stream.id}' should feed exactly one LayerNorm`);
    const norm = norms[0]!;
    const after = consumers.get(norm.id) ?? [];
    if (after.length === 1 && after[0]!.kind === 'dense' && next.length === 1) {
      const unembedding = after[0] as DenseLayer;
      if (unembedding.id !== network.output && !(consumers.get(unembedding.id) ?? []).every((l) => l.kind === 'softmax'))
        fail(`the unembedding '${unembedding.id}' should produce the output`);
      const width = embedding.units;
      return { embedding, blocks, finalNorm: norm, unembedding, width, context: embedding.outputShape[0] ?? 0 };
    }
    const attention = only(norm, 'attention', 'attention');
    const attentionOutput = only(attention, 'dense', 'the attention output projection W_O');
    const attentionResidual = residualOf(stream, attentionOutput);
    const norms2 = (consumers.get(attentionResidual.id) ?? []).filter((l): l is LayerNormLayer => l.kind === 'layernorm');
    if (norms2.length !== 1) fail(`the residual stream '${attentionResidual.id}' should feed exactly one LayerNorm`);
    const norm2 = norms2[0]!;
    const mlpIn = only(norm2, 'dense', 'the MLP input projection W_in');
    const activation = only(mlpIn, 'activation', 'the MLP activation');
    const mlpOut = only(activation, 'dense', 'the MLP output projection W_out');
    const mlpResidual = residualOf(attentionResidual, mlpOut);
    blocks.push({
      index: blocks.length,
      norm1: norm,
      attention,
      attentionOutput,
      attentionResidual,
      norm2,
      mlpIn,
      activation,
      mlpOut,
      mlpResidual,
    });
    stream = mlpResidual;
  }
}

/**
 * The `per-block` view of method §9: block `index`'s MLP as a three-layer network of its own, d → neurons
 * → d (flat layout), with the block's LN2 gain folded into W_in's rows, so the weight graph, nulls and
 * statistics of §1–§4 apply to it unchanged. Layer ids: `block{b}.ln2` (the input), `block{b}.mlp.in`,
 * `block{b}.mlp.act`, `block{b}.mlp.out`.
 */
export function blockMlpNetwork(network: Network, index: number): Network {
  const view = transformerView(network);
  const block = view.blocks[index];
  if (!block) {
    throw new InvalidArgumentError({
      argument: 'block',
      message: `@modscope/core: '${network.name}' has no block ${index}; its blocks are 0 to ${view.blocks.length - 1}.`,
      hint: `Choose a block from 0 to ${view.blocks.length - 1}.`,
    });
  }
  const d = view.width;
  const { mlpIn, activation, mlpOut, norm2 } = block;
  const neurons = mlpIn.units;
  const kernel = mlpIn.kernel.slice();
  for (let i = 0; i < d; i++) for (let j = 0; j < neurons; j++) kernel[i * neurons + j]! *= norm2.gamma[i]!;
  return {
    specificationVersion: 'v1',
    name: `${network.name} block ${index} MLP`,
    layout: 'flat',
    output: mlpOut.id,
    layers: [
      { kind: 'input', id: norm2.id, name: norm2.name, inputs: [], units: d, outputShape: [d] },
      { ...mlpIn, inputs: [norm2.id], outputShape: [neurons], kernel },
      { ...activation, outputShape: [neurons] },
      { ...mlpOut, outputShape: [d] },
    ],
  };
}
