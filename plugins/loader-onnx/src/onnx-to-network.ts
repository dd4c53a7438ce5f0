import {
  CorruptFileError,
  InvalidArgumentError,
  ShapeMismatchError,
  UnsupportedOpError,
  shapeSize,
  validateNetwork,
  type Layer,
  type Network,
} from '@modscope/core';
import { constantValue } from './constant-value.js';
import type { BoundModel, LayerBinding } from './model-binding.js';
import { nodeAttributes, type NodeAttributes } from './node-attributes.js';
import { onnxToTransformer } from './onnx-to-transformer.js';
import { BATCH, evaluateShapeNode, shapeOps } from './shape-value.js';
import { DataType, toNumber, type ModelProto, type TensorProto } from './onnx-proto.js';
import { tensorDims, tensorToFloat32, tensorToNumbers } from './tensor-data.js';
import { checkFinite, MAX_ELEMENTS, validateOnnxModel } from './validate-onnx-model.js';

export interface OnnxImportOptions {
  /** Name of the network; defaults to the file name, then the graph name. */
  name?: string;
  /** File the model came from, for `network.source` and messages. */
  path?: string;
}

const pkg = '@modscope/loader-onnx';

/** Units of a per-example shape: channels of a `[C, H, W]` tensor, else every element. */
function unitsOf(shape: readonly number[]): number {
  return shape.length === 3 ? shape[0]! : shapeSize(shape);
}

/** The default-domain opset a model imports (`validateOnnxModel` has checked it declares one). */
function defaultOpset(model: ModelProto): number {
  return toNumber(model.opset_import.find((o) => !o.domain || o.domain === 'ai.onnx')!.version);
}

/** Output size of one spatial axis of a convolution or pooling window. */
function windowOutput(size: number, kernel: number, stride: number, dilation: number, padTotal: number, ceil = false): number {
  const span = (kernel - 1) * dilation + 1;
  const steps = (size + padTotal - span) / stride;
  return (ceil ? Math.ceil(steps) : Math.floor(steps)) + 1;
}

/** Explicit `[top, left, bottom, right]` pads from ONNX `pads` / `auto_pad`. */
function resolvePads(
  attrs: NodeAttributes,
  inHW: readonly [number, number],
  kernel: readonly [number, number],
  strides: readonly [number, number],
  dilations: readonly [number, number],
  unsupported: (hint: string) => never,
): [number, number, number, number] {
  const autoPad = attrs.string('auto_pad', 'NOTSET');
  if (autoPad === 'NOTSET') {
    const pads = attrs.ints('pads') ?? [0, 0, 0, 0];
    if (pads.length !== 4) unsupported(`pads of length ${pads.length}; modscope reads 2-D windows only.`);
    if (pads.some((p) => !Number.isSafeInteger(p) || p < 0 || p > MAX_ELEMENTS))
      unsupported(`Its pads [${pads.join(', ')}] are not all sizes from 0 to ${MAX_ELEMENTS}.`);
    return pads as [number, number, number, number];
  }
  if (autoPad === 'VALID') return [0, 0, 0, 0];
  if (autoPad !== 'SAME_UPPER' && autoPad !== 'SAME_LOWER') unsupported(`auto_pad '${autoPad}' is not supported.`);
  const pads: [number, number, number, number] = [0, 0, 0, 0];
  for (const axis of [0, 1] as const) {
    const out = Math.ceil(inHW[axis] / strides[axis]);
    const total = Math.max(0, (out - 1) * strides[axis] + (kernel[axis] - 1) * dilations[axis] + 1 - inHW[axis]);
    const small = Math.floor(total / 2);
    const large = total - small;
    pads[axis] = autoPad === 'SAME_UPPER' ? small : large;
    pads[axis + 2] = autoPad === 'SAME_UPPER' ? large : small;
  }
  return pads;
}

/**
 * A 2-D window attribute (`strides`, `dilations`, `kernel_shape`): two integers from `min` to `MAX_ELEMENTS`, so
 * that output sizes stay finite and loops over windows bounded.
 */
function windowAttribute(
  attrs: NodeAttributes,
  name: string,
  fallback: [number, number],
  min: number,
  corrupt: (reason: string) => never,
  node: string,
): [number, number] {
  const values = attrs.ints(name) ?? fallback;
  if (values.length !== 2 || values.some((v) => !Number.isSafeInteger(v) || v < min || v > MAX_ELEMENTS))
    corrupt(`node '${node}' has ${name} [${values.join(', ')}]; it needs two integers from ${min} to ${MAX_ELEMENTS}`);
  return values as [number, number];
}

/** A float attribute that scales weights or activations (`alpha`, `beta`, `epsilon`): a finite number. */
function finiteAttribute(attrs: NodeAttributes, name: string, fallback: number, corrupt: (reason: string) => never, node: string): number {
  const value = attrs.float(name, fallback);
  if (!Number.isFinite(value)) corrupt(`node '${node}' has ${name} = ${value}; it must be a finite number`);
  return value;
}

/**
 * The `[out, in / group, kh, kw]` dims of a Conv weight, after checking they fit its `[C, H, W]` input: rank 4
 * (a 2-D convolution of a 4-D input), input channels / group, output channels divisible by the group, positive
 * kernel sizes that match `kernel_shape` when it is given. A `ShapeMismatchError` names the weight otherwise.
 */
function checkConvWeight(
  dims: number[],
  conv: { what: string; input: [number, number, number]; groups: number; kernelShape: number[] | undefined },
): [number, number, number, number] {
  const { what, input, groups, kernelShape } = conv;
  const perGroup = input[0] / groups;
  const outChannels = groups > 1 ? `out channels (a multiple of ${groups})` : 'out channels';
  const inChannels = groups > 1 ? `${perGroup} (input channels / group)` : `${perGroup} (input channels)`;
  const kernel = kernelShape ? kernelShape.join(', ') : 'kernel height, kernel width';
  const expected = `[${outChannels}, ${inChannels}, ${kernel}] for its [N, ${input.join(', ')}] input`;
  const [cout = 0, cinPer = 0, kh = 0, kw = 0] = dims;
  const fits =
    dims.length === 4 &&
    dims.every((d) => d > 0) &&
    cinPer === perGroup &&
    cout % groups === 0 &&
    (!kernelShape || (kernelShape[0] === kh && kernelShape[1] === kw));
  if (!fits) {
    const problem =
      dims.length !== 4
        ? `a Conv of a 4-D input needs a 4-D weight, this one has rank ${dims.length}`
        : dims.includes(0)
          ? 'it has an empty dimension'
          : cinPer !== perGroup
            ? `its second dimension must be the ${perGroup} input channels${groups > 1 ? ` per group (group = ${groups})` : ''}`
            : cout % groups !== 0
              ? `its ${cout} output channels do not split into ${groups} groups`
              : `its kernel ${kh}×${kw} contradicts kernel_shape [${kernelShape!.join(', ')}]`;
    throw new ShapeMismatchError({
      what,
      expected,
      actual: dims,
      hint: `${problem[0]!.toUpperCase()}${problem.slice(1)}; the file is damaged or was edited, re-export the model.`,
    });
  }
  return [cout, cinPer, kh, kw];
}

/**
 * The `[cols, rows]` transpose of a row-major `[rows, cols]` matrix. A function of its own, not a loop inside
 * `onnxToNetwork`: V8 optimizes a hot loop by compiling the function around it, and a small function compiles
 * in a fraction of the time (the transposes are most of the time `modscope inspect` spends converting an MLP).
 */
function transposed(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = values[row + c]!;
  }
  return out;
}

function sumPads(a: readonly number[], b: readonly number[]): [number, number, number, number] {
  return [a[0]! + b[0]!, a[1]! + b[1]!, a[2]! + b[2]!, a[3]! + b[3]!];
}

/**
 * Converts an ONNX model to the modscope network representation (layout `nchw` for 4-D inputs, `flat`
 * otherwise) and records, for each layer, which tensors and nodes hold it. Throws `UnsupportedOpError`
 * for operations outside the representation, `CorruptFileError` for inconsistent graphs.
 */
export function onnxToNetwork(model: ModelProto, options: OnnxImportOptions = {}): BoundModel {
  const path = options.path ?? '<bytes>';
  const graph = model.graph;
  if (!graph || graph.node.length === 0) throw new CorruptFileError({ path, format: 'ONNX', reason: 'the graph has no nodes' });
  // Before anything is allocated from what the file declares: dims against data, types, opset, names, finite weights.
  validateOnnxModel(model, path);
  const opset = defaultOpset(model);
  const corrupt = (reason: string): never => {
    throw new CorruptFileError({
      path,
      format: 'ONNX',
      reason,
      hint: 'The graph contradicts itself; the file is damaged or was edited, re-export the model.',
    });
  };

  const constants = new Map<string, TensorProto>();
  for (const t of graph.initializer) constants.set(t.name ?? '', t);
  const initializerNames = new Set(constants.keys());
  const realInputs = graph.input.filter((i) => !constants.has(i.name));
  // Integer token ids: a language model (method §9), read block by block rather than node by node.
  if (realInputs.some((i) => i.type?.tensor_type?.elem_type === DataType.INT64 || i.type?.tensor_type?.elem_type === DataType.INT32))
    return onnxToTransformer(model, path, options.name);
  if (realInputs.length !== 1) {
    throw new InvalidArgumentError({
      argument: 'path',
      message: `${pkg}: ${path} has ${realInputs.length} graph inputs (${realInputs.map((i) => i.name).join(', ')}); modscope reads models with exactly one input.`,
      hint: 'Export the model with a single input tensor.',
    });
  }
  const input = realInputs[0]!;
  const dims = input.type?.tensor_type?.shape?.dim;
  if (!dims || dims.length < 2) {
    throw new ShapeMismatchError({
      what: `input '${input.name}' of ${path}`,
      expected: '[batch, ...features]',
      actual: dims ? `rank ${dims.length}` : 'no shape',
      hint: 'Export the model with a declared input shape.',
    });
  }
  const inputShape = dims.slice(1).map((d) => toNumber(d.dim_value));
  if (inputShape.some((d) => !(d > 0))) {
    throw new ShapeMismatchError({
      what: `input '${input.name}' of ${path}`,
      expected: 'known sizes for every dimension but the batch',
      actual: `[batch, ${dims
        .slice(1)
        .map((d) => (toNumber(d.dim_value) > 0 ? toNumber(d.dim_value) : d.dim_param || '?'))
        .join(', ')}]`,
      hint: 'Export with fixed feature dimensions; only the batch dimension may be dynamic.',
    });
  }
  if (shapeSize(inputShape) > MAX_ELEMENTS) {
    throw new ShapeMismatchError({
      what: `input '${input.name}' of ${path}`,
      expected: `at most ${MAX_ELEMENTS} values per example`,
      actual: [...inputShape],
      hint: 'The file declares an input larger than any model reads; re-export the model.',
    });
  }

  const usedIds = new Set<string>();
  const uniqueId = (base: string) => {
    let id = base || 'layer';
    for (let k = 2; usedIds.has(id); k++) id = `${base}_${k}`;
    usedIds.add(id);
    return id;
  };
  const consumers = new Map<string, number>();
  for (const node of graph.node) for (const name of node.input) if (name) consumers.set(name, (consumers.get(name) ?? 0) + 1);
  for (const out of graph.output) consumers.set(out.name, (consumers.get(out.name) ?? 0) + 1);

  const layers: Layer[] = [];
  const bindings = new Map<string, LayerBinding>();
  const producer = new Map<string, Layer>();
  /** Integer vectors computed by shape nodes (`Shape`, `Gather`, `Concat`, ...), the batch as `BATCH`. */
  const shapeValues = new Map<string, number[]>();
  /** Outputs of zero-padding `Pad` nodes waiting to be folded into the Conv or AveragePool that reads them. */
  const pendingPads = new Map<string, { from: Layer; input: string; index: number; pads: [number, number, number, number] }>();
  const inputId = uniqueId(input.name);
  const inputLayer: Layer = {
    kind: 'input',
    id: inputId,
    name: input.name,
    inputs: [],
    units: unitsOf(inputShape),
    outputShape: inputShape,
  };
  layers.push(inputLayer);
  bindings.set(inputId, { output: input.name, input: input.name, nodes: [] });
  producer.set(input.name, inputLayer);

  graph.node.forEach((node, index) => {
    const op = node.op_type;
    const nodeName = node.name || node.output[0] || `node${index}`;
    const unsupported = (hint?: string): never => {
      throw new UnsupportedOpError({ op, node: nodeName, format: 'ONNX', ...(hint ? { hint } : {}) });
    };
    if (node.domain && node.domain !== 'ai.onnx')
      unsupported(`It belongs to the custom domain '${node.domain}'; export with standard ONNX operators only.`);
    if (op === 'Constant') {
      const value = constantValue(node);
      if (!value) unsupported('This Constant has no tensor value.');
      constants.set(node.output[0]!, value!);
      return;
    }
    if (shapeOps.has(op)) {
      const known = evaluateShapeNode(
        node,
        (name) => shapeValues.get(name) ?? (constants.has(name) ? tensorToNumbers(constants.get(name)!) : undefined),
        (name) => (producer.has(name) ? [BATCH, ...producer.get(name)!.outputShape] : undefined),
      );
      if (!known) unsupported('It is supported only in shape computations (for Reshape) that can be evaluated when loading.');
      shapeValues.set(node.output[0]!, known!);
      return;
    }
    const attrs = nodeAttributes(node);
    const active = (name: string | undefined): Layer => {
      const layer = name ? producer.get(name) : undefined;
      if (layer) return layer;
      if (name && pendingPads.has(name)) unsupported('It reads a padded tensor; Pad is supported only right before Conv or AveragePool.');
      if (name && constants.has(name))
        unsupported(`Input '${name}' is a constant where an activation was expected; export with constant folding on.`);
      return corrupt(`node '${nodeName}' reads tensor '${name ?? ''}', which no earlier node, input or initializer produces`);
    };
    const constant = (name: string | undefined, what: string): TensorProto => {
      const t = name ? constants.get(name) : undefined;
      if (t) return t;
      if (!name) return corrupt(`${op} node '${nodeName}' has no ${what} input`);
      if (producer.has(name) || shapeValues.has(name) || pendingPads.has(name)) {
        unsupported(
          `Its ${what} '${name}' is computed by the graph; modscope reads ${what.startsWith('weight') ? 'products of an activation with a stored weight' : `a ${what} stored as an initializer or a Constant`}.`,
        );
      }
      return corrupt(`${op} node '${nodeName}' reads its ${what} from '${name}', which no initializer, Constant or earlier node holds`);
    };
    /** The values of the stored float tensor the node reads as `what`; NaN or ±Infinity among them is an error. */
    const weights = (name: string | undefined, what: string): Float32Array => {
      const values = tensorToFloat32(constant(name, what));
      const kind = initializerNames.has(name!) ? 'initializer' : 'Constant';
      checkFinite(values, `${kind} '${name}', the ${what} of ${op} node '${nodeName}' in ${path},`);
      return values;
    };
    const add = (layer: Layer, from: string) => {
      // Window sizes, strides and pads that do not fit the input give empty, fractional or enormous outputs.
      const shape = layer.outputShape;
      if (shape.some((d) => !Number.isSafeInteger(d) || d < 1) || shapeSize(shape) > MAX_ELEMENTS) {
        throw new ShapeMismatchError({
          what: `the output of ${op} node '${nodeName}' in ${path}`,
          expected: `positive sizes, at most ${MAX_ELEMENTS} values per example`,
          actual: [...shape],
          hint: `Its kernel, stride, dilation or padding does not fit its input [N, ${(producer.get(from) ?? pendingPads.get(from)?.from)?.outputShape.join(', ') ?? '?'}]; re-export the model.`,
        });
      }
      layers.push(layer);
      const pad = pendingPads.get(from);
      bindings.set(
        layer.id,
        pad
          ? { output: node.output[0]!, input: pad.input, nodes: [pad.index, index] }
          : { output: node.output[0]!, input: from, nodes: [index] },
      );
      producer.set(node.output[0]!, layer);
    };
    const base = (kind: string) => ({ id: uniqueId(nodeName), name: nodeName, kind });
    const x = node.input[0];
    /** Explicit zero padding folded in from a preceding Pad node. */
    const padBefore = (): [number, number, number, number] => {
      const pads = pendingPads.get(x ?? '')?.pads ?? [0, 0, 0, 0];
      if (pads.some((p) => p > 0) && attrs.string('auto_pad', 'NOTSET') !== 'NOTSET')
        unsupported('A Pad before a node with auto_pad is not supported.');
      return pads;
    };
    const spatialInput = () => {
      const layer = pendingPads.get(x ?? '')?.from ?? active(x);
      if (layer.outputShape.length !== 3) unsupported(`It needs a [N, C, H, W] input, got [N, ${layer.outputShape.join(', ')}].`);
      return layer;
    };

    switch (op) {
      case 'Gemm':
      case 'MatMul': {
        const from = active(x);
        if (from.outputShape.length !== 1)
          unsupported(`It needs a [N, features] input, got [N, ${from.outputShape.join(', ')}]; flatten first.`);
        const wDims = tensorDims(constant(node.input[1], 'weight B'));
        const transB = op === 'Gemm' && attrs.int('transB', 0) === 1;
        if (op === 'Gemm' && attrs.int('transA', 0) !== 0) unsupported('transA = 1 is not supported.');
        const [fanIn, fanOut] = transB ? [wDims[1]!, wDims[0]!] : [wDims[0]!, wDims[1]!];
        const features = from.outputShape[0]!;
        if (wDims.length !== 2 || fanIn !== features || !(fanOut > 0)) {
          throw new ShapeMismatchError({
            what: `weight '${node.input[1]}' of ${op} node '${nodeName}' in ${path}`,
            expected: transB
              ? `[outputs, ${features}] (transB = 1) for its ${features} input features`
              : `[${features}, outputs] for its ${features} input features`,
            actual: wDims,
            hint: 'The weight does not fit the product; the file is damaged or was edited, re-export the model.',
          });
        }
        const alpha = op === 'Gemm' ? finiteAttribute(attrs, 'alpha', 1, corrupt, nodeName) : 1;
        const beta = op === 'Gemm' ? finiteAttribute(attrs, 'beta', 1, corrupt, nodeName) : 1;
        const values = weights(node.input[1], 'weight B');
        const kernel = transB ? transposed(values, fanOut, fanIn) : values;
        if (alpha !== 1) for (let i = 0; i < kernel.length; i++) kernel[i]! *= alpha;
        let bias: Float32Array | null = null;
        if (op === 'Gemm' && node.input[2]) {
          const cv = weights(node.input[2], 'bias C');
          if (cv.length !== 1 && cv.length !== fanOut) unsupported(`Its bias C has ${cv.length} values for ${fanOut} outputs.`);
          bias = new Float32Array(fanOut).map((_, j) => beta * cv[cv.length === 1 ? 0 : j]!);
        }
        add(
          {
            ...base('dense'),
            kind: 'dense',
            inputs: [from.id],
            units: fanOut,
            outputShape: [fanOut],
            kernel,
            kernelShape: [fanIn, fanOut],
            bias,
          },
          x!,
        );
        return;
      }
      case 'Add': {
        const [a, b] = [node.input[0] ?? '', node.input[1] ?? ''];
        if (producer.has(a) && producer.has(b)) {
          const [la, lb] = [producer.get(a)!, producer.get(b)!];
          if (la.outputShape.join() !== lb.outputShape.join())
            unsupported(`Adding shapes [${la.outputShape}] and [${lb.outputShape}] needs broadcasting, which is not supported.`);
          add({ ...base('add'), kind: 'add', inputs: [la.id, lb.id], units: la.units, outputShape: [...la.outputShape] }, a);
          return;
        }
        const [actName, constName] = producer.has(a) ? [a, b] : [b, a];
        const target = active(actName);
        const bound = bindings.get(target.id)!;
        const cv = weights(constName, 'addend');
        const foldable =
          (target.kind === 'dense' || target.kind === 'conv2d') &&
          target.bias === null &&
          bound.output === actName &&
          consumers.get(actName) === 1 &&
          (cv.length === 1 || cv.length === target.units);
        if (!foldable) unsupported('Adding a constant is supported only as the bias right after a MatMul or a bias-free Conv.');
        const weighted = target as Extract<Layer, { kind: 'dense' | 'conv2d' }>;
        weighted.bias = new Float32Array(weighted.units).map((_, j) => cv[cv.length === 1 ? 0 : j]!);
        bound.output = node.output[0]!;
        bound.nodes.push(index);
        producer.set(node.output[0]!, target);
        return;
      }
      case 'Conv': {
        const from = spatialInput();
        const w = constant(node.input[1], 'weight W');
        const [cin, h, wIn] = from.outputShape as [number, number, number];
        const groups = attrs.int('group', 1);
        if (!(groups >= 1 && cin % groups === 0))
          corrupt(`Conv node '${nodeName}' has group = ${groups}, which does not divide its ${cin} input channels`);
        const [cout, cinPer, kh, kw] = checkConvWeight(tensorDims(w), {
          what: `weight '${node.input[1]}' of Conv node '${nodeName}' in ${path}`,
          input: [cin, h, wIn],
          groups,
          kernelShape: attrs.ints('kernel_shape'),
        });
        const strides = windowAttribute(attrs, 'strides', [1, 1], 1, corrupt, nodeName);
        const dilations = windowAttribute(attrs, 'dilations', [1, 1], 1, corrupt, nodeName);
        const pads = sumPads(resolvePads(attrs, [h, wIn], [kh, kw], strides, dilations, unsupported), padBefore());
        const oh = windowOutput(h, kh, strides[0], dilations[0], pads[0] + pads[2]);
        const ow = windowOutput(wIn, kw, strides[1], dilations[1], pads[1] + pads[3]);
        const values = weights(node.input[1], 'weight W');
        const kernel = new Float32Array(values.length);
        for (let o = 0; o < cout; o++)
          for (let ci = 0; ci < cinPer; ci++)
            for (let ky = 0; ky < kh; ky++)
              for (let kx = 0; kx < kw; kx++)
                kernel[((ky * kw + kx) * cinPer + ci) * cout + o] = values[((o * cinPer + ci) * kh + ky) * kw + kx]!;
        const bias = node.input[2] ? weights(node.input[2], 'bias B') : null;
        if (bias && bias.length !== cout) {
          throw new ShapeMismatchError({
            what: `bias '${node.input[2]}' of Conv node '${nodeName}' in ${path}`,
            expected: [cout],
            actual: tensorDims(constants.get(node.input[2]!)!),
            hint: 'A Conv bias holds one value per output channel; the file is damaged or was edited, re-export the model.',
          });
        }
        add(
          {
            ...base('conv2d'),
            kind: 'conv2d',
            inputs: [from.id],
            units: cout,
            outputShape: [cout, oh, ow],
            kernel,
            kernelShape: [kh, kw, cinPer, cout],
            bias,
            strides,
            pads,
            dilations,
            groups,
          },
          x!,
        );
        return;
      }
      case 'BatchNormalization': {
        const from = active(x);
        if (attrs.int('training_mode', 0) !== 0) unsupported('training_mode = 1; export the model in eval mode.');
        const statistics = ['scale', 'bias B', 'mean', 'variance'];
        const [gamma, beta, mean, variance] = statistics.map((what, i) => weights(node.input[i + 1], what)) as [
          Float32Array,
          Float32Array,
          Float32Array,
          Float32Array,
        ];
        const units = from.outputShape[0]!;
        [gamma, beta, mean, variance].forEach((values, i) => {
          if (values.length !== units) {
            throw new ShapeMismatchError({
              what: `${statistics[i]} '${node.input[i + 1]}' of BatchNormalization node '${nodeName}' in ${path}`,
              expected: [units],
              actual: tensorDims(constants.get(node.input[i + 1]!)!),
              hint: 'Batch norm statistics hold one value per channel; the file is damaged or was edited, re-export the model.',
            });
          }
        });
        add(
          {
            ...base('batchnorm'),
            kind: 'batchnorm',
            inputs: [from.id],
            units,
            outputShape: [...from.outputShape],
            gamma,
            beta,
            mean,
            variance,
            epsilon: finiteAttribute(attrs, 'epsilon', 1e-5, corrupt, nodeName),
          },
          x!,
        );
        return;
      }
      case 'Relu':
      case 'LeakyRelu':
      case 'Sigmoid':
      case 'Tanh': {
        const from = active(x);
        const activation = op === 'Relu' ? 'relu' : op === 'LeakyRelu' ? 'leaky-relu' : op === 'Sigmoid' ? 'sigmoid' : 'tanh';
        add(
          {
            ...base('activation'),
            kind: 'activation',
            inputs: [from.id],
            units: from.units,
            outputShape: [...from.outputShape],
            activation,
            ...(op === 'LeakyRelu' ? { alpha: finiteAttribute(attrs, 'alpha', 0.01, corrupt, nodeName) } : {}),
          },
          x!,
        );
        return;
      }
      case 'MaxPool':
      case 'AveragePool': {
        const from = spatialInput();
        if (node.output.length > 1 && node.output[1]) unsupported('Its indices output is not supported.');
        if ((attrs.ints('kernel_shape') ?? []).length !== 2) unsupported('Only 2-D pooling is supported.');
        const size = windowAttribute(attrs, 'kernel_shape', [1, 1], 1, corrupt, nodeName);
        const strides = windowAttribute(attrs, 'strides', [1, 1], 1, corrupt, nodeName);
        if ((attrs.ints('dilations') ?? [1, 1]).some((d) => d !== 1)) unsupported('Dilated pooling is not supported.');
        const ceil = attrs.int('ceil_mode', 0) === 1;
        if (ceil && op === 'AveragePool') unsupported('ceil_mode = 1 is supported for MaxPool only.');
        const [c, h, w] = from.outputShape as [number, number, number];
        const own = resolvePads(attrs, [h, w], size, strides, [1, 1], unsupported);
        if (own.some((p, i) => p >= size[i % 2]!))
          unsupported(`Its pads [${own.join(', ')}] must be smaller than its kernel ${size.join('×')}.`);
        const before = padBefore();
        if (before.some((p) => p > 0) && (op === 'MaxPool' || (own.some((p) => p > 0) && attrs.int('count_include_pad', 0) === 0))) {
          unsupported('A zero Pad before it mixes padding rules; pad with the pooling node itself.');
        }
        const pads = sumPads(own, before);
        const countIncludePad = attrs.int('count_include_pad', 0) === 1 || before.some((p) => p > 0);
        const oh = windowOutput(h, size[0], strides[0], 1, pads[0] + pads[2], ceil);
        const ow = windowOutput(w, size[1], strides[1], 1, pads[1] + pads[3], ceil);
        add(
          {
            ...base('pool'),
            kind: 'pool',
            inputs: [from.id],
            units: c,
            outputShape: [c, oh, ow],
            mode: op === 'MaxPool' ? 'max' : 'avg',
            global: false,
            size,
            strides,
            pads,
            ...(op === 'AveragePool' ? { countIncludePad } : {}),
          },
          x!,
        );
        return;
      }
      case 'GlobalAveragePool':
      case 'GlobalMaxPool': {
        const from = spatialInput();
        const [c, h, w] = from.outputShape as [number, number, number];
        add(
          {
            ...base('pool'),
            kind: 'pool',
            inputs: [from.id],
            units: c,
            outputShape: [c, 1, 1],
            mode: op === 'GlobalMaxPool' ? 'max' : 'avg',
            global: true,
            size: [h, w],
            strides: [1, 1],
            pads: [0, 0, 0, 0],
          },
          x!,
        );
        return;
      }
      case 'Flatten': {
        const from = active(x);
        const rank = from.outputShape.length + 1;
        const axis = attrs.int('axis', 1);
        if ((axis < 0 ? axis + rank : axis) !== 1)
          unsupported(`Flatten with axis ${axis} mixes the batch with features; only axis 1 is supported.`);
        const size = shapeSize(from.outputShape);
        add({ ...base('flatten'), kind: 'flatten', inputs: [from.id], units: size, outputShape: [size] }, x!);
        return;
      }
      case 'Reshape': {
        const from = active(x);
        const target = shapeValues.get(node.input[1] ?? '') ?? tensorToNumbers(constant(node.input[1], 'shape'));
        if (target.slice(1).includes(BATCH)) unsupported('Its target shape moves the batch dimension.');
        const total = shapeSize(from.outputShape);
        const rest = target.slice(1).map((d, i) => (d === 0 && attrs.int('allowzero', 0) === 0 ? (from.outputShape[i] ?? 0) : d));
        const unknown = rest.filter((d) => d === -1).length;
        const known = shapeSize(rest.filter((d) => d !== -1));
        if (target.length < 2 || unknown > 1 || (unknown === 1 && target[0] === -1) || known <= 0) {
          unsupported(`Reshape to [${target.join(', ')}] is supported only as [batch, ...features] with the batch first.`);
        }
        const shape = rest.map((d) => (d === -1 ? total / known : d));
        if (shapeSize(shape) !== total || shape.some((d) => !Number.isInteger(d))) {
          unsupported(`Reshape of [N, ${from.outputShape.join(', ')}] to [${target.join(', ')}] changes the number of values per example.`);
        }
        const kind = shape.length === 1 ? 'flatten' : 'reshape';
        add({ ...base(kind), kind, inputs: [from.id], units: unitsOf(shape), outputShape: shape }, x!);
        return;
      }
      case 'Pad': {
        const from = active(x);
        if (attrs.string('mode', 'constant') !== 'constant')
          unsupported(`Only constant padding is supported, not '${attrs.string('mode', '')}'.`);
        const padName = node.input[1] ?? '';
        const pads = opset >= 11 ? (shapeValues.get(padName) ?? tensorToNumbers(constant(padName, 'pads'))) : (attrs.ints('pads') ?? []);
        const fill =
          opset >= 11 ? (node.input[2] ? tensorToFloat32(constant(node.input[2], 'constant value'))[0] : 0) : attrs.float('value', 0);
        const rank = from.outputShape.length + 1;
        if (node.input[3] || pads.length !== 2 * rank || fill !== 0 || pads.some((p) => p < 0))
          unsupported('Only zero padding with explicit pads on every axis is supported.');
        if (pads.every((p) => p === 0)) {
          add(
            {
              ...base('identity'),
              kind: 'identity',
              inputs: [from.id],
              units: from.units,
              outputShape: [...from.outputShape],
              origin: 'pad',
            },
            x!,
          );
          return;
        }
        if (rank !== 4 || pads[0] || pads[1] || pads[4] || pads[5] || consumers.get(node.output[0]!) !== 1) {
          unsupported('Non-zero Pad is supported only on the spatial axes, right before one Conv or AveragePool.');
        }
        pendingPads.set(node.output[0]!, { from, input: x!, index, pads: [pads[2]!, pads[3]!, pads[6]!, pads[7]!] });
        return;
      }
      case 'Dropout':
      case 'Identity': {
        const from = active(x);
        let rate: number | undefined;
        if (op === 'Dropout') {
          rate =
            opset >= 12 && node.input[1] && constants.has(node.input[1]) ? weights(node.input[1], 'ratio')[0]! : attrs.float('ratio', 0.5);
        }
        add(
          {
            ...base('identity'),
            kind: 'identity',
            inputs: [from.id],
            units: from.units,
            outputShape: [...from.outputShape],
            origin: op.toLowerCase(),
            ...(rate === undefined ? {} : { rate }),
          },
          x!,
        );
        return;
      }
      case 'Softmax': {
        const from = active(x);
        const rank = from.outputShape.length + 1;
        const rawAxis = attrs.int('axis', opset >= 13 ? -1 : 1);
        const axis = rawAxis < 0 ? rawAxis + rank : rawAxis;
        const wholeExample = rank === 2 ? axis === 1 : opset < 13 && axis === 1;
        if (!wholeExample)
          unsupported(`Softmax over axis ${rawAxis} of a rank-${rank} tensor is not a softmax over whole examples; flatten first.`);
        add({ ...base('softmax'), kind: 'softmax', inputs: [from.id], units: from.units, outputShape: [...from.outputShape] }, x!);
        return;
      }
      default:
        unsupported();
    }
  });

  const outputName = graph.output[0]?.name ?? corrupt('the graph declares no output');
  const outputLayer = producer.get(outputName) ?? corrupt(`the graph output '${outputName}' is not computed by any supported node`);
  const network: Network = {
    specificationVersion: 'v1',
    name: options.name ?? (options.path ? options.path.split(/[\\/]/).pop()! : graph.name || 'onnx-model'),
    layout: inputShape.length === 3 ? 'nchw' : 'flat',
    layers,
    output: outputLayer.id,
    source: { format: 'onnx', ...(options.path ? { path: options.path } : {}), inputName: input.name, outputName },
  };
  const problems = validateNetwork(network);
  if (problems.length > 0) corrupt(`the converted network is inconsistent (${problems.join('; ')})`);
  return { model, network, layers: bindings, inputName: input.name, outputName };
}
