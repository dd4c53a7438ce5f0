import * as tf from '@tensorflow/tfjs';
import { CorruptFileError, ModscopeError, type Network } from '@modscope/core';
import { fromTfjsModel, registerModscopeLayers, selectBackend, type BackendName } from '@modscope/tfjs-runtime';

/**
 * The first line of a tfjs error, as a user can read it: tfjs prints an object it did not expect as
 * `[object Object]` (e.g. "Received: [{},1] including a non-integer number [object Object]").
 */
function tfjsWords(error: unknown): string {
  const first = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
  return first.replaceAll('[object Object]', 'an object');
}

/**
 * Where the weights manifest and the topology part ways, found by building the topology alone (only after
 * tfjs failed to load, so a good model is built once): the first weight a layer declares that the manifest
 * lacks or gives another shape, or a manifest entry no layer declares. Undefined when they agree.
 */
async function weightMismatch(artifacts: tf.io.ModelArtifacts): Promise<string | undefined> {
  let bare: tf.LayersModel;
  try {
    bare = await tf.models.modelFromJSON({ modelTopology: artifacts.modelTopology as tf.io.ModelJSON['modelTopology'] });
  } catch {
    return undefined;
  }
  try {
    // tfjs also matches a manifest name with a cell name dropped (`layer/cell/kernel` for `layer/kernel`).
    const specs = new Map<string, tf.io.WeightsManifestEntry>();
    for (const spec of artifacts.weightSpecs ?? []) {
      const parts = spec.name.split('/');
      specs.set(spec.name, spec);
      if (parts.length > 2) specs.set([...parts.slice(0, -2), parts[parts.length - 1]].join('/'), spec);
    }
    const declared = new Set<tf.io.WeightsManifestEntry>();
    for (const layer of bare.layers) {
      for (const weight of layer.weights) {
        const spec = specs.get(weight.originalName);
        const owner = `layer '${layer.name}' (${layer.getClassName()})`;
        if (!spec) return `${owner} has no weight '${weight.originalName}' in weightsManifest`;
        if (spec.shape.join(',') !== weight.shape.join(','))
          return `weight '${spec.name}' of ${owner} is [${spec.shape.join(', ')}] in weightsManifest, but the layer needs [${weight.shape.join(', ')}]`;
        declared.add(spec);
      }
    }
    const extra = (artifacts.weightSpecs ?? []).find((spec) => !declared.has(spec));
    return extra ? `weightsManifest lists '${extra.name}', which no layer of the topology has` : undefined;
  } finally {
    bare.dispose();
  }
}

/**
 * Builds the LayersModel a model.json describes with tfjs (on the selected backend, modscope's own layer
 * classes registered) and converts it to a network; tfjs failures become a `CorruptFileError` naming the
 * file, and the weight a mismatched manifest lacks where that is the cause.
 */
export async function loadLayersNetwork(
  artifacts: tf.io.ModelArtifacts,
  modelJsonPath: string,
  name: string,
  backend: BackendName | 'auto' | undefined,
): Promise<Network> {
  await selectBackend(backend ? { backend } : {});
  registerModscopeLayers();
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    if (ModscopeError.isInstance(error)) throw error;
    const mismatch = await weightMismatch(artifacts);
    throw new CorruptFileError({
      path: modelJsonPath,
      format: 'TF.js LayersModel',
      reason: mismatch ?? `tfjs could not build the model (${tfjsWords(error)})`,
      ...(mismatch
        ? {
            hint: 'The weights manifest does not match the topology (the model.json was edited, or its weights belong to another model); save the model again, e.g. with saveTfjsModel of @modscope/tfjs-runtime.',
          }
        : {}),
      cause: error,
    });
  }
  try {
    return fromTfjsModel(model, { name, path: modelJsonPath });
  } finally {
    model.dispose();
  }
}
