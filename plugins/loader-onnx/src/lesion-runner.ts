import {
  checkLesionRequest,
  lesionMask,
  lesionPoint,
  shapeSize,
  ShapeMismatchError,
  type EvaluateRequest,
  type EvaluateResult,
  type Evaluator,
  type LesionRequest,
  type LesionResult,
  type Network,
} from '@modscope/core';
import type * as Ort from 'onnxruntime-node';
import { encodeOnnxModel } from './decode-onnx-model.js';
import {
  buildGatherLesionModel,
  buildLesionModel,
  LESION_INDEX,
  LESION_INPUT,
  LESION_MASKS,
  LESION_NEXT,
  type GatherLesionModel,
  type LesionModel,
} from './lesion-model.js';
import { loadOnnxRuntime } from './onnx-runtime.js';
import { guardOnnxRuntime, modelLabel } from './onnxruntime-failure.js';

interface LesionRunnerOptions {
  network: Network;
  run: (request: EvaluateRequest) => Promise<EvaluateResult>;
  sessionOptions: Ort.InferenceSession.SessionOptions;
  outputs: number;
  /** Rows (lesions × examples) per inference call. */
  rows: number | undefined;
}

type Engine =
  | { kind: 'gather'; session: Ort.InferenceSession; model: GatherLesionModel }
  | { kind: 'mask'; session: Ort.InferenceSession; model: LesionModel }
  | { kind: 'none' };

/** Most lesions folded into one inference call. */
const GROUP = 64;

function floatData(tensor: Ort.Tensor, expected: number): Float32Array {
  const data = tensor.data;
  if (!(data instanceof Float32Array) || data.length !== expected) {
    throw new ShapeMismatchError({
      what: 'onnxruntime lesion output',
      expected: `${expected} float32 values`,
      actual: `${data.length} ${tensor.type} values`,
    });
  }
  return data;
}

/**
 * The onnxruntime evaluator's `runLesions`: many lesions of one layer per inference call, from cached
 * activations of the latest inputs. Dense → activation → dense chains take the low-rank path (only the
 * lesioned units' contribution to the next layer is recomputed); other layers the masked-tail path; a
 * layer bypassed by a skip connection falls back to one masked evaluation per lesion.
 */
export function createLesionRunner(options: LesionRunnerOptions) {
  const { network, run, sessionOptions, outputs } = options;
  const rows = Math.max(1, Math.floor(options.rows ?? 4096));
  const label = modelLabel(network);
  const createSession = async (model: Parameters<typeof encodeOnnxModel>[0]) => {
    const ort = await loadOnnxRuntime();
    const bytes = encodeOnnxModel(model);
    return guardOnnxRuntime(label, 'load', () => ort.InferenceSession.create(bytes, sessionOptions));
  };
  const runSession = (session: Ort.InferenceSession, feeds: Record<string, Ort.Tensor>) =>
    guardOnnxRuntime(label, 'run', () => session.run(feeds));
  const engines = new Map<string, Promise<Engine>>();
  let cache: { inputs: Float32Array; count: number; tensors: Map<string, Float32Array>; logits: Float32Array } | null = null;

  const engineFor = (point: string): Promise<Engine> => {
    let engine = engines.get(point);
    if (!engine) {
      engine = (async (): Promise<Engine> => {
        const gather = buildGatherLesionModel(network, point);
        if (gather)
          return {
            kind: 'gather',
            session: await createSession(gather.model),
            model: gather,
          };
        const mask = buildLesionModel(network, point);
        if (mask) return { kind: 'mask', session: await createSession(mask.model), model: mask };
        return { kind: 'none' };
      })();
      engines.set(point, engine);
    }
    return engine;
  };

  /** Outputs of `layers` (and the intact logits) on the request's inputs, computed once per inputs. */
  const cached = async (request: LesionRequest, layers: string[]) => {
    if (!cache || cache.inputs !== request.inputs || cache.count !== request.count || layers.some((id) => !cache!.tensors.has(id))) {
      cache = null;
      const result = await run({
        inputs: request.inputs,
        count: request.count,
        capture: layers,
        ...(request.batchSize ? { batchSize: request.batchSize } : {}),
      });
      cache = {
        inputs: request.inputs,
        count: request.count,
        tensors: new Map(layers.map((id) => [id, result.activations.get(id)!.data])),
        logits: result.logits,
      };
    }
    return cache;
  };

  async function runLesions(evaluator: Evaluator, request: LesionRequest): Promise<LesionResult> {
    const unit = checkLesionRequest(evaluator, request);
    const point = lesionPoint(unit);
    const { count, lesions } = request;
    const logits: Float32Array[] = lesions.map(() => new Float32Array(count * outputs));
    const engine = await engineFor(point);
    const ort = await loadOnnxRuntime();
    let done = 0;
    const finished = (n: number) => {
      done += n;
      request.onProgress?.(done, lesions.length);
    };
    if (engine.kind === 'none') {
      for (let l = 0; l < lesions.length; l++) {
        const masks = [{ layer: point, mask: lesionMask(unit.units, lesions[l]!) }];
        logits[l] = (
          await run({ inputs: request.inputs, count, masks, ...(request.batchSize ? { batchSize: request.batchSize } : {}) })
        ).logits;
        finished(1);
      }
      return { outputs, logits };
    }
    if (engine.kind === 'mask') {
      const { tensors } = await cached(request, [point]);
      const data = tensors.get(point)!;
      const size = shapeSize(engine.model.shape);
      for (let first = 0; first < lesions.length; first += GROUP) {
        const group = lesions.slice(first, first + GROUP);
        const masks = new Float32Array(group.length * unit.units);
        for (const [l, units] of group.entries()) masks.set(lesionMask(unit.units, units), l * unit.units);
        const feeds = { [LESION_MASKS]: new ort.Tensor('float32', masks, [group.length, unit.units]) };
        const chunk = Math.max(1, Math.floor(rows / group.length));
        for (let start = 0; start < count; start += chunk) {
          const n = Math.min(chunk, count - start);
          const h = new ort.Tensor('float32', data.subarray(start * size, (start + n) * size), [n, ...engine.model.shape]);
          const out = floatData(
            (await runSession(engine.session, { ...feeds, [LESION_INPUT]: h }))[engine.model.outputName]!,
            group.length * n * outputs,
          );
          for (let l = 0; l < group.length; l++)
            logits[first + l]!.set(out.subarray(l * n * outputs, (l + 1) * n * outputs), start * outputs);
        }
        finished(group.length);
      }
      return { outputs, logits };
    }
    // Low-rank path: lesions grouped by size, since one call gathers the same number of units per lesion.
    const { model, session } = engine;
    const { tensors, logits: intact } = await cached(request, [model.activationLayer, model.nextLayer]);
    const activations = tensors.get(model.activationLayer)!;
    const next = tensors.get(model.nextLayer)!;
    const bySize = new Map<number, number[]>();
    for (const [l, units] of lesions.entries()) bySize.set(units.length, [...(bySize.get(units.length) ?? []), l]);
    for (const [size, members] of bySize) {
      if (size === 0) {
        for (const l of members) logits[l]!.set(intact);
        finished(members.length);
        continue;
      }
      for (let first = 0; first < members.length; first += GROUP) {
        const group = members.slice(first, first + GROUP);
        const index = new BigInt64Array(group.length * size);
        for (const [g, l] of group.entries()) {
          for (const [i, u] of lesions[l]!.entries()) index[g * size + i] = BigInt(u);
        }
        const feeds = { [LESION_INDEX]: new ort.Tensor('int64', index, [group.length, size]) };
        const chunk = Math.max(1, Math.floor(rows / group.length));
        for (let start = 0; start < count; start += chunk) {
          const n = Math.min(chunk, count - start);
          const a = new ort.Tensor('float32', activations.subarray(start * model.units, (start + n) * model.units), [n, model.units]);
          const z = new ort.Tensor('float32', next.subarray(start * model.nextUnits, (start + n) * model.nextUnits), [n, model.nextUnits]);
          const out = floatData(
            (await runSession(session, { ...feeds, [LESION_INPUT]: a, [LESION_NEXT]: z }))[model.outputName]!,
            group.length * n * outputs,
          );
          for (const [g, l] of group.entries()) logits[l]!.set(out.subarray(g * n * outputs, (g + 1) * n * outputs), start * outputs);
        }
        finished(group.length);
      }
    }
    return { outputs, logits };
  }

  async function dispose() {
    cache = null;
    const all = [...engines.values()];
    engines.clear();
    await Promise.all(all.map((p) => p.then((e) => (e.kind === 'none' ? undefined : e.session.release())).catch(() => undefined)));
  }

  return { runLesions, dispose };
}
