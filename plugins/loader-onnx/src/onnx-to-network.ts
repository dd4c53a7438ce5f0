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
import type { BoundModel, LayerBinding } from './model-binding.js';
import { nodeAttributes, type NodeAttributes } from './node-attributes.js';
import { BATCH, evaluateShapeNode, shapeOps } from './shape-value.js';
import { toNumber, type ModelProto, type NodeProto, type TensorProto } from './onnx-proto.js';
import { tensorDims, tensorToFloat32, tensorToNumbers } from './tensor-data.js';

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

/** The default-domain opset a model imports (13 when it declares none). */
function defaultOpset(model: ModelProto): number {
  const entry = model.opset_import.find((o) => !o.domain || o.domain === 'ai.onnx');
  return entry ? toNumber(entry.version) : 13;
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

/** Value of a `Constant` node as a tensor. */
function constantValue(node: NodeProto): TensorProto | undefined {
  for (const a of node.attribute) {
    if (a.name === 'value' && a.t) return a.t;
    if (a.name === 'value_float') return { dims: [], data_type: 1, float_data: [a.f ?? 0] };
    if (a.name === 'value_floats') return { dims: [a.floats?.length ?? 0], data_type: 1, float_data: a.floats ?? [] };
    if (a.name === 'value_int') return { dims: [], data_type: 7, int64_data: [a.i ?? 0] };
    if (a.name === 'value_ints') return { dims: [a.ints?.length ?? 0], data_type: 7, int64_data: a.ints ?? [] };
  }
  return undefined;
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
  const opset = defaultOpset(model);
  const corrupt = (reason: string): never => {
    throw new CorruptFileError({ path, format: 'ONNX', reason });
  };

  const constants = new Map<string, TensorProto>();
  for (const t of graph.initializer) {
    if (t.data_location === 1) {
      throw new InvalidArgumentError({
        argument: 'path',
        message: `${pkg}: initializer '${t.name}' of ${path} is stored as external data.`,
        hint: 'Save the model with its weights inside the .onnx file (onnx.save(model, path, save_as_external_data=False)).',
      });
    }
    constants.set(t.name ?? '', t);
  }
  const realInputs = graph.input.filter((i) => !constants.has(i.name));
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
      if (!t) unsupported(`Its ${what} must be an initializer or a Constant (got '${name ?? ''}').`);
      return t!;
    };
    const optionalConstant = (name: string | undefined, what: string) => (name ? constant(name, what) : undefined);
    const add = (layer: Layer, from: string) => {
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
        if (!constants.has(node.input[1] ?? '')) unsupported('Only products of an activation with a weight initializer are supported.');
        const w = constant(node.input[1], 'weight');
        const wDims = tensorDims(w);
        if (wDims.length !== 2) unsupported(`Its weight must be 2-D, got [${wDims.join(', ')}].`);
        const transB = op === 'Gemm' && attrs.int('transB', 0) === 1;
        if (op === 'Gemm' && attrs.int('transA', 0) !== 0) unsupported('transA = 1 is not supported.');
        const [fanIn, fanOut] = transB ? [wDims[1]!, wDims[0]!] : [wDims[0]!, wDims[1]!];
        if (fanIn !== from.outputShape[0])
          corrupt(`node '${nodeName}' multiplies ${from.outputShape[0]} features by a weight with ${fanIn} rows`);
        const alpha = op === 'Gemm' ? attrs.float('alpha', 1) : 1;
        const beta = op === 'Gemm' ? attrs.float('beta', 1) : 1;
        const values = tensorToFloat32(w);
        const kernel = transB ? transposed(values, fanOut, fanIn) : values;
        if (alpha !== 1) for (let i = 0; i < kernel.length; i++) kernel[i]! *= alpha;
        let bias: Float32Array | null = null;
        const c = op === 'Gemm' ? optionalConstant(node.input[2], 'bias') : undefined;
        if (c) {
          const cv = tensorToFloat32(c);
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
        const c = constant(constName, 'addend');
        const cv = tensorToFloat32(c);
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
        const w = constant(node.input[1], 'weight');
        const wDims = tensorDims(w);
        if (wDims.length !== 4) unsupported(`Only 2-D convolutions are supported (weight [${wDims.join(', ')}]).`);
        const [cout, cinPer, kh, kw] = wDims as [number, number, number, number];
        const groups = attrs.int('group', 1);
        const [cin, h, wIn] = from.outputShape as [number, number, number];
        if (cinPer * groups !== cin) corrupt(`node '${nodeName}' expects ${cinPer * groups} input channels, got ${cin}`);
        const strides = (attrs.ints('strides') ?? [1, 1]) as [number, number];
        const dilations = (attrs.ints('dilations') ?? [1, 1]) as [number, number];
        const pads = sumPads(resolvePads(attrs, [h, wIn], [kh, kw], strides, dilations, unsupported), padBefore());
        const oh = windowOutput(h, kh, strides[0], dilations[0], pads[0] + pads[2]);
        const ow = windowOutput(wIn, kw, strides[1], dilations[1], pads[1] + pads[3]);
        const values = tensorToFloat32(w);
        const kernel = new Float32Array(values.length);
        for (let o = 0; o < cout; o++)
          for (let ci = 0; ci < cinPer; ci++)
            for (let ky = 0; ky < kh; ky++)
              for (let kx = 0; kx < kw; kx++)
                kernel[((ky * kw + kx) * cinPer + ci) * cout + o] = values[((o * cinPer + ci) * kh + ky) * kw + kx]!;
        const b = optionalConstant(node.input[2], 'bias');
        add(
          {
            ...base('conv2d'),
            kind: 'conv2d',
            inputs: [from.id],
            units: cout,
            outputShape: [cout, oh, ow],
            kernel,
            kernelShape: [kh, kw, cinPer, cout],
            bias: b ? tensorToFloat32(b) : null,
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
        const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((i) => tensorToFloat32(constant(node.input[i], 'statistics'))) as [
          Float32Array,
          Float32Array,
          Float32Array,
          Float32Array,
        ];
        const units = from.outputShape[0]!;
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
            epsilon: attrs.float('epsilon', 1e-5),
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
            ...(op === 'LeakyRelu' ? { alpha: attrs.float('alpha', 0.01) } : {}),
          },
          x!,
        );
        return;
      }
      case 'MaxPool':
      case 'AveragePool': {
        const from = spatialInput();
        if (node.output.length > 1 && node.output[1]) unsupported('Its indices output is not supported.');
        const size = (attrs.ints('kernel_shape') ?? []) as [number, number];
        if (size.length !== 2) unsupported('Only 2-D pooling is supported.');
        const strides = (attrs.ints('strides') ?? [1, 1]) as [number, number];
        if ((attrs.ints('dilations') ?? [1, 1]).some((d) => d !== 1)) unsupported('Dilated pooling is not supported.');
        const ceil = attrs.int('ceil_mode', 0) === 1;
        if (ceil && op === 'AveragePool') unsupported('ceil_mode = 1 is supported for MaxPool only.');
        const [c, h, w] = from.outputShape as [number, number, number];
        const own = resolvePads(attrs, [h, w], size, strides, [1, 1], unsupported);
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
          const ratio = opset >= 12 && node.input[1] ? constants.get(node.input[1]) : undefined;
          rate = ratio ? tensorToFloat32(ratio)[0]! : attrs.float('ratio', 0.5);
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
