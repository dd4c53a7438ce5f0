import * as tf from '@tensorflow/tfjs';
import { CorruptFileError, ModscopeError, type Network } from '@modscope/core';
import { fromTfjsModel, selectBackend, type BackendName } from '@modscope/tfjs-runtime';

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
      reason: `tfjs could not build the model (${(error as Error).message.split('\n')[0]})`,
      cause: error,
    });
  }
  try {
    return fromTfjsModel(model, { name, path: modelJsonPath });
  } finally {
    model.dispose();
  }
}
