import {
  checkEvaluateRequest,
  InvalidArgumentError,
  ShapeMismatchError,
  getLayer,
  inputLayer,
  inputSize,
  isWeighted,
  outputSize,
  shapeSize,
  type Activations,
  type EvaluateRequest,
  type EvaluateResult,
  type Evaluator,
  type Network,
} from '@modscope/core';
import type * as Ort from 'onnxruntime-node';
import { decodeOnnxModel, encodeOnnxModel } from './decode-onnx-model.js';
import { createLesionRunner } from './lesion-runner.js';
import {
  editKernelShape,
  instrumentModel,
  maskShape,
  prepareRuntimeModel,
  type InstrumentedModel,
  type RunStructure,
} from './instrument-model.js';
import type { BoundModel } from './model-binding.js';
import { buildOnnxModel, hwioToOihw } from './network-to-onnx.js';
import type { ModelProto } from './onnx-proto.js';
import { loadOnnxRuntime } from './onnx-runtime.js';
import { guardOnnxRuntime, modelLabel } from './onnxruntime-failure.js';
import { onnxToNetwork } from './onnx-to-network.js';
import { readModelFile } from './read-model-file.js';

export interface OnnxEvaluatorOptions {
  /** Examples per inference call when a request gives no `batchSize`. Default 4096. */
  batchSize?: number;
  /** Sessions kept for distinct request structures (edited / masked / captured layers). Default 8. */
  cacheSize?: number;
  /**
   * Rows (lesions × examples) per inference call of `runLesions`, which evaluates many lesions of one
   * layer in one pass from cached activations. Default 4096 (larger batches spill out of the CPU caches).
   */
  lesionRows?: number;
  /** Passed to `InferenceSession.create`; the CPU provider and full graph optimization by default. */
  sessionOptions?: Ort.InferenceSession.SessionOptions;
}

/** What `createOnnxEvaluator` accepts: a network (converted with `networkToOnnx`), ONNX bytes, or a file path. */
export type OnnxEvaluatorSource = Network | Uint8Array | string;

const pkg = '@modscope/loader-onnx';

interface CachedSession {
  session: Ort.InferenceSession;
  instrumented: InstrumentedModel;
}

/**
 * An `Evaluator` running an ONNX model with onnxruntime-node on the CPU. Weight edits, unit masks and
 * captures rewrite the model in memory once per distinct structure (edited weights and masks become
 * graph inputs, captured tensors graph outputs); sessions are cached, so repeated requests with new edit
 * values or masks reuse them.
 */
export async function createOnnxEvaluator(source: OnnxEvaluatorSource, options: OnnxEvaluatorOptions = {}): Promise<Evaluator> {
  if (typeof source === 'string') {
    const bytes = await readModelFile(source);
    return evaluatorForBoundModel(onnxToNetwork(decodeOnnxModel(bytes, source), { path: source }), options);
  }
  if (source instanceof Uint8Array) return evaluatorForBoundModel(onnxToNetwork(decodeOnnxModel(source)), options);
  return evaluatorForBoundModel(buildOnnxModel(source), options);
}

/** An evaluator for a model whose layers are already bound to its graph (see `onnxToNetwork`). */
export function evaluatorForBoundModel(bound: BoundModel, options: OnnxEvaluatorOptions = {}): Evaluator {
  const network = bound.network;
  const runtime: ModelProto = prepareRuntimeModel(bound);
  const cacheSize = Math.max(1, options.cacheSize ?? 8);
  const sessionOptions: Ort.InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
    ...options.sessionOptions,
  };
  const cache = new Map<string, Promise<CachedSession>>();
  const per = inputSize(network);
  const outputs = outputSize(network);
  const inputShape = inputLayer(network).outputShape;
  const label = modelLabel(network);
  const tokenIds = network.layout === 'sequence';
  let disposed = false;

  const sessionFor = (structure: RunStructure): Promise<CachedSession> => {
    const key = JSON.stringify(structure);
    const hit = cache.get(key);
    if (hit) {
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    const created = (async () => {
      const instrumented = instrumentModel(runtime, bound, structure);
      const ort = await loadOnnxRuntime();
      const bytes = encodeOnnxModel(instrumented.model);
      const session = await guardOnnxRuntime(label, 'load', () => ort.InferenceSession.create(bytes, sessionOptions));
      return { session, instrumented };
    })();
    cache.set(key, created);
    created.catch(() => cache.delete(key));
    while (cache.size > cacheSize) {
      const [oldest, entry] = cache.entries().next().value as [string, Promise<CachedSession>];
      cache.delete(oldest);
      void entry.then((s) => s.session.release()).catch(() => undefined);
    }
    return created;
  };

  const run = async (request: EvaluateRequest): Promise<EvaluateResult> => {
    if (disposed)
      throw new InvalidArgumentError({
        argument: 'evaluator',
        message: `${pkg}: this evaluator was disposed.`,
        hint: 'Create a new evaluator.',
      });
    checkEvaluateRequest(network, request);
    const { count } = request;
    const edits = new Map<string, { kernel?: Float32Array; bias?: Float32Array }>();
    for (const edit of request.edits ?? []) {
      edits.set(edit.layer, {
        ...edits.get(edit.layer),
        ...(edit.kernel ? { kernel: edit.kernel } : {}),
        ...(edit.bias ? { bias: edit.bias } : {}),
      });
    }
    const masks = new Map((request.masks ?? []).map((m) => [m.layer, m.mask]));
    const capture = [...new Set(request.capture ?? [])];
    const structure: RunStructure = { edits: [...edits.keys()].sort(), masks: [...masks.keys()].sort(), capture: [...capture].sort() };
    const { session, instrumented } = await sessionFor(structure);
    const ort = await loadOnnxRuntime();

    const fixed: Record<string, Ort.Tensor> = {};
    for (const [id, edit] of edits) {
      const layer = getLayer(network, id);
      if (!isWeighted(layer)) continue;
      const names = instrumented.editInputs.get(id)!;
      const kernel = edit.kernel ?? layer.kernel;
      fixed[names.kernel] = new ort.Tensor(
        'float32',
        layer.kind === 'conv2d' ? hwioToOihw(kernel, layer.kernelShape) : kernel,
        editKernelShape(layer),
      );
      fixed[names.bias] = new ort.Tensor('float32', edit.bias ?? layer.bias ?? new Float32Array(layer.units), [layer.units]);
    }
    for (const [id, mask] of masks) {
      const layer = getLayer(network, id);
      // An attention layer's units are heads; its mask scales each head's channels.
      const values = layer.kind === 'attention' ? expandHeads(mask, layer.headSize) : mask;
      fixed[instrumented.maskInputs.get(id)!] = new ort.Tensor('float32', values, maskShape(layer, network.layout));
    }

    const logits = new Float32Array(count * outputs);
    const activations = new Map<string, Activations>();
    for (const id of capture) {
      const shape = getLayer(network, id).outputShape;
      activations.set(id, { data: new Float32Array(count * shapeSize(shape)), shape: [count, ...shape] });
    }
    const batchSize = Math.max(1, Math.floor(request.batchSize ?? options.batchSize ?? 4096));
    for (let start = 0; start < count; start += batchSize) {
      const n = Math.min(batchSize, count - start);
      const x = request.inputs.subarray(start * per, (start + n) * per);
      const feeds = {
        ...fixed,
        [bound.inputName]: tokenIds ? new ort.Tensor('int64', toInt64(x), [n, per]) : new ort.Tensor('float32', x, [n, ...inputShape]),
      };
      const result = await guardOnnxRuntime(label, 'run', () => session.run(feeds));
      logits.set(floatData(result[bound.outputName]!, n * outputs, 'output'), start * outputs);
      for (const [id, act] of activations) {
        const size = act.data.length / Math.max(count, 1);
        const name = instrumented.captureOutputs.get(id);
        if (name) act.data.set(floatData(result[name]!, n * size, `layer '${id}'`), start * size);
        else act.data.set(maskedInput(x, masks.get(id), inputShape), start * size);
      }
      request.onProgress?.(start + n, count);
    }
    return { logits, count, outputs, activations };
  };

  const lesions = createLesionRunner({ network, run, sessionOptions, outputs, rows: options.lesionRows });

  const evaluator: Evaluator = {
    specificationVersion: 'v1',
    name: 'onnxruntime-node (cpu)',
    network,
    run,
    runLesions: (request) => lesions.runLesions(evaluator, request),
    async dispose() {
      disposed = true;
      await lesions.dispose();
      const entries = [...cache.values()];
      cache.clear();
      await Promise.all(entries.map((p) => p.then((s) => s.session.release()).catch(() => undefined)));
    },
  };
  return evaluator;
}

/** One factor per channel from one factor per attention head. */
function expandHeads(mask: Float32Array, headSize: number): Float32Array {
  const channels = new Float32Array(mask.length * headSize);
  for (let h = 0; h < mask.length; h++) channels.fill(mask[h]!, h * headSize, (h + 1) * headSize);
  return channels;
}

/** Token ids, carried as float32 in evaluate requests, as the int64 onnxruntime feeds a language model. */
function toInt64(ids: Float32Array): BigInt64Array {
  const out = new BigInt64Array(ids.length);
  for (let i = 0; i < ids.length; i++) out[i] = BigInt(ids[i]!);
  return out;
}

function floatData(tensor: Ort.Tensor, expected: number, what: string): Float32Array {
  const data = tensor.data;
  if (!(data instanceof Float32Array) || data.length !== expected) {
    throw new ShapeMismatchError({
      what: `onnxruntime ${what}`,
      expected: `${expected} float32 values`,
      actual: `${data.length} ${tensor.type} values with dims [${tensor.dims.join(', ')}]`,
    });
  }
  return data;
}

/** Captured values of the input layer: the inputs themselves, times the input mask if any. */
function maskedInput(x: Float32Array, mask: Float32Array | undefined, shape: readonly number[]): Float32Array {
  if (!mask) return x;
  const out = x.slice();
  const spatial = shape.length === 3 ? shape[1]! * shape[2]! : 1;
  for (let i = 0; i < out.length; i++) out[i]! *= mask[Math.floor(i / spatial) % mask.length]!;
  return out;
}
