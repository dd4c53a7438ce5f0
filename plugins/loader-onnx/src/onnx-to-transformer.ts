import {
  CorruptFileError,
  InvalidArgumentError,
  type ActivationFunction,
  type AttentionLayer,
  type DenseLayer,
  type EmbeddingLayer,
  type Layer,
  type LayerNormLayer,
  type Network,
} from '@modscope/core';
import { constantValue } from './constant-value.js';
import type { BoundModel, LayerBinding } from './model-binding.js';
import { nodeAttributes } from './node-attributes.js';
import type { ModelProto, NodeProto, TensorProto } from './onnx-proto.js';
import { tensorDims, tensorToFloat32, tensorToNumbers } from './tensor-data.js';
import { checkFinite } from './validate-onnx-model.js';

const pkg = '@modscope/loader-onnx';

/** Ops that pass an activation through unchanged at inference. */
const PASS = new Set(['Identity', 'Dropout']);
/** Ops that only move an activation's values around (no arithmetic). */
const MOVES = new Set(['Reshape', 'Transpose', 'Identity', 'Dropout', 'Squeeze', 'Unsqueeze']);

interface Weight {
  /** `[in, out]` row-major. */
  kernel: Float32Array;
  shape: [number, number];
  /** Name of the stored tensor it came from. */
  source: string;
  /** Graph indices of the nodes that compute x·W (MatMul, and a Transpose of the weight if any). */
  nodes: number[];
}

interface Projection extends Weight {
  bias: Float32Array | null;
  /** The tensor holding x·W + b. */
  output: string;
  /** Index of the MatMul/Gemm node. */
  matmul: number;
}

function transposed(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c]!;
  return out;
}

/**
 * Reads a decoder-only GPT-style language model exported from PyTorch (method §9) into the network
 * representation: token and position embeddings, pre-LN blocks of causal self-attention and a two-layer MLP,
 * a final LayerNorm and the unembedding, with every layer bound to the tensor that holds it so onnxruntime
 * can run the original graph with masks and captures. Refuses anything else in one line naming what is not
 * supported: rotary positions, parallel residual blocks, mixtures of experts, gated MLPs, KV-cache inputs.
 */
export function onnxToTransformer(model: ModelProto, path: string, name?: string): BoundModel {
  const graph = model.graph!;
  const nodes = graph.node;
  const constants = new Map<string, TensorProto>();
  for (const t of graph.initializer) constants.set(t.name ?? '', t);
  for (const node of nodes) {
    if (node.op_type === 'Constant') {
      const value = constantValue(node);
      if (value) constants.set(node.output[0]!, value);
    } else if (PASS.has(node.op_type) && constants.has(node.input[0] ?? '')) {
      constants.set(node.output[0]!, constants.get(node.input[0]!)!);
    }
  }
  const producer = new Map<string, number>();
  const consumers = new Map<string, number[]>();
  nodes.forEach((node, index) => {
    for (const out of node.output) producer.set(out, index);
    for (const name of node.input) if (name) consumers.set(name, [...(consumers.get(name) ?? []), index]);
  });
  const unsupported = (what: string, hint: string): never => {
    throw new InvalidArgumentError({
      argument: 'path',
      message: `${pkg}: ${path} is a language model with ${what}, which modscope does not read (it reads GPT-2-style decoder-only transformers, method §9).`,
      hint,
    });
  };
  const corrupt = (reason: string): never => {
    throw new CorruptFileError({
      path,
      format: 'ONNX',
      reason,
      hint: 'Re-export the model from PyTorch with torch.onnx.export at opset 17.',
    });
  };
  const node = (index: number) => nodes[index]!;
  const users = (tensor: string) => (consumers.get(tensor) ?? []).filter((i) => !PASS.has(node(i).op_type) || !constants.has(tensor));
  /** Follows Identity/Dropout forward from a tensor to the tensor the real consumers read. */
  const forward = (tensor: string): string => {
    for (let t = tensor; ; ) {
      const next = consumers.get(t) ?? [];
      if (next.length !== 1 || !PASS.has(node(next[0]!).op_type)) return t;
      t = node(next[0]!).output[0]!;
    }
  };

  // The one input: token ids.
  const inputs = graph.input.filter((i) => !constants.has(i.name));
  if (inputs.length !== 1) {
    const names = inputs.map((i) => i.name);
    const cache = names.filter((n) => /past|cache|present|key_values/i.test(n));
    if (cache.length > 0)
      unsupported(
        'KV-cache inputs',
        `Its inputs include ${cache.join(', ')}; export the model without a cache (use_cache=False), with input_ids alone.`,
      );
    throw new InvalidArgumentError({
      argument: 'path',
      message: `${pkg}: ${path} has ${names.length} graph inputs (${names.join(', ')}); modscope reads language models with input_ids alone.`,
      hint: 'Export the model with input_ids [batch, sequence] as its only input (no attention_mask or position_ids).',
    });
  }
  const input = inputs[0]!;
  const ids = input.name;
  const output = graph.output[0]?.name ?? corrupt('the graph has no output');

  // Embeddings.
  const isIds = (tensor: string): boolean => {
    if (tensor === ids) return true;
    const p = producer.get(tensor);
    return p !== undefined && (node(p).op_type === 'Cast' || PASS.has(node(p).op_type)) && isIds(node(p).input[0]!);
  };
  const tokenGather = nodes.findIndex((n) => n.op_type === 'Gather' && constants.has(n.input[0]!) && isIds(n.input[1]!));
  if (tokenGather < 0)
    unsupported('a language model without a token embedding', 'modscope reads models whose input_ids index an embedding table (Gather).');
  const tokenTable = constants.get(node(tokenGather).input[0]!)!;
  const [vocabulary, width] = tensorDims(tokenTable) as [number, number];
  if (tensorDims(tokenTable).length !== 2) corrupt(`the token embedding '${tokenTable.name}' is not a matrix`);
  const tokens = floats(tokenTable, 'the token embedding');
  let stream = forward(node(tokenGather).output[0]!);
  let positions: Float32Array | null = null;
  const embeddingNodes = [tokenGather];
  // Learned absolute positions: a Gather from a stored table added to the token embedding.
  const positionAdd = users(stream).find((i) => {
    if (node(i).op_type !== 'Add') return false;
    const p = producer.get(node(i).input.find((t) => t !== stream) ?? '');
    return p !== undefined && node(p).op_type === 'Gather' && constants.has(node(p).input[0]!);
  });
  if (positionAdd !== undefined) {
    const gather = producer.get(node(positionAdd).input.find((t) => t !== stream)!)!;
    const table = constants.get(node(gather).input[0]!)!;
    if (tensorDims(table)[1] !== width) corrupt(`the position table '${table.name}' is not [positions, ${width}]`);
    positions = floats(table, 'the position table');
    embeddingNodes.push(gather, positionAdd);
    stream = forward(node(positionAdd).output[0]!);
  } else if (nodes.some((n) => n.op_type === 'Sin' || n.op_type === 'Cos' || n.op_type === 'Neg')) {
    // Rotary embeddings rotate q and k by position: Sin/Cos tables, and rotate_half's Neg.
    unsupported(
      'rotary position embeddings',
      'Export a model with learned absolute positions; rotary (RoPE) models are not supported yet.',
    );
  }
  const context = positions ? positions.length / width : (causalContext() ?? 1024);

  function floats(tensor: TensorProto, what: string): Float32Array {
    const values = tensorToFloat32(tensor);
    checkFinite(values, `'${tensor.name}', ${what} of ${path},`);
    return values;
  }
  function causalContext(): number | undefined {
    for (const t of constants.values()) {
      const d = tensorDims(t);
      if (d.length >= 2 && d[d.length - 1] === d[d.length - 2] && d[d.length - 1]! > 1) return d[d.length - 1];
    }
    return undefined;
  }

  const layers: Layer[] = [{ kind: 'input', id: ids, name: ids, inputs: [], units: context, outputShape: [context] }];
  const bindings = new Map<string, LayerBinding>();
  bindings.set(ids, { output: ids, input: ids, nodes: [] });
  const seq = (features: number) => [context, features];
  const embedding: EmbeddingLayer = {
    kind: 'embedding',
    id: 'embedding',
    name: tokenTable.name ?? 'embedding',
    inputs: [ids],
    units: width,
    outputShape: seq(width),
    tokens,
    vocabulary,
    positions,
  };
  layers.push(embedding);
  bindings.set('embedding', { output: stream, input: ids, nodes: embeddingNodes });

  /** x·W for a MatMul or Gemm node whose second operand is a stored weight (or a Transpose of one). */
  const weightOf = (index: number, fanIn: number): Weight | undefined => {
    const n = node(index);
    if (n.op_type === 'Gemm') {
      const t = constants.get(n.input[1]!);
      if (!t) return undefined;
      const attrs = nodeAttributes(n);
      const [r, c] = tensorDims(t) as [number, number];
      const values = floats(t, 'a weight');
      const kernel = attrs.int('transB', 0) ? transposed(values, r, c) : values;
      const shape: [number, number] = attrs.int('transB', 0) ? [c, r] : [r, c];
      return shape[0] === fanIn ? { kernel, shape, source: t.name ?? '', nodes: [index] } : undefined;
    }
    if (n.op_type !== 'MatMul') return undefined;
    const b = n.input[1]!;
    const direct = constants.get(b);
    if (direct && tensorDims(direct).length === 2) {
      const shape = tensorDims(direct) as [number, number];
      return shape[0] === fanIn ? { kernel: floats(direct, 'a weight'), shape, source: direct.name ?? b, nodes: [index] } : undefined;
    }
    const p = producer.get(b);
    if (p !== undefined && node(p).op_type === 'Transpose' && constants.has(node(p).input[0]!)) {
      const t = constants.get(node(p).input[0]!)!;
      const [r, c] = tensorDims(t) as [number, number];
      const perm = nodeAttributes(node(p)).ints('perm') ?? [1, 0];
      if (perm[0] !== 1 || perm[1] !== 0 || c !== fanIn) return undefined;
      return { kernel: transposed(floats(t, 'a weight'), r, c), shape: [c, r], source: t.name ?? '', nodes: [p, index] };
    }
    return undefined;
  };
  /** Whether node `index` multiplies by a stored weight (MatMul or Gemm with a stored or transposed stored B). */
  const hasWeight = (index: number): boolean => {
    const n = node(index);
    if (n.op_type !== 'MatMul' && n.op_type !== 'Gemm') return false;
    if (constants.has(n.input[1]!)) return true;
    const p = producer.get(n.input[1]!);
    return p !== undefined && node(p).op_type === 'Transpose' && constants.has(node(p).input[0]!);
  };
  /** The projection `x·W + b` that reads `x` at node `index`, with its bias Add if there is one. */
  const projection = (index: number, fanIn: number): Projection | undefined => {
    const w = weightOf(index, fanIn);
    if (!w) return undefined;
    let out = forward(node(index).output[0]!);
    let bias: Float32Array | null = null;
    const nodesOf = [...w.nodes];
    if (node(index).op_type === 'Gemm' && node(index).input[2]) {
      bias = floats(constants.get(node(index).input[2]!)!, 'a bias');
    } else {
      const next = users(out);
      const add = next.length === 1 && node(next[0]!).op_type === 'Add' ? next[0]! : undefined;
      const addend = add === undefined ? undefined : node(add).input.find((t) => t !== out);
      const t = addend ? constants.get(addend) : undefined;
      if (add !== undefined && t && tensorDims(t).length === 1 && tensorDims(t)[0] === w.shape[1]) {
        bias = floats(t, 'a bias');
        nodesOf.push(add);
        out = forward(node(add).output[0]!);
      }
    }
    return { ...w, bias, output: out, matmul: index, nodes: nodesOf };
  };

  /** Node indices on some path from tensor `from` to tensor `to`. */
  const between = (from: string, to: string): Set<number> => {
    const ahead = new Set<number>();
    const queue = [...(consumers.get(from) ?? [])];
    while (queue.length > 0) {
      const i = queue.pop()!;
      if (ahead.has(i)) continue;
      ahead.add(i);
      if (node(i).output.includes(to)) continue;
      for (const out of node(i).output) queue.push(...(consumers.get(out) ?? []));
    }
    const path = new Set<number>();
    const back = [producer.get(to)];
    while (back.length > 0) {
      const i = back.pop();
      if (i === undefined || path.has(i) || !ahead.has(i)) continue;
      path.add(i);
      for (const t of node(i).input) back.push(producer.get(t));
    }
    return path;
  };

  const layerNorm = (index: number, id: string, from: string): LayerNormLayer => {
    const n = node(index);
    const attrs = nodeAttributes(n);
    const axis = attrs.int('axis', -1);
    if (axis !== -1 && axis !== 2)
      unsupported(`LayerNormalization over axis ${axis}`, 'modscope reads LayerNorm over the model width (the last axis).');
    const gamma = floats(constants.get(n.input[1]!) ?? corrupt(`LayerNormalization '${n.name}' has no stored scale`), 'a LayerNorm scale');
    const betaTensor = n.input[2] ? constants.get(n.input[2]) : undefined;
    const beta = betaTensor ? floats(betaTensor, 'a LayerNorm bias') : new Float32Array(width);
    if (gamma.length !== width || beta.length !== width) corrupt(`LayerNormalization '${n.name}' is not over the model width ${width}`);
    const layer: LayerNormLayer = {
      kind: 'layernorm',
      id,
      name: n.name || id,
      inputs: [from],
      units: width,
      outputShape: seq(width),
      gamma,
      beta,
      epsilon: attrs.float('epsilon', 1e-5),
    };
    bindings.set(id, { output: forward(n.output[0]!), input: n.input[0]!, nodes: [index] });
    return layer;
  };
  const dense = (p: Projection, id: string, from: string, input: string): DenseLayer => {
    bindings.set(id, { output: p.output, input, nodes: p.nodes });
    return {
      kind: 'dense',
      id,
      name: node(p.matmul).name || id,
      inputs: [from],
      units: p.shape[1],
      outputShape: seq(p.shape[1]),
      kernel: p.kernel,
      kernelShape: p.shape,
      bias: p.bias,
    };
  };

  let streamId = 'embedding';
  for (let b = 0; ; b++) {
    const next = users(stream);
    const norms = next.filter((i) => node(i).op_type === 'LayerNormalization');
    const adds = next.filter((i) => node(i).op_type === 'Add');
    if (norms.length === 0) {
      if (next.some((i) => node(i).op_type === 'ReduceMean'))
        unsupported(
          'LayerNorm written out as ReduceMean, Sub, Pow, Sqrt and Div',
          'Export at opset 17 or later, where LayerNorm is one LayerNormalization node.',
        );
      if (adds.length > 0)
        unsupported(
          'parallel residual blocks',
          'Its attention and MLP read one LayerNorm and are added to the stream together (GPT-J style); modscope reads sequential blocks.',
        );
      unsupported('a residual stream without a LayerNorm', 'modscope reads pre-LN blocks: x + Attn(LN(x)), then x + MLP(LN(x)).');
    }
    if (norms.length > 1)
      unsupported(
        'parallel residual blocks',
        'Two LayerNorms read the same residual stream (GPT-NeoX style x + Attn(LN1(x)) + MLP(LN2(x))); modscope reads sequential pre-LN blocks.',
      );
    const ln = norms[0]!;
    const lnOut = forward(node(ln).output[0]!);
    if (adds.length === 0) {
      // The final LayerNorm and the unembedding.
      const finalNorm = layerNorm(ln, 'ln_f', streamId);
      layers.push(finalNorm);
      const head = users(lnOut);
      const proj = head.length === 1 ? projection(head[0]!, width) : undefined;
      if (!proj)
        unsupported(
          'this unembedding',
          'modscope reads a final LayerNorm followed by one MatMul or Gemm with a stored [d, vocabulary] weight.',
        );
      if (forward(proj!.output) !== output && proj!.output !== output)
        unsupported('operations after the unembedding', `The logits should be the graph output '${output}'.`);
      const unembedding = dense(proj!, 'unembedding', 'ln_f', lnOut);
      if (proj!.source === tokenTable.name || isTransposeOf(unembedding.kernel, tokens, vocabulary, width))
        unembedding.tiedTo = 'embedding';
      layers.push(unembedding);
      break;
    }
    if (adds.length !== 1) unsupported('this residual stream', `'${stream}' is added to more than one branch.`);
    const residual = adds[0]!;
    const branchOut = node(residual).input.find((t) => t !== stream && forward(t) !== stream)!;
    const branch = between(lnOut, branchOut);
    const ops = [...branch].map((i) => node(i).op_type);
    const prefix = `block${Math.floor(b / 2)}`;
    if (b % 2 === 0) {
      if (!ops.includes('Softmax'))
        unsupported('a block without attention first', 'modscope reads GPT-style blocks: attention, then the MLP.');
      const ln1 = layerNorm(ln, `${prefix}.ln1`, streamId);
      layers.push(ln1);
      const att = attentionOf(branch, lnOut, branchOut, prefix, ln1.id);
      layers.push(att.attention, att.out);
      bindings.set(att.attention.id, {
        output: att.mergedHeads,
        input: lnOut,
        nodes: [...branch].filter((i) => !att.outNodes.includes(i)).sort((x, y) => x - y),
      });
    } else {
      if (ops.includes('Softmax') || ops.includes('TopK'))
        unsupported(
          'a mixture-of-experts MLP',
          'Its MLP routes tokens between experts (Softmax or TopK gating); modscope reads one dense MLP per block.',
        );
      const ln2 = layerNorm(ln, `${prefix}.ln2`, streamId);
      layers.push(ln2);
      layers.push(...mlpOf(branch, lnOut, branchOut, prefix, ln2.id));
    }
    const addId = `${prefix}.${b % 2 === 0 ? 'attention' : 'mlp'}.residual`;
    const last = layers[layers.length - 1]!;
    layers.push({
      kind: 'add',
      id: addId,
      name: node(residual).name || addId,
      inputs: [streamId, last.id],
      units: width,
      outputShape: seq(width),
    });
    stream = forward(node(residual).output[0]!);
    bindings.set(addId, { output: stream, input: branchOut, nodes: [residual] });
    streamId = addId;
  }

  function attentionOf(branch: Set<number>, h: string, end: string, prefix: string, from: string) {
    const inBranch = [...branch];
    const projections = (consumers.get(h) ?? [])
      .filter((i) => branch.has(i) && (node(i).op_type === 'MatMul' || node(i).op_type === 'Gemm'))
      .map(
        (i) =>
          projection(i, width) ??
          unsupported('this attention projection', `Node '${node(i).name}' does not multiply by a stored [${width}, n] weight.`),
      );
    const softmax = inBranch.find((i) => node(i).op_type === 'Softmax')!;
    const isActivationMatMul = (i: number) => node(i).op_type === 'MatMul' && !hasWeight(i);
    const scores = inBranch.filter((i) => isActivationMatMul(i) && between(node(i).output[0]!, node(softmax).output[0]!).size > 0);
    const mixes = inBranch.filter((i) => isActivationMatMul(i) && between(node(softmax).output[0]!, node(i).output[0]!).size > 0);
    if (scores.length !== 1 || mixes.length !== 1)
      unsupported(
        'this attention',
        'modscope reads softmax(q·kᵀ)·v attention: one MatMul of queries and keys before the Softmax and one of its weights and the values after it.',
      );
    const score = node(scores[0]!);
    const mix = node(mixes[0]!);
    /** Walks back from a tensor to the projection column range it carries, collecting scalar factors. */
    const trace = (tensor: string): { p: Projection; start: number; scale: number; reshape?: number } => {
      let scale = 1;
      let reshape: number | undefined;
      for (let t = tensor; ; ) {
        const p = projections.find((q) => q.output === t || node(q.matmul).output[0] === t);
        if (p) return { p, start: 0, scale, ...(reshape === undefined ? {} : { reshape }) };
        const i = producer.get(t);
        if (i === undefined)
          return unsupported('this attention', `Tensor '${tensor}' does not come from a query, key or value projection.`);
        const n = node(i);
        if (n.op_type === 'Reshape') reshape ??= i;
        if (MOVES.has(n.op_type)) {
          t = n.input[0]!;
          continue;
        }
        if ((n.op_type === 'Mul' || n.op_type === 'Div') && n.input.some((x) => scalar(x) !== undefined)) {
          const c = scalar(n.input.find((x) => scalar(x) !== undefined)!)!;
          scale *= n.op_type === 'Mul' ? c : 1 / c;
          t = n.input.find((x) => scalar(x) === undefined)!;
          continue;
        }
        if (n.op_type === 'Split' || n.op_type === 'Slice') {
          const source = n.input[0]!;
          const inner = trace(source);
          const part = splitStart(n, t, inner.p.shape[1]);
          return { ...inner, start: inner.start + part, scale: scale * inner.scale, ...(reshape === undefined ? {} : { reshape }) };
        }
        return unsupported(
          `${n.op_type} in the attention`,
          `Node '${n.name}' sits between a projection and the attention product; modscope reads GPT-2-style attention.`,
        );
      }
    };
    const q = trace(score.input[0]!);
    const k = trace(score.input[1]!);
    const v = trace(mix.input[1]!);
    // Scalar factors between the scores MatMul and the Softmax (the 1/√d scale), and the causal mask.
    let scale = q.scale * k.scale;
    let masked = false;
    for (const i of between(score.output[0]!, node(softmax).input[0]!)) {
      const n = node(i);
      if ((n.op_type === 'Mul' || n.op_type === 'Div') && n.input.some((x) => scalar(x) !== undefined)) {
        const c = scalar(n.input.find((x) => scalar(x) !== undefined)!)!;
        scale *= n.op_type === 'Mul' ? c : 1 / c;
      } else if (n.op_type === 'Where' || n.op_type === 'Add') masked = true;
    }
    if (!masked)
      unsupported(
        'attention without a causal mask',
        'modscope reads decoder-only models, whose attention adds a causal mask (Where or Add) before the Softmax.',
      );
    const heads = headsOf(q.reshape);
    const headWidth = q.p === k.p && k.p === v.p ? q.p.shape[1] / 3 : q.p.shape[1];
    if (headWidth % heads !== 0) corrupt(`attention width ${headWidth} is not a multiple of ${heads} heads`);
    const columns = (t: { p: Projection; start: number }) => {
      const w = t.p.shape[1];
      const kernel = new Float32Array(width * headWidth);
      for (let r = 0; r < width; r++) kernel.set(t.p.kernel.subarray(r * w + t.start, r * w + t.start + headWidth), r * headWidth);
      return { kernel, bias: t.p.bias ? t.p.bias.slice(t.start, t.start + headWidth) : null };
    };
    const [cq, ck, cv] = [columns(q), columns(k), columns(v)];
    // W_O: the projection that reads the merged heads and ends the branch.
    const outIndex = inBranch.find((i) => hasWeight(i) && between(mix.output[0]!, node(i).input[0]!).size > 0);
    const out = outIndex === undefined ? undefined : projection(outIndex, headWidth);
    if (!out || (out.output !== end && forward(out.output) !== forward(end)))
      unsupported(
        'this attention output',
        'modscope reads attention whose merged heads pass through one output projection W_O back to the residual stream.',
      );
    const mergedHeads = node(out!.matmul).input[0]!;
    const attention: AttentionLayer = {
      kind: 'attention',
      id: `${prefix}.attention`,
      name: `${prefix}.attention`,
      inputs: [from],
      units: heads,
      outputShape: seq(headWidth),
      heads,
      headSize: headWidth / heads,
      scale,
      query: cq.kernel,
      key: ck.kernel,
      value: cv.kernel,
      queryBias: cq.bias,
      keyBias: ck.bias,
      valueBias: cv.bias,
    };
    const outLayer = dense(out!, `${prefix}.attention.out`, attention.id, mergedHeads);
    return { attention, out: outLayer, mergedHeads, outNodes: out!.nodes };
  }

  function mlpOf(branch: Set<number>, h: string, end: string, prefix: string, from: string): Layer[] {
    const weighted = [...branch].filter(hasWeight);
    const first = (consumers.get(h) ?? []).filter((i) => branch.has(i));
    if (first.length !== 1 || weighted.length !== 2)
      unsupported(
        'this MLP',
        `Its branch has ${weighted.length} weight products; modscope reads MLP(h) = W_out·act(W_in·h + b_in) + b_out (gated MLPs such as SwiGLU are not supported).`,
      );
    const pin = projection(first[0]!, width) ?? unsupported('this MLP input projection', 'W_in should be a stored [d, neurons] weight.');
    const neurons = pin.shape[1];
    const outIndex = weighted.find((i) => i !== pin.matmul)!;
    const pout =
      projection(outIndex, neurons) ?? unsupported('this MLP output projection', `W_out should be a stored [${neurons}, d] weight.`);
    if (pout.output !== end && forward(pout.output) !== forward(end))
      unsupported('operations after the MLP output projection', 'The MLP should end at W_out (+ b_out).');
    const hidden = node(outIndex).input[0]!;
    const actNodes = [...between(pin.output, hidden)];
    const actOps = new Set(actNodes.map((i) => node(i).op_type));
    const activation: ActivationFunction =
      actNodes.length === 0
        ? 'linear'
        : actOps.has('Gelu')
          ? nodeAttributes(node(actNodes.find((i) => node(i).op_type === 'Gelu')!)).string('approximate', 'none') === 'tanh'
            ? 'gelu-tanh'
            : 'gelu'
          : actOps.has('Erf')
            ? 'gelu'
            : actOps.has('Tanh') && actOps.has('Mul')
              ? 'gelu-tanh'
              : actOps.size === 1 && actOps.has('Relu')
                ? 'relu'
                : unsupported(
                    `the MLP activation (${[...actOps].join(', ')})`,
                    'modscope reads GELU (Gelu, its Erf form or the tanh approximation) and ReLU MLPs.',
                  );
    const win = dense(pin, `${prefix}.mlp.in`, from, h);
    const actId = `${prefix}.mlp.act`;
    bindings.set(actId, { output: hidden, input: pin.output, nodes: actNodes.sort((x, y) => x - y) });
    const act: Layer = {
      kind: 'activation',
      id: actId,
      name: actId,
      inputs: [win.id],
      units: neurons,
      outputShape: seq(neurons),
      activation,
    };
    const wout = dense(pout, `${prefix}.mlp.out`, actId, hidden);
    return [win, act, wout];
  }

  function scalar(tensor: string): number | undefined {
    const t = constants.get(tensor);
    if (!t || tensorDims(t).reduce((a, b) => a * b, 1) !== 1) return undefined;
    return tensorToNumbers(t)[0];
  }
  /** Where a Split or Slice output starts within its source's last axis. */
  function splitStart(n: NodeProto, outputName: string, total: number): number {
    if (n.op_type === 'Split') {
      const k = n.output.indexOf(outputName);
      const sizes =
        (n.input[1] ? tensorToNumbers(constants.get(n.input[1])!) : nodeAttributes(n).ints('split')) ??
        new Array(n.output.length).fill(total / n.output.length);
      return sizes.slice(0, k).reduce((a, b) => a + b, 0);
    }
    const starts = constants.get(n.input[1]!);
    if (!starts) return unsupported('a computed Slice in the attention', 'modscope reads fused QKV projections split at stored offsets.');
    const start = tensorToNumbers(starts)[0]!;
    return start < 0 ? total + start : start;
  }
  /** The head count from the Reshape that splits the queries into heads: `[batch, positions, heads, headSize]`. */
  function headsOf(reshape: number | undefined): number {
    if (reshape === undefined) return unsupported('attention without a head split', 'No Reshape splits the queries into heads.');
    const shapeName = node(reshape).input[1]!;
    const direct = constants.get(shapeName);
    let parts: (number | undefined)[];
    if (direct) parts = tensorToNumbers(direct);
    else {
      const concat = producer.get(shapeName);
      if (concat === undefined || node(concat).op_type !== 'Concat')
        return unsupported('a computed head count', 'The heads Reshape should take a stored shape or a Concat with the head count stored.');
      parts = node(concat).input.map((t) => (constants.has(t) ? tensorToNumbers(constants.get(t)!)[0] : undefined));
    }
    if (parts.length !== 4)
      return unsupported(`a rank-${parts.length} head split`, 'modscope reads queries reshaped to [batch, positions, heads, headSize].');
    const heads = parts[2];
    const size = parts[3];
    if (heads !== undefined && heads > 0) return heads;
    if (size !== undefined && size > 0) return width / size;
    return unsupported('a computed head count', 'The heads Reshape should store the head count or the head size.');
  }

  const network: Network = {
    specificationVersion: 'v1',
    name: name ?? path.split('/').pop() ?? path,
    layout: 'sequence',
    layers,
    output: 'unembedding',
    source: { format: 'onnx', path, inputName: ids, outputName: output },
  };
  return { model, network, layers: bindings, inputName: ids, outputName: output };
}

/** Whether `kernel` ([cols, rows]) is exactly the transpose of `table` ([rows, cols]), compared in place. */
function isTransposeOf(kernel: Float32Array, table: Float32Array, rows: number, cols: number): boolean {
  if (kernel.length !== table.length) return false;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) if (kernel[c * rows + r] !== table[r * cols + c]) return false;
  return true;
}
