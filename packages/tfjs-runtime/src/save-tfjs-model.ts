import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Network } from '@modscope/core';
import { toTfjsModel } from './to-tfjs-model.js';

export interface SavedTfjsModel {
  /** Absolute path of the written model.json. */
  modelJsonPath: string;
  /** Absolute path of the written weights.bin. */
  weightsPath: string;
  /** Bytes of weights written. */
  weightBytes: number;
}

function isNetwork(value: tf.LayersModel | Network): value is Network {
  return (value as Network).specificationVersion === 'v1' && Array.isArray((value as Network).layers);
}

/**
 * Writes a tfjs LayersModel (or a network, language models included, converted with `toTfjsModel`) as
 * `model.json` plus one `weights.bin` shard in `dir`, which is created if needed. The files load with the
 * loader of `@modscope/loader-tfjs` and with stock TF.js (`tf.loadLayersModel`, after
 * `registerModscopeLayers()` where the model uses modscope's layer classes).
 */
export async function saveTfjsModel(model: tf.LayersModel | Network, dir: string): Promise<SavedTfjsModel> {
  const owned = isNetwork(model);
  const tfModel = owned ? toTfjsModel(model) : model;
  const directory = resolve(dir);
  const modelJsonPath = join(directory, 'model.json');
  const weightsPath = join(directory, 'weights.bin');
  let weightBytes = 0;
  try {
    await mkdir(directory, { recursive: true });
    await tfModel.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
        weightBytes = weights.byteLength;
        const json = {
          modelTopology: artifacts.modelTopology,
          format: artifacts.format ?? 'layers-model',
          generatedBy: artifacts.generatedBy,
          convertedBy: artifacts.convertedBy ?? null,
          weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
          ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
          ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
        };
        await writeFile(weightsPath, new Uint8Array(weights));
        await writeFile(modelJsonPath, JSON.stringify(json));
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weightBytes } };
      }),
    );
  } finally {
    if (owned) tfModel.dispose();
  }
  return { modelJsonPath, weightsPath, weightBytes };
}
