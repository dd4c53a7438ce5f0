import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UnsupportedOpError, type LoadedModel, type LoadOptions, type ModelLoader } from '@modscope/core';
import { readModelArtifacts } from './read-model-artifacts.js';
import { createTfjsEvaluator } from './tfjs-evaluator.js';
import type { TfjsEvaluatorOptions } from './tfjs-evaluator-options.js';

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
  // language models (toTfjsModel of @modscope/tfjs-runtime)
  'LayerNormalization',
  'ModscopeTokenPositionEmbedding',
  'ModscopeCausalSelfAttention',
  'ModscopeGeluTanh',
];

/** What to do about a layer class modscope does not read. */
function unknownClassHint(className: string): string {
  if (className.startsWith('Modscope'))
    return `'${className}' is not a layer this version of @modscope/loader-tfjs knows; upgrade @modscope/loader-tfjs to the version of modscope that saved the model.`;
  return `modscope reads TF.js layers of the classes ${supportedLayerClasses.join(', ')}; re-export the model with only those, or open an issue naming '${className}'.`;
}

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
      throw new UnsupportedOpError({ op: className, node: layer.config?.name ?? '?', format: 'TF.js', hint: unknownClassHint(className) });
    }
  }
}

/**
 * Claims a directory holding a model.json, a file named model.json, or a .json file that mentions
 * modelTopology or weightsManifest, whether or not its JSON is valid: `load` then says what is wrong with
 * it (a syntax error with its line and column, a missing field) instead of a registry saying that no
 * loader can handle the path.
 */
async function looksLikeModelJson(path: string): Promise<boolean> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) return (await stat(join(path, 'model.json'))).isFile();
    if (!info.isFile() || !path.toLowerCase().endsWith('.json')) return false;
    if (basename(path).toLowerCase() === 'model.json') return true;
    const text = await readFile(path, 'utf8');
    return text.includes('"modelTopology"') || text.includes('"weightsManifest"');
  } catch {
    return false;
  }
}

/**
 * A `ModelLoader` for TF.js LayersModels: a `model.json` (or a directory holding one) with its weight
 * shards, read with node:fs. Loaded models evaluate with `createTfjsEvaluator` on the selected backend.
 * Importing it and `canLoad` cost no tfjs start-up: tfjs is imported by the first `load`.
 */
export function createTfjsLoader(options: TfjsLoaderOptions = {}): ModelLoader {
  return {
    specificationVersion: 'v1',
    name: 'tfjs-layers',
    canLoad: looksLikeModelJson,
    async load(path: string, loadOptions: LoadOptions = {}): Promise<LoadedModel> {
      const { modelJsonPath, artifacts } = await readModelArtifacts(path);
      checkLayerClasses(artifacts.modelTopology);
      const name =
        loadOptions.name ??
        (basename(modelJsonPath) === 'model.json' ? basename(dirname(modelJsonPath)) : basename(modelJsonPath, '.json'));
      const { loadLayersNetwork } = await import('./load-layers-network.js');
      const network = await loadLayersNetwork(artifacts, modelJsonPath, name, options.evaluator?.backend);
      return { network, format: 'tfjs-layers', createEvaluator: () => createTfjsEvaluator(network, options.evaluator) };
    },
  };
}

/** The TF.js loader with default options. */
export const tfjsLoader: ModelLoader = createTfjsLoader();
