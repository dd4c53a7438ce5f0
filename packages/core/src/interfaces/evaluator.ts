import type { Network } from '../network.js';

/** Replacement weights for one layer, used for one evaluation without touching the network. */
export interface WeightEdit {
  /** Id of a dense or conv2d layer. */
  layer: string;
  /** New kernel, same length and layout as the layer's. */
  kernel?: Float32Array;
  /** New bias, one value per unit. */
  bias?: Float32Array;
}

/**
 * Multiplies each unit (or channel) of a layer's output by a factor: 0 silences it, 1 keeps it. Applied to
 * the named layer's output, so masking an activation layer masks post-activation values.
 */
export interface UnitMask {
  layer: string;
  /** One factor per unit of the layer. */
  mask: Float32Array;
}

/** A layer's output for a batch: `[count, ...outputShape]`. */
export interface Activations {
  data: Float32Array;
  shape: number[];
}

export interface EvaluateRequest {
  /** `count × inputSize` values in the network's declared input shape (see `prepareInputs`). */
  inputs: Float32Array;
  count: number;
  edits?: readonly WeightEdit[];
  masks?: readonly UnitMask[];
  /** Ids of layers whose outputs to return. */
  capture?: readonly string[];
  /** Examples per inference call; evaluators choose a default. */
  batchSize?: number;
  /** Called after each batch with the number of examples done. */
  onProgress?: (done: number, total: number) => void;
}

export interface EvaluateResult {
  /** The output layer's values, `count × outputs`. */
  logits: Float32Array;
  count: number;
  outputs: number;
  activations: Map<string, Activations>;
}

/** Many lesions of one layer, each evaluated on the same inputs. */
export interface LesionRequest {
  /** `count × inputSize` values in the network's declared input shape. */
  inputs: Float32Array;
  count: number;
  /** Id of the dense or conv2d layer whose units are silenced (see `unitLayers` and `lesionPoint`). */
  layer: string;
  /** One entry per lesion: the units of `layer` to silence together. */
  lesions: readonly Int32Array[];
  /** Examples per inference call; evaluators choose a default. */
  batchSize?: number;
  /** Called as lesions finish, with the number done. */
  onProgress?: (done: number, total: number) => void;
}

export interface LesionResult {
  outputs: number;
  /** One `count × outputs` array per lesion, in request order. */
  logits: Float32Array[];
}

/** Runs a network on inputs, optionally with weight edits, unit masks and captured activations. */
export interface Evaluator {
  readonly specificationVersion: 'v1';
  /** Which engine runs it, e.g. `onnxruntime-node (cpu)` or `tfjs (wasm)`. */
  readonly name: string;
  readonly network: Network;
  run(request: EvaluateRequest): Promise<EvaluateResult>;
  /**
   * Optional fast path for many lesions of one layer: the result must equal running each lesion as a
   * unit mask at `lesionPoint` (see `runLesions`, which falls back to exactly that when this is absent).
   * Engines may cache what the lesions do not change, such as the activations entering the layer.
   */
  runLesions?(request: LesionRequest): Promise<LesionResult>;
  dispose(): Promise<void>;
}
