import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CorruptFileError, ModscopeError, UnsupportedOpError, type LoadedModel, type LoadOptions, type ModelLoader } from '@modscope/core';
import { fromTfjsModel } from './from-tfjs-model.js';
import { parseModelJson, readModelArtifacts } from './read-model-artifacts.js';
import { selectBackend } from './select-backend.js';
import { createTfjsEvaluator, type TfjsEvaluatorOptions } from './tfjs-evaluator.js';

export interface TfjsLoaderOptions {
  /** Options of the evaluators that loaded models create (batch size, backend). */
  evaluator?: TfjsEvaluatorOptions;
}

/** Layer classes `fromTfjsModel` converts. */
export const supportedLayerClasses: readonly string[] = [
  'InputLayer',
  'Dense',
  'Conv2D',
  'DepthwiseConv2D',
  'BatchNormalization',
  'Activation',
  'ReLU',
  'LeakyReLU',
  'Softmax',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'Flatten',
  'Reshape',
  'Add',
  'Dropout',
  'SpatialDropout2D',
  'GaussianDropout',
  'AlphaDropout',
  'GaussianNoise',
  'ZeroPadding2D',
  'Permute',
];

interface TopologyLayer {
  class_name?: string;
  config?: { name?: string };
}

/** Fails fast, before tfjs builds anything, on a layer class modscope cannot represent. */
function checkLayerClasses(topology: unknown): void {
  const root = (topology as { model_config?: unknown }).model_config ?? topology;
  const config = (root as { config?: unknown }).config;
  const layers = (Array.isArray(config) ? config : (config as { layers?: unknown } | undefined)?.layers) as TopologyLayer[] | undefined;
  for (const layer of layers ?? []) {
    const className = layer.class_name ?? 'unknown';
    if (!supportedLayerClasses.includes(className)) {
      throw new UnsupportedOpError({ op: className, node: layer.config?.name ?? '?', format: 'TF.js' });
    }
  }
}

async function looksLikeModelJson(path: string): Promise<boolean> {
  try {
    const info = await stat(path);
    const file = info.isDirectory() ? join(path, 'model.json') : path;
    if (!file.toLowerCase().endsWith('.json')) return false;
    return 'json' in parseModelJson(await readFile(file, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * A `ModelLoader` for TF.js LayersModels: a `model.json` (or a directory holding one) with its weight
 * shards, read with node:fs. Loaded models evaluate with `createTfjsEvaluator` on the selected backend.
 */
export function createTfjsLoader(options: TfjsLoaderOptions = {}): ModelLoader {
  return {
    specificationVersion: 'v1',
    name: 'tfjs-layers',
    canLoad: looksLikeModelJson,
    async load(path: string, loadOptions: LoadOptions = {}): Promise<LoadedModel> {
      const { modelJsonPath, artifacts } = await readModelArtifacts(path);
      checkLayerClasses(artifacts.modelTopology);
      await selectBackend(options.evaluator?.backend ? { backend: options.evaluator.backend } : {});
      let model: tf.LayersModel;
      try {
        model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
      } catch (error) {
        if (ModscopeError.isInstance(error)) throw error;
        throw new CorruptFileError({
          path: modelJsonPath,
          format: 'TF.js LayersModel',
          reason: `tfjs could not build the model (${(error as Error).message.split('\n')[0]})`,
          cause: error,
        });
      }
      try {
        const name =
          loadOptions.name ??
          (basename(modelJsonPath) === 'model.json' ? basename(dirname(modelJsonPath)) : basename(modelJsonPath, '.json'));
        const network = fromTfjsModel(model, { name, path: modelJsonPath });
        return { network, format: 'tfjs-layers', createEvaluator: () => createTfjsEvaluator(network, options.evaluator) };
      } finally {
        model.dispose();
      }
    },
  };
}

/** The TF.js loader with default options. */
export const tfjsLoader: ModelLoader = createTfjsLoader();
