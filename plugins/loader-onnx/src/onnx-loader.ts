import type { LoadedModel, LoadOptions, ModelLoader } from '@modscope/core';
import { decodeOnnxModel } from './decode-onnx-model.js';
import { evaluatorForBoundModel, type OnnxEvaluatorOptions } from './onnx-evaluator.js';
import { onnxToNetwork } from './onnx-to-network.js';
import { readModelFile } from './read-model-file.js';

export interface OnnxLoaderOptions {
  /** Options of the evaluators that loaded models create (batch size, session cache, session options). */
  evaluator?: OnnxEvaluatorOptions;
}

/**
 * A `ModelLoader` for `.onnx` files: the network representation of the model, and evaluators running it
 * with onnxruntime-node.
 */
export function createOnnxLoader(options: OnnxLoaderOptions = {}): ModelLoader {
  return {
    specificationVersion: 'v1',
    name: 'onnx',
    canLoad: (path) => path.toLowerCase().endsWith('.onnx'),
    async load(path: string, loadOptions: LoadOptions = {}): Promise<LoadedModel> {
      const bytes = await readModelFile(path);
      const bound = onnxToNetwork(decodeOnnxModel(bytes, path), { path, ...(loadOptions.name ? { name: loadOptions.name } : {}) });
      return {
        network: bound.network,
        format: 'onnx',
        createEvaluator: async () => evaluatorForBoundModel(bound, options.evaluator),
      };
    },
  };
}

/** The ONNX loader with default options. */
export const onnxLoader: ModelLoader = createOnnxLoader();
