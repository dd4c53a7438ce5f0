import * as tf from '@tensorflow/tfjs';
import { CorruptFileError, ModscopeError, type Network } from '@modscope/core';
import { fromTfjsModel, selectBackend, type BackendName } from '@modscope/tfjs-runtime';

/**
 * The first line of a tfjs error, as a user can read it: tfjs prints an object it did not expect as
 * `[object Object]` (e.g. "Received: [{},1] including a non-integer number [object Object]").
 */
function tfjsWords(error: unknown): string {
  const first = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
  return first.replaceAll('[object Object]', 'an object');
}

/**
 * Builds the LayersModel a model.json describes with tfjs (on the selected backend) and converts it to a
 * network; tfjs failures become a `CorruptFileError` naming the file.
 */
export async function loadLayersNetwork(
  artifacts: tf.io.ModelArtifacts,
  modelJsonPath: string,
  name: string,
  backend: BackendName | 'auto' | undefined,
): Promise<Network> {
  await selectBackend(backend ? { backend } : {});
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    if (ModscopeError.isInstance(error)) throw error;
    throw new CorruptFileError({
      path: modelJsonPath,
      format: 'TF.js LayersModel',
      reason: `tfjs could not build the model (${tfjsWords(error)})`,
      cause: error,
    });
  }
  try {
    return fromTfjsModel(model, { name, path: modelJsonPath });
  } finally {
    model.dispose();
  }
}
