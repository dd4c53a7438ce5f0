import { CorruptFileError, InvalidArgumentError } from '@modscope/core';
import { constantValue } from './constant-value.js';
import { DataType, dataTypeName, toNumber, type GraphProto, type ModelProto, type NodeProto, type TensorProto } from './onnx-proto.js';

const pkg = '@modscope/loader-onnx';

/**
 * The default-domain opsets modscope reads. From 7: onnxruntime has no Gemm or BatchNormalization kernel below
 * it (its documented floor). To 22: the newest that onnxruntime-node 1.22.0, the oldest version this package
 * accepts, runs (measured: it rejects 23; 1.30 runs up to 26). The importer reads every opset in between.
 */
const SUPPORTED_OPSETS = { min: 7, max: 22 } as const;

/** The ONNX IR versions onnxruntime-node 1.22.0 loads (measured: it rejects 0, a missing one, and 11 or later). */
const SUPPORTED_IR_VERSIONS = { min: 1, max: 10 } as const;

/**
 * Most values one tensor or activation may hold: an `.onnx` file without external data is one protobuf, which
 * stops at 2 GiB, so no larger tensor can be backed by data. It also keeps every count within a typed array.
 */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/** Bytes per value in `raw_data`, and the repeated field that holds the values otherwise, of the types modscope reads. */
const storage: Record<number, { bytes: number; field: 'float_data' | 'double_data' | 'int32_data' | 'int64_data' }> = {
  [DataType.FLOAT]: { bytes: 4, field: 'float_data' },
  [DataType.DOUBLE]: { bytes: 8, field: 'double_data' },
  [DataType.INT32]: { bytes: 4, field: 'int32_data' },
  [DataType.INT64]: { bytes: 8, field: 'int64_data' },
};

/** A tensor stored in the file (an initializer or a Constant node's value) and how messages name it. */
interface Stored {
  tensor: TensorProto;
  label: string;
}

/** What a node reads from one of its inputs when that input is a stored tensor. */
interface Use {
  what: string;
  types: readonly number[];
  /** A weight (float32, finite: `checkFinite`) rather than a shape, axes or indices constant. */
  weight: boolean;
}

const FLOAT = [DataType.FLOAT];
const INT64 = [DataType.INT64];
const INDICES = [DataType.INT32, DataType.INT64];
const NUMBERS = [DataType.FLOAT, DataType.DOUBLE, DataType.INT32, DataType.INT64];
const weight = (what: string): Use => ({ what, types: FLOAT, weight: true });
const shape = (what: string, types: readonly number[]): Use => ({ what, types, weight: false });

/** How the importer reads input `index` of an `op` node (undefined: not as a stored tensor, or not at all). */
function useOf(op: string, index: number, opset: number): Use | undefined {
  switch (op) {
    case 'Gemm':
      return [undefined, weight('weight B'), weight('bias C')][index];
    case 'MatMul':
      return index === 1 ? weight('weight B') : undefined;
    case 'Conv':
      return [undefined, weight('weight W'), weight('bias B')][index];
    case 'BatchNormalization':
      return [undefined, weight('scale'), weight('bias B'), weight('mean'), weight('variance')][index];
    case 'Add':
      return weight('addend');
    case 'Dropout':
      return index === 1 ? { what: 'ratio', types: [DataType.FLOAT, DataType.DOUBLE], weight: true } : undefined;
    case 'Pad':
      return index === 1 && opset >= 11 ? shape('pads', INT64) : index === 2 ? weight('constant value') : undefined;
    case 'Reshape':
      return index === 1 ? shape('shape', INT64) : undefined;
    case 'Unsqueeze':
    case 'Squeeze':
      return index === 1 ? shape('axes', INT64) : index === 0 ? shape('data', NUMBERS) : undefined;
    case 'Slice':
      return index === 0 ? shape('data', NUMBERS) : shape(['starts', 'ends', 'axes', 'steps'][index - 1] ?? 'input', INDICES);
    case 'Gather':
      return index === 0 ? shape('data', NUMBERS) : shape('indices', INDICES);
    case 'Concat':
    case 'Cast':
      return shape('input', NUMBERS);
    default:
      return undefined;
  }
}

/**
 * Throws when `values` (a weight the importer converted to float32) hold NaN or ±Infinity; `where` names the tensor
 * and the node that reads it. The importer calls this on the arrays it makes anyway: scanning the file's bytes here
 * would need aligned copies of most tensors (+5 ms for the 784-256×4-10 MLP) or a loop that runs interpreted on a
 * model's single load; `includes`, a builtin, scans its 400k weights in under 1 ms.
 */
export function checkFinite(values: Float32Array, where: string): void {
  for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    if (!values.includes(value)) continue;
    const index = Number.isNaN(value) ? values.findIndex(Number.isNaN) : values.indexOf(value);
    throw new InvalidArgumentError({
      argument: 'path',
      message: `${pkg}: ${where} holds ${value} at index ${index}; modscope analyses models with finite weights only.`,
      hint: 'The model is broken (diverged training?); retrain it, or repair the weight and re-export.',
    });
  }
}

/**
 * Checks an ONNX model before modscope allocates anything for it or hands it to onnxruntime: an IR version and a
 * default-domain opset in the ranges modscope and onnxruntime-node read; tensors whose dims are sane and match the data they
 * hold; unique tensor names; a float graph input; and, for every stored tensor a supported node reads, the data
 * type the importer and onnxruntime expect there (the importer checks that weights are finite as it converts them:
 * `checkFinite`). Throws one error naming the tensor or node, the problem and a fix: `CorruptFileError` for what
 * the ONNX format forbids, `InvalidArgumentError` for valid models modscope cannot analyse (external data, another
 * opset or IR version, double weights, a non-float input).
 */
export function validateOnnxModel(model: ModelProto, path = '<bytes>'): void {
  const graph = model.graph;
  const corrupt = (reason: string, hint = 'The file is damaged or was edited; re-export the model from its framework.'): never => {
    throw new CorruptFileError({ path, format: 'ONNX', reason, hint });
  };
  if (!graph) corrupt('the ModelProto has no graph');
  const opset = checkOpset(model, path, corrupt);
  const ir = toNumber(model.ir_version);
  const irHint = 'Re-export the model with the onnx package 1.17 or older (IR version 10), or convert it with onnx.version_converter.';
  if (ir === 0) corrupt('its ModelProto declares no IR version (ir_version)', irHint);
  if (!(ir >= SUPPORTED_IR_VERSIONS.min && ir <= SUPPORTED_IR_VERSIONS.max)) {
    throw new InvalidArgumentError({
      argument: 'path',
      message: `${pkg}: ${path} uses ONNX IR version ${ir}; modscope reads IR versions ${SUPPORTED_IR_VERSIONS.min} to ${SUPPORTED_IR_VERSIONS.max} (those onnxruntime-node 1.22, the oldest it runs on, loads).`,
      hint: irHint,
    });
  }
  const stored = storedTensors(graph!, path, corrupt);
  checkNames(graph!, corrupt);
  for (const input of graph!.input) {
    if (stored.has(input.name)) continue; // an initializer listed among the inputs, as older exporters do
    const type = input.type?.tensor_type?.elem_type;
    // Token ids: a language model's one input, [batch, sequence] integers (method §9).
    const tokenIds = (type === DataType.INT64 || type === DataType.INT32) && input.type?.tensor_type?.shape?.dim.length === 2;
    if (type !== DataType.FLOAT && !tokenIds) {
      throw new InvalidArgumentError({
        argument: 'path',
        message: `${pkg}: graph input '${input.name}' of ${path} has element type ${dataTypeName(type)}; modscope feeds models float32 (FLOAT) inputs, or int64 token ids [batch, sequence] to language models.`,
        hint: 'Export the model with a float32 input (pass a float tensor as the example input to torch.onnx.export).',
      });
    }
  }
  checkUses(graph!, stored, opset, path);
}

/** The model's default-domain opset, after checking it is declared once and in `SUPPORTED_OPSETS`. */
function checkOpset(model: ModelProto, path: string, corrupt: (reason: string, hint?: string) => never): number {
  const { min, max } = SUPPORTED_OPSETS;
  const hint = `Re-export the model with an opset from ${min} to ${max} (torch.onnx.export(..., opset_version=17)).`;
  const declared = model.opset_import.filter((o) => !o.domain || o.domain === 'ai.onnx').map((o) => toNumber(o.version));
  if (declared.length === 0) {
    const others = model.opset_import.map((o) => `'${o.domain}'`).join(', ');
    corrupt(`its opset_import declares no opset of the default ONNX domain (ai.onnx)${others ? `, only of ${others}` : ''}`, hint);
  }
  if (new Set(declared).size > 1)
    corrupt(`its opset_import declares the default ONNX domain twice (opsets ${declared.join(' and ')})`, hint);
  const opset = declared[0]!;
  if (!(opset >= min && opset <= max)) {
    throw new InvalidArgumentError({
      argument: 'path',
      message: `${pkg}: ${path} uses ONNX opset ${opset}; modscope reads opsets ${min} to ${max} (those its importer and onnxruntime-node 1.22, the oldest it runs on, support).`,
      hint,
    });
  }
  return opset;
}

/** Initializers and Constant values by name, each checked: inside the file, sane dims, data that matches them. */
function storedTensors(graph: GraphProto, path: string, corrupt: (reason: string) => never): Map<string, Stored> {
  const stored = new Map<string, Stored>();
  for (const tensor of graph.initializer) {
    const name = tensor.name ?? '';
    if (stored.has(name)) corrupt(`initializer '${name}' is defined twice (tensor names must be unique)`);
    if (tensor.data_location === 1) {
      throw new InvalidArgumentError({
        argument: 'path',
        message: `${pkg}: initializer '${name}' of ${path} is stored as external data.`,
        hint: 'Save the model with its weights inside the .onnx file (onnx.save(model, path, save_as_external_data=False)).',
      });
    }
    stored.set(name, { tensor, label: `initializer '${name}'` });
  }
  for (const node of graph.node) {
    const value = node.op_type === 'Constant' && !node.domain ? constantValue(node) : undefined;
    const name = node.output[0];
    if (!value || !name) continue;
    if (value.data_location === 1) corrupt(`Constant '${name}' refers to external data, which a Constant cannot hold`);
    if (!stored.has(name)) stored.set(name, { tensor: value, label: `Constant '${name}'` }); // a clash is checkNames' to report
  }
  for (const { tensor, label } of stored.values()) checkData(tensor, label, corrupt);
  return stored;
}

/** Dims are integers from 0 to `MAX_ELEMENTS` whose product fits too, and match the values the tensor holds. */
function checkData(tensor: TensorProto, label: string, corrupt: (reason: string) => never): void {
  const dims = tensor.dims.map((d) => toNumber(d));
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0 || d > MAX_ELEMENTS))
    corrupt(`${label} has dims [${dims.join(', ')}]; each size must be an integer from 0 to ${MAX_ELEMENTS}`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (count > MAX_ELEMENTS)
    corrupt(`${label} declares dims [${dims.join(', ')}], ${count} values, more than one tensor can hold (${MAX_ELEMENTS})`);
  const layout = storage[tensor.data_type ?? 0];
  if (!layout) return; // a type modscope never reads as data; checkUses rejects it where a node needs numbers
  const type = dataTypeName(tensor.data_type);
  const raw = tensor.raw_data?.length ?? 0;
  if (raw > 0 && raw % layout.bytes !== 0)
    corrupt(`${label} holds ${raw} bytes of raw data, not a whole number of ${layout.bytes}-byte ${type} values`);
  const held = raw > 0 ? raw / layout.bytes : (tensor[layout.field]?.length ?? 0);
  if (held !== count)
    corrupt(`${label} declares dims [${dims.join(', ')}] (${count} ${type} values) but holds ${held === 0 ? 'no data' : `${held} values`}`);
}

/** Graph inputs are declared once; every node output is written by one node and is no initializer or graph input. */
function checkNames(graph: GraphProto, corrupt: (reason: string) => never): void {
  const inputs = new Set<string>();
  for (const input of graph.input) {
    if (inputs.has(input.name)) corrupt(`graph input '${input.name}' is declared twice (tensor names must be unique)`);
    inputs.add(input.name);
  }
  const initializers = new Set(graph.initializer.map((t) => t.name ?? ''));
  const writers = new Map<string, string>();
  graph.node.forEach((node, index) => {
    const label = node.name || node.output[0] || `node${index}`;
    for (const output of node.output) {
      if (!output) continue; // an omitted optional output
      const other = writers.get(output);
      if (other !== undefined)
        corrupt(`tensor '${output}' is written by two nodes, '${other}' and '${label}' (tensor names must be unique)`);
      if (initializers.has(output)) corrupt(`node '${label}' writes tensor '${output}', which is also an initializer`);
      if (inputs.has(output)) corrupt(`node '${label}' writes tensor '${output}', which is also a graph input`);
      writers.set(output, label);
    }
  });
}

/** Stored tensors that supported nodes read have the data type the importer and onnxruntime expect there. */
function checkUses(graph: GraphProto, stored: Map<string, Stored>, opset: number, path: string): void {
  graph.node.forEach((node: NodeProto, index) => {
    if (node.domain && node.domain !== 'ai.onnx') return;
    const nodeName = node.name || node.output[0] || `node${index}`;
    node.input.forEach((name, slot) => {
      const entry = name ? stored.get(name) : undefined;
      const use = entry && useOf(node.op_type, slot, opset);
      if (!entry || !use) return;
      const { tensor, label } = entry;
      const where = `${label}, the ${use.what} of ${node.op_type} node '${nodeName}' in ${path},`;
      if (!use.types.includes(tensor.data_type ?? 0)) {
        throw new InvalidArgumentError({
          argument: 'path',
          message: `${pkg}: ${where} has data type ${dataTypeName(tensor.data_type)}; modscope reads ${use.types.map(dataTypeName).join(' or ')} there.`,
          hint: use.weight
            ? 'Export the model with float32 weights (call model.float() before torch.onnx.export).'
            : 'Re-export the model; ONNX stores shapes, axes and indices as int64.',
        });
      }
    });
  });
}
