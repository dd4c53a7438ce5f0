import {
  InvalidArgumentError,
  ModscopeError,
  transformerView,
  type ActivationLayer,
  type AttentionLayer,
  type DenseLayer,
  type LayerNormLayer,
  type Network,
  type TransformerView,
} from '@modscope/core';
import type { BoundModel, LayerBinding } from './model-binding.js';
import { AttributeType, DataType, type AttributeProto, type NodeProto, type TensorProto, type ValueInfoProto } from './onnx-proto.js';
import { float32Tensor, int64Tensor } from './tensor-data.js';

const pkg = '@modscope/loader-onnx';
/** The graph's input and output, named as PyTorch exports of GPT models name them. */
const INPUT = 'input_ids';
const OUTPUT = 'logits';
/**
 * Added to the scores of later positions. Finite, so no stored tensor holds −∞ (modscope refuses non-finite
 * weights); far enough below any score that its exp is exactly 0 in float32 after Softmax subtracts the row max.
 */
const MASKED = -1e9;
/** The activations the reader recognizes in an ONNX graph (the Gelu op needs opset 20; its Erf form is written). */
const ACTIVATIONS = new Set(['gelu', 'gelu-tanh', 'relu']);

const intAttr = (name: string, i: number): AttributeProto => ({ name, type: AttributeType.INT, i });
const floatAttr = (name: string, f: number): AttributeProto => ({ name, type: AttributeType.FLOAT, f });
const intsAttr = (name: string, ints: readonly number[]): AttributeProto => ({ name, type: AttributeType.INTS, ints: [...ints] });

function refuse(network: Network, what: string, hint: string): never {
  throw new InvalidArgumentError({
    argument: 'network',
    message: `${pkg}: language model '${network.name}' ${what}, which modscope does not write to ONNX.`,
    hint,
  });
}

/** The block structure of `network`, after checking that every layer is part of it and that the shapes agree. */
function gptView(network: Network): TransformerView {
  let view: TransformerView;
  try {
    view = transformerView(network);
  } catch (error) {
    if (!ModscopeError.isInstance(error)) throw error;
    const said = error.hint ? error.message.slice(0, -error.hint.length - 1) : error.message;
    const reason = (said.split('language model: ')[1] ?? said).replace(/\.$/, '');
    return refuse(network, `is not GPT-shaped (${reason})`, 'modscope writes decoder-only transformers with pre-LN blocks (method §9).');
  }
  const { embedding, blocks, unembedding, width: d, context } = view;
  const hint = 'modscope writes decoder-only transformers with pre-LN blocks (method §9) and nothing else.';
  if (network.output !== unembedding.id)
    refuse(network, `has layers after its unembedding '${unembedding.id}'`, 'Write the logits: make the unembedding the output.');
  if (network.layers.length !== 4 + 9 * blocks.length) refuse(network, 'has layers outside its blocks, embedding and unembedding', hint);
  if (network.layers[0]!.outputShape[0] !== context)
    refuse(network, `reads ${network.layers[0]!.outputShape[0]} token ids but its context is ${context}`, hint);
  for (const layer of network.layers)
    if (
      (layer.id === INPUT && layer !== network.layers[0]) ||
      (layer.id === OUTPUT && layer !== unembedding) ||
      layer.id.startsWith('modscope.')
    )
      refuse(network, `has a layer '${layer.id}' whose id is a tensor name the writer uses`, 'Rename the layer.');
  const dense = (layer: DenseLayer, fanIn: number, fanOut: number) => {
    if (layer.kernelShape[0] !== fanIn || layer.kernelShape[1] !== fanOut)
      refuse(network, `has a dense layer '${layer.id}' of [${layer.kernelShape.join(', ')}], not [${fanIn}, ${fanOut}]`, hint);
  };
  const norm = (layer: LayerNormLayer) => {
    if (layer.units !== d) refuse(network, `has a LayerNorm '${layer.id}' over ${layer.units} features, not the width ${d}`, hint);
  };
  for (const b of blocks) {
    const inner = b.attention.heads * b.attention.headSize;
    if (b.attention.query.length !== d * inner)
      refuse(network, `has attention '${b.attention.id}' that does not read the width ${d}`, hint);
    if (!ACTIVATIONS.has(b.activation.activation))
      refuse(
        network,
        `has a ${b.activation.activation} MLP activation ('${b.activation.id}')`,
        'modscope writes GELU (exact or tanh) and ReLU MLPs.',
      );
    norm(b.norm1);
    norm(b.norm2);
    dense(b.attentionOutput, inner, d);
    dense(b.mlpIn, d, b.mlpIn.units);
    dense(b.mlpOut, b.mlpIn.units, d);
  }
  norm(view.finalNorm);
  dense(unembedding, d, embedding.vocabulary);
  return view;
}

/** Whether `kernel` (`[cols, rows]`) is exactly the transpose of `table` (`[rows, cols]`). */
function isTransposeOf(kernel: Float32Array, table: Float32Array, rows: number, cols: number): boolean {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) if (kernel[c * rows + r] !== table[r * cols + c]) return false;
  return kernel.length === table.length;
}

/**
 * Builds the ONNX graph of a GPT-style language model (method §9) in the form PyTorch exports and
 * `onnxToTransformer` reads: int64 `input_ids` `[batch, positions]` (any length up to the context), token and
 * position Gathers, LayerNormalization, MatMul + Add with `[in, out]` weights, separate Q/K/V projections split
 * into heads, scaled scores plus a causal mask sliced to the sequence length, Softmax, merged heads and W_O,
 * GELU as its Erf or tanh expansion, and float `logits` `[batch, positions, vocabulary]`. A tied unembedding
 * is a MatMul by the Transpose of the token table, so the reader finds the tie (one whose kernel is no longer
 * exactly that transpose is stored as its own weight, and reads back untied). Layer ids name the output
 * tensors (the unembedding's is `logits`), and each layer is bound to the nodes that compute it, so
 * evaluators can mask, capture and edit the network's own layer ids.
 */
export function buildTransformerOnnxModel(network: Network, opset: number, producerName: string): BoundModel {
  const view = gptView(network);
  const { embedding, width: d, context } = view;
  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const layers = new Map<string, LayerBinding>();
  const store = (tensor: TensorProto) => {
    initializers.push(tensor);
    return tensor.name!;
  };
  const floats = (name: string, dims: readonly number[], data: Float32Array) => store(float32Tensor(name, dims, data));
  const constants = new Map<string, string>();
  /** A float scalar shared by every node that multiplies or adds it. */
  const scalar = (value: number) => {
    const key = String(value);
    if (!constants.has(key)) constants.set(key, floats(`modscope.scalar${constants.size}`, [], Float32Array.of(value)));
    return constants.get(key)!;
  };
  const emit = (op_type: string, input: string[], output: string, attribute: AttributeProto[] = []) => {
    nodes.push({ op_type, name: output, input, output: [output], attribute });
    return output;
  };
  /** Binds a layer to the nodes emitted since `start`. */
  const bind = (id: string, input: string, output: string, start: number) =>
    layers.set(id, { input, output, nodes: nodes.map((_, i) => i).slice(start) });

  // The causal mask first: the reader takes a model's context from its first square constant when it has no positions.
  const causalTable = new Float32Array(context * context);
  for (let p = 0; p < context; p++) causalTable.fill(MASKED, p * context + p + 1, (p + 1) * context);
  const maskTable = floats('modscope.causal_mask', [context, context], causalTable);
  const positionsLength = emit('Shape', [INPUT], 'modscope.positions', [intAttr('start', 1), intAttr('end', 2)]);
  const maskEnds = emit('Concat', [positionsLength, positionsLength], 'modscope.causal_ends', [intAttr('axis', 0)]);
  const causal = emit(
    'Slice',
    [maskTable, store(int64Tensor('modscope.causal_starts', [0, 0])), maskEnds, store(int64Tensor('modscope.causal_axes', [0, 1]))],
    'modscope.causal',
  );

  const input = network.layers[0]!;
  layers.set(input.id, { input: INPUT, output: INPUT, nodes: [] });
  const embeddingStart = nodes.length;
  const tokens = floats(`${embedding.id}.tokens`, [embedding.vocabulary, d], embedding.tokens);
  if (embedding.positions) {
    const tokenVectors = emit('Gather', [tokens, INPUT], `${embedding.id}.token_vectors`);
    const zero = store(int64Tensor('modscope.zero', [0]));
    const arange = store(int64Tensor('modscope.position_ids', [...Array(context).keys()]));
    const ids = emit('Slice', [arange, zero, positionsLength, zero], `${embedding.id}.position_ids`);
    const positionVectors = emit(
      'Gather',
      [floats(`${embedding.id}.positions`, [context, d], embedding.positions), ids],
      `${embedding.id}.position_vectors`,
    );
    emit('Add', [tokenVectors, positionVectors], embedding.id);
  } else emit('Gather', [tokens, INPUT], embedding.id);
  bind(embedding.id, INPUT, embedding.id, embeddingStart);

  const layerNorm = (layer: LayerNormLayer, from: string) => {
    const at = nodes.length;
    const inputs = [from, floats(`${layer.id}.gamma`, [d], layer.gamma), floats(`${layer.id}.beta`, [d], layer.beta)];
    emit('LayerNormalization', inputs, layer.id, [intAttr('axis', -1), floatAttr('epsilon', layer.epsilon)]);
    bind(layer.id, from, layer.id, at);
  };
  /** x·W (+ b), with `kernel` the name of an `[in, out]` tensor. */
  const affine = (from: string, name: string, output: string, kernel: string, bias: Float32Array | null) => {
    const product = emit('MatMul', [from, kernel], bias ? `${name}.product` : output);
    return bias ? emit('Add', [product, floats(`${name}.bias`, [bias.length], bias)], output) : product;
  };
  const dense = (layer: DenseLayer, from: string, output = layer.id) => {
    const at = nodes.length;
    const tied = layer.tiedTo === embedding.id && isTransposeOf(layer.kernel, embedding.tokens, embedding.vocabulary, d);
    const kernel = tied
      ? emit('Transpose', [tokens], `${layer.id}.tied_kernel`, [intsAttr('perm', [1, 0])])
      : floats(`${layer.id}.kernel`, layer.kernelShape, layer.kernel);
    affine(from, layer.id, output, kernel, layer.bias);
    bind(layer.id, from, output, at);
  };
  const attention = (layer: AttentionLayer, from: string) => {
    const at = nodes.length;
    const { id, heads, headSize } = layer;
    const inner = heads * headSize;
    const split = store(int64Tensor(`${id}.split_shape`, [0, 0, heads, headSize]));
    const project = (part: 'query' | 'key' | 'value', kernel: Float32Array, bias: Float32Array | null, perm: number[]) => {
      const out = affine(from, `${id}.${part}`, `${id}.${part}.projected`, floats(`${id}.${part}.kernel`, [d, inner], kernel), bias);
      return emit('Transpose', [emit('Reshape', [out, split], `${id}.${part}.split`)], `${id}.${part}.heads`, [intsAttr('perm', perm)]);
    };
    const q = project('query', layer.query, layer.queryBias, [0, 2, 1, 3]);
    const k = project('key', layer.key, layer.keyBias, [0, 2, 3, 1]);
    const v = project('value', layer.value, layer.valueBias, [0, 2, 1, 3]);
    const scores = emit('Mul', [emit('MatMul', [q, k], `${id}.scores`), scalar(layer.scale)], `${id}.scaled`);
    const weights = emit('Softmax', [emit('Add', [scores, causal], `${id}.masked`)], `${id}.weights`, [intAttr('axis', -1)]);
    const mixed = emit('Transpose', [emit('MatMul', [weights, v], `${id}.mixed`)], `${id}.merged`, [intsAttr('perm', [0, 2, 1, 3])]);
    emit('Reshape', [mixed, store(int64Tensor(`${id}.merge_shape`, [0, 0, inner]))], id);
    bind(id, from, id, at);
  };
  const activation = (layer: ActivationLayer, x: string) => {
    const at = nodes.length;
    const id = layer.id;
    if (layer.activation === 'relu') emit('Relu', [x], id);
    else {
      // 0.5·x·(1 + erf(x/√2)), or GPT-2's 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
      let inner: string;
      if (layer.activation === 'gelu') inner = emit('Erf', [emit('Div', [x, scalar(Math.SQRT2)], `${id}.scaled`)], `${id}.erf`);
      else {
        const cube = emit('Mul', [emit('Mul', [x, x], `${id}.square`), x], `${id}.cube`);
        const sum = emit('Add', [x, emit('Mul', [cube, scalar(0.044715)], `${id}.cubic`)], `${id}.sum`);
        inner = emit('Tanh', [emit('Mul', [sum, scalar(Math.sqrt(2 / Math.PI))], `${id}.scaled`)], `${id}.tanh`);
      }
      const gate = emit('Add', [inner, scalar(1)], `${id}.gate`);
      emit('Mul', [emit('Mul', [x, gate], `${id}.gated`), scalar(0.5)], id);
    }
    bind(id, x, id, at);
  };
  const residual = (id: string, stream: string, branch: string) => {
    const at = nodes.length;
    emit('Add', [stream, branch], id);
    bind(id, branch, id, at);
  };

  let stream = embedding.id;
  for (const block of view.blocks) {
    layerNorm(block.norm1, stream);
    attention(block.attention, block.norm1.id);
    dense(block.attentionOutput, block.attention.id);
    residual(block.attentionResidual.id, stream, block.attentionOutput.id);
    layerNorm(block.norm2, block.attentionResidual.id);
    dense(block.mlpIn, block.norm2.id);
    activation(block.activation, block.mlpIn.id);
    dense(block.mlpOut, block.activation.id);
    residual(block.mlpResidual.id, block.attentionResidual.id, block.mlpOut.id);
    stream = block.mlpResidual.id;
  }
  layerNorm(view.finalNorm, stream);
  dense(view.unembedding, view.finalNorm.id, OUTPUT);

  const dims = (last?: number) => [{ dim_param: 'batch' }, { dim_param: 'positions' }, ...(last ? [{ dim_value: last }] : [])];
  const valueInfo = (name: string, elem_type: number, last?: number): ValueInfoProto => ({
    name,
    type: { tensor_type: { elem_type, shape: { dim: dims(last) } } },
  });
  return {
    model: {
      ir_version: 8, // the IR version of opsets 17 and 18
      producer_name: producerName,
      opset_import: [{ domain: '', version: opset }],
      graph: {
        name: network.name,
        node: nodes,
        initializer: initializers,
        input: [valueInfo(INPUT, DataType.INT64)],
        output: [valueInfo(OUTPUT, DataType.FLOAT, embedding.vocabulary)],
        value_info: [],
      },
    },
    network,
    layers,
    inputName: INPUT,
    outputName: OUTPUT,
  };
}
