import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ModscopeError, type Network } from '@modscope/core';
import { networkToOnnx } from '@modscope/loader-onnx';
import { saveTfjsModel } from '@modscope/tfjs-runtime';
import { toChannelsFirst } from './to-channels-first.js';

export interface SaveCheckpointOptions {
  /** (boolean, default true) — also write `model.onnx`. */
  onnx?: boolean;
}

export interface Checkpoint {
  /** Absolute path of the directory. */
  dir: string;
  /** `model.json` and its `weights.bin` (TF.js LayersModel, loads with `tf.loadLayersModel` and modscope's loader). */
  modelJson: string;
  weights: string;
  /** `model.onnx`, or null where it was not written (see `onnxNote`). */
  onnx: string | null;
  /** How the ONNX file relates to the network (converted to channels-first), or why it was skipped. */
  onnxNote?: string;
}

/**
 * Writes a network as a TF.js model (`model.json` + `weights.bin`, in its own layout) and as `model.onnx`,
 * so every modscope command can load it. ONNX is channels-first: an `nhwc` network is converted with
 * `toChannelsFirst` (same function; the ONNX input is `[c, h, w]`), and where that conversion is not
 * possible the ONNX file is skipped with the reason in `onnxNote`.
 */
export async function saveCheckpoint(network: Network, dir: string, options: SaveCheckpointOptions = {}): Promise<Checkpoint> {
  const directory = resolve(dir);
  const saved = await saveTfjsModel(network, directory);
  const result: Checkpoint = { dir: directory, modelJson: saved.modelJsonPath, weights: saved.weightsPath, onnx: null };
  if (options.onnx === false) return result;
  let exported = network;
  if (network.layout === 'nhwc') {
    try {
      exported = toChannelsFirst(network);
      result.onnxNote = 'converted from nhwc to nchw: the ONNX input is [c, h, w]';
    } catch (error) {
      if (!ModscopeError.isInstance(error)) throw error;
      result.onnxNote = `skipped: ${error.message}`;
      return result;
    }
  }
  const onnx = join(directory, 'model.onnx');
  await writeFile(onnx, networkToOnnx(exported));
  result.onnx = onnx;
  return result;
}
