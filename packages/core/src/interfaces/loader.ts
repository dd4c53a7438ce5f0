import type { Network } from '../network.js';
import type { Evaluator } from './evaluator.js';

export interface LoadOptions {
  /** Name for reports; defaults to the file name. */
  name?: string;
}

export interface LoadedModel {
  network: Network;
  /** Format id of the loader that produced it, e.g. `onnx`. */
  format: string;
  /** An evaluator bound to this model, in the loader's native engine. */
  createEvaluator(): Promise<Evaluator>;
}

/**
 * A model loader is a router: asked whether it can load a source, it answers without loading; then it
 * loads. Registries ask each loader in turn.
 */
export interface ModelLoader {
  readonly specificationVersion: 'v1';
  /** Format id, e.g. `onnx`, `tfjs-layers`. */
  readonly name: string;
  canLoad(path: string): boolean | Promise<boolean>;
  load(path: string, options?: LoadOptions): Promise<LoadedModel>;
}
