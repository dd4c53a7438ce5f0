import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { CorruptFileError, MissingFileError } from '@modscope/core';

const format = 'TF.js model.json';

const bytesPerElement: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, float16: 2, uint16: 2, complex64: 8 };

export interface ModelArtifactsFile {
  /** Absolute path of the model.json. */
  modelJsonPath: string;
  artifacts: tf.io.ModelArtifacts;
}

async function isDirectory(path: string): Promise<boolean | null> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return null;
  }
}

/** The model.json a path names: the file itself, or `model.json` inside a directory. */
async function resolveModelJson(path: string): Promise<string> {
  const kind = await isDirectory(path);
  if (kind === null)
    throw new MissingFileError({ path, what: 'TF.js model', hint: 'Pass the path of a model.json, or of the directory holding it.' });
  if (!kind) return resolve(path);
  const inside = join(path, 'model.json');
  if ((await isDirectory(inside)) === null) {
    throw new MissingFileError({
      path: inside,
      what: 'TF.js model.json',
      hint: `The directory ${path} has no model.json; pass the model.json path itself if it has another name.`,
    });
  }
  return resolve(inside);
}

/** Parses a model.json's text, or returns the reason it is not one. */
export function parseModelJson(text: string): { json: Record<string, unknown> } | { reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { reason: `invalid JSON (${(error as Error).message})` };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { reason: 'the JSON is not an object' };
  const record = json as Record<string, unknown>;
  if (typeof record.modelTopology !== 'object' || record.modelTopology === null) return { reason: "it has no 'modelTopology'" };
  if (!Array.isArray(record.weightsManifest)) return { reason: "it has no 'weightsManifest' list" };
  return { json: record };
}

function expectedBytes(spec: tf.io.WeightsManifestEntry): number {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  if (spec.quantization) return n * (bytesPerElement[spec.quantization.dtype] ?? 4);
  return n * (bytesPerElement[spec.dtype] ?? 4);
}

/**
 * Reads a TF.js LayersModel (model.json and its weight shards) from disk with node:fs, checking that every
 * shard exists and that the shards hold exactly the bytes the manifest describes.
 */
export async function readModelArtifacts(path: string): Promise<ModelArtifactsFile> {
  const modelJsonPath = await resolveModelJson(path);
  const parsed = parseModelJson(await readFile(modelJsonPath, 'utf8'));
  if ('reason' in parsed) {
    throw new CorruptFileError({
      path: modelJsonPath,
      format,
      reason: parsed.reason,
      hint: 'Save the model again with `model.save(...)` or tensorflowjs_converter --output_format tfjs_layers_model.',
    });
  }
  const json = parsed.json;
  const manifest = json.weightsManifest as tf.io.WeightsManifestConfig;
  const directory = dirname(modelJsonPath);
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  for (const [g, group] of manifest.entries()) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group.weights)) {
      throw new CorruptFileError({ path: modelJsonPath, format, reason: `weightsManifest[${g}] has no 'paths' and 'weights' lists` });
    }
    const shards: Uint8Array[] = [];
    for (const shard of group.paths) {
      const shardPath = join(directory, shard);
      try {
        shards.push(await readFile(shardPath));
      } catch (error) {
        if ((error as { code?: string }).code !== 'ENOENT') throw error;
        throw new MissingFileError({
          path: shardPath,
          what: `Weight shard '${shard}' of ${basename(modelJsonPath)}`,
          hint: `${modelJsonPath} lists it in weightsManifest; copy every shard next to the model.json.`,
        });
      }
    }
    const got = shards.reduce((a, s) => a + s.byteLength, 0);
    const want = group.weights.reduce((a, spec) => a + expectedBytes(spec), 0);
    if (got !== want) {
      throw new CorruptFileError({
        path: join(directory, group.paths.join(', ')),
        format: 'TF.js weight shard',
        reason: `the shards hold ${got} bytes but ${basename(modelJsonPath)} describes ${want} bytes of weights (${group.weights.length} tensors)`,
        hint: 'A shard is truncated or belongs to another model; copy the shards again or re-save the model.',
      });
    }
    weightSpecs.push(...group.weights);
    buffers.push(...shards);
  }
  const weightData = new Uint8Array(buffers.reduce((a, s) => a + s.byteLength, 0));
  let offset = 0;
  for (const b of buffers) {
    weightData.set(b, offset);
    offset += b.byteLength;
  }
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs,
    weightData: weightData.buffer,
    format: json.format as string | undefined,
    generatedBy: json.generatedBy as string | undefined,
    convertedBy: json.convertedBy as string | null | undefined,
    ...(json.trainingConfig ? { trainingConfig: json.trainingConfig as tf.io.TrainingConfig } : {}),
    ...(json.userDefinedMetadata ? { userDefinedMetadata: json.userDefinedMetadata as Record<string, unknown> } : {}),
  } as tf.io.ModelArtifacts;
  return { modelJsonPath, artifacts };
}
