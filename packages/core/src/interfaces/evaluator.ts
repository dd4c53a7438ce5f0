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

/** Runs a network on inputs, optionally with weight edits, unit masks and captured activations. */
export interface Evaluator {
  readonly specificationVersion: 'v1';
  /** Which engine runs it, e.g. `onnxruntime-node (cpu)` or `tfjs (wasm)`. */
  readonly name: string;
  readonly network: Network;
  run(request: EvaluateRequest): Promise<EvaluateResult>;
  dispose(): Promise<void>;
}
