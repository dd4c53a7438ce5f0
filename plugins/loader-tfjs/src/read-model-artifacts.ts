import { readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep, win32 } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { CorruptFileError, MissingFileError } from '@modscope/core';
import { findJsonSyntaxError } from './json-syntax-error.js';
import type { WeightEntry, WeightGroup } from './model-json-schema.js';

const format = 'TF.js model.json';
const resave = 'Save the model again with `model.save(...)` or tensorflowjs_converter --output_format tfjs_layers_model.';

const bytesPerElement: Record<string, number> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2 };

export interface ModelArtifactsFile {
  /** Absolute path of the model.json. */
  modelJsonPath: string;
  artifacts: tf.io.ModelArtifacts;
}

async function isFile(path: string): Promise<boolean | null> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return null;
  }
}

/** The model.json a path names: the file itself, or `model.json` inside a directory. */
async function resolveModelJson(path: string): Promise<string> {
  const kind = await isFile(path);
  if (kind === null)
    throw new MissingFileError({ path, what: 'TF.js model', hint: 'Pass the path of a model.json, or of the directory holding it.' });
  if (kind) return resolve(path);
  const inside = join(path, 'model.json');
  if ((await isFile(inside)) !== true) {
    throw new MissingFileError({
      path: inside,
      what: 'TF.js model.json',
      hint: `The directory ${path} has no model.json; pass the model.json path itself if it has another name.`,
    });
  }
  return resolve(inside);
}

/**
 * Parses a model.json's text; a syntax error is reported with its line and column. A UTF-8 byte order
 * mark is skipped, as browsers' `Response.json()` (and so tfjs's own loaders) skip it.
 */
function parseJson(text: string, modelJsonPath: string): unknown {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (error) {
    const found = findJsonSyntaxError(body);
    throw new CorruptFileError({
      path: modelJsonPath,
      format: 'JSON',
      reason: found ? `${found.what} at line ${found.line} column ${found.column}` : (error as Error).message,
      hint: `The file is cut short or was edited by hand. ${resave}`,
      cause: error,
    });
  }
}

function expectedBytes(spec: WeightEntry): number {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  return n * bytesPerElement[spec.quantization?.dtype ?? spec.dtype]!;
}

/** Each group's shard paths, refused (before any file is opened) when one leads out of `directory`. */
function confineShardPaths(manifest: readonly WeightGroup[], directory: string, modelJsonPath: string): string[][] {
  return manifest.map((group, g) =>
    group.paths.map((shard, p) => {
      const refuse = (problem: string) =>
        new CorruptFileError({
          path: modelJsonPath,
          format,
          reason: `weightsManifest[${g}].paths[${p}] ('${shard}') ${problem}`,
          hint: "modscope reads weight shards only from the model's directory and below it; put the shards there and list them by relative path.",
        });
      if (shard.includes('\0')) throw refuse('contains a NUL character');
      if (isAbsolute(shard) || win32.isAbsolute(shard))
        throw refuse(`is an absolute path, not one relative to the model's directory ${directory}`);
      const full = resolve(directory, shard);
      const inside = relative(directory, full);
      if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside))
        throw refuse(`leads outside the model's directory ${directory}`);
      return full;
    }),
  );
}

/** The real path and size of a confined shard; a missing one, one that is not a file, or a link out of the directory is refused. */
async function statShard(
  full: string,
  shard: string,
  where: string,
  realDirectory: string,
  modelJsonPath: string,
): Promise<{ real: string; size: number }> {
  let real: string;
  try {
    real = await realpath(full);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
    throw new MissingFileError({
      path: full,
      what: `Weight shard '${shard}' of ${basename(modelJsonPath)}`,
      hint: `${modelJsonPath} lists it in weightsManifest; copy every shard next to the model.json.`,
    });
  }
  if (!real.startsWith(realDirectory.endsWith(sep) ? realDirectory : realDirectory + sep)) {
    throw new CorruptFileError({
      path: modelJsonPath,
      format,
      reason: `${where} ('${shard}') is a link to ${real}, outside the model's directory ${realDirectory}`,
      hint: "modscope reads weight shards only from the model's directory and below it; copy the shard there instead of linking it.",
    });
  }
  const info = await stat(real);
  if (!info.isFile())
    throw new CorruptFileError({ path: modelJsonPath, format, reason: `${where} ('${shard}') is not a file`, hint: resave });
  return { real, size: info.size };
}

/** One line naming the weight where the shards' bytes and the manifest part ways, with both sizes. */
function sizeMismatch(group: WeightGroup, g: number, got: number): string {
  const shards = group.paths.length === 1 ? `shard ${group.paths[0]} holds` : `shards ${group.paths.join(', ')} hold`;
  const want = group.weights.reduce((a, spec) => a + expectedBytes(spec), 0);
  let offset = 0;
  for (const spec of group.weights) {
    const bytes = expectedBytes(spec);
    if (offset + bytes > got) {
      const dtype = spec.quantization ? `${spec.dtype} quantized to ${spec.quantization.dtype}` : spec.dtype;
      return `weightsManifest[${g}]: weight '${spec.name}' ([${spec.shape.join(', ')}] ${dtype}) needs ${bytes} bytes from byte ${offset}, but the ${shards} ${got} bytes (the group's ${group.weights.length} weights need ${want})`;
    }
    offset += bytes;
  }
  const last = group.weights[group.weights.length - 1];
  return `weightsManifest[${g}]: the ${shards} ${got} bytes, ${got - want} more than the ${want} bytes its ${group.weights.length} weights need${last ? ` (the last is '${last.name}')` : ''}`;
}

/**
 * Reads a TF.js LayersModel (model.json and its weight shards) from disk with node:fs. The JSON is parsed
 * (a syntax error names its line and column) and checked against what modscope reads (`checkModelJson`);
 * every shard path must lead to a file inside the model's directory, checked before any shard is opened;
 * the shards must hold exactly the bytes the manifest describes.
 */
export async function readModelArtifacts(path: string): Promise<ModelArtifactsFile> {
  const modelJsonPath = await resolveModelJson(path);
  const parsed = parseJson(await readFile(modelJsonPath, 'utf8'), modelJsonPath);
  // zod is imported here, not with the package: routing a path with canLoad stays cheap
  const { checkModelJson } = await import('./model-json-schema.js');
  const { json } = checkModelJson(parsed, modelJsonPath);
  const manifest = json.weightsManifest;
  const directory = dirname(modelJsonPath);
  const shardPaths = confineShardPaths(manifest, directory, modelJsonPath);
  const realDirectory = await realpath(directory);
  const realPaths: string[] = [];
  for (const [g, group] of manifest.entries()) {
    let got = 0;
    for (const [p, full] of shardPaths[g]!.entries()) {
      const shard = await statShard(full, group.paths[p]!, `weightsManifest[${g}].paths[${p}]`, realDirectory, modelJsonPath);
      realPaths.push(shard.real);
      got += shard.size;
    }
    const want = group.weights.reduce((a, spec) => a + expectedBytes(spec), 0);
    if (got !== want) {
      throw new CorruptFileError({
        path: shardPaths[g]![shardPaths[g]!.length - 1] ?? modelJsonPath,
        format: 'TF.js weight shard',
        reason: sizeMismatch(group, g, got),
        hint: 'A shard is truncated or belongs to another model; copy the shards again or re-save the model.',
      });
    }
  }
  const weightSpecs = manifest.flatMap((group) => group.weights) as tf.io.WeightsManifestEntry[];
  const buffers = await Promise.all(realPaths.map((real) => readFile(real)));
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
    format: json.format,
    generatedBy: json.generatedBy as string | undefined,
    convertedBy: json.convertedBy as string | null | undefined,
    ...(json.trainingConfig ? { trainingConfig: json.trainingConfig as tf.io.TrainingConfig } : {}),
    ...(json.userDefinedMetadata ? { userDefinedMetadata: json.userDefinedMetadata as Record<string, unknown> } : {}),
  } as tf.io.ModelArtifacts;
  return { modelJsonPath, artifacts };
}
