import { z } from 'zod';
import { CorruptFileError } from '@modscope/core';

// Each schema's `error` is what the value should have been; `modelJsonProblem` words the issue.
const nonNegativeInteger = 'a non-negative integer';
const dimension = z.number({ error: nonNegativeInteger }).int({ error: nonNegativeInteger }).nonnegative({ error: nonNegativeInteger });

/** The weight dtypes modscope reads; tfjs dequantizes the quantized ones when it builds the model. */
const weightDtypes = ['float32', 'int32'] as const;
const quantizedDtypes = ['uint8', 'uint16', 'float16'] as const;

const weightEntry = z.looseObject(
  {
    name: z.string({ error: 'a weight name' }).min(1, { error: 'a weight name' }),
    shape: z.array(dimension, { error: 'a list of non-negative integers' }),
    dtype: z.enum(weightDtypes, { error: "'float32' or 'int32'" }),
    quantization: z.optional(
      z.looseObject(
        { dtype: z.enum(quantizedDtypes, { error: "'uint8', 'uint16' or 'float16'" }) },
        { error: 'an object with the quantized dtype' },
      ),
    ),
  },
  { error: 'an object with name, shape and dtype' },
);

const weightGroup = z.looseObject(
  {
    paths: z.array(z.string({ error: 'a file name' }).min(1, { error: 'a file name' }), { error: 'a list of shard file names' }),
    weights: z.array(weightEntry, { error: 'a list of weight entries' }),
  },
  { error: 'an object with paths and weights' },
);

const modelJson = z.looseObject(
  {
    format: z.optional(z.literal('layers-model', { error: "'layers-model' (modscope reads TF.js LayersModels, not graph models)" })),
    modelTopology: z.looseObject({}, { error: 'an object (the Keras model config)' }),
    weightsManifest: z.array(weightGroup, { error: 'a list of weight groups' }),
  },
  { error: 'an object with modelTopology and weightsManifest' },
);

const layer = z.looseObject(
  {
    class_name: z.string({ error: 'a layer class name' }),
    config: z.optional(z.looseObject({ name: z.optional(z.string({ error: 'a layer name' })) }, { error: 'an object' })),
  },
  { error: 'a layer (an object with class_name and config)' },
);
const layerList = z.array(layer, { error: 'a list of layers' });

export type WeightGroup = z.infer<typeof weightGroup>;
export type WeightEntry = z.infer<typeof weightEntry>;
type TopologyLayer = z.infer<typeof layer>;

export interface CheckedModelJson {
  /** The parsed model.json, every field kept. */
  json: Record<string, unknown> & z.infer<typeof modelJson>;
  /** The topology's layers, from `config` or `config.layers`, under `model_config` when there is one. */
  layers: TopologyLayer[];
}

type Path = readonly PropertyKey[];

function valueAt(root: unknown, path: Path): unknown {
  let value = root;
  for (const key of path) value = typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** `weightsManifest[0].weights[3] ('dense/kernel').shape`: indices, and the name of each named element. */
function where(root: unknown, path: Path): string {
  let text = '';
  for (let k = 0; k < path.length; k++) {
    const key = path[k]!;
    if (typeof key === 'number') {
      text += `[${key}]`;
      const element = valueAt(root, path.slice(0, k + 1)) as { name?: unknown; config?: { name?: unknown } } | undefined;
      const name = element?.name ?? element?.config?.name;
      if (typeof name === 'string') text += ` ('${name}')`;
    } else text += text ? `.${String(key)}` : String(key);
  }
  return text;
}

/** One line for the first thing wrong: what is missing, or what a field holds and what it should hold. */
function problem(root: unknown, path: Path, expected: string): string {
  const value = valueAt(root, path);
  if (path.length === 0) return `the JSON is ${show(value)}, expected ${expected}`;
  if (value === undefined) {
    const parent = path.slice(0, -1);
    return `${parent.length > 0 ? where(root, parent) : 'it'} has no ${String(path[path.length - 1])}`;
  }
  return `${where(root, path)} is ${show(value)}, expected ${expected}`;
}

function check<T>(schema: z.ZodType<T>, root: unknown, path: Path, modelJsonPath: string): T {
  const result = schema.safeParse(valueAt(root, path));
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new CorruptFileError({
    path: modelJsonPath,
    format: 'TF.js model.json',
    reason: problem(root, [...path, ...issue.path], issue.message),
    hint: 'Save the model again with `model.save(...)` or tensorflowjs_converter --output_format tfjs_layers_model.',
  });
}

/**
 * Checks a parsed model.json against what modscope reads: a LayersModel with a topology whose layers each
 * have a class name, and a weights manifest whose groups list shard file names and weight entries with a
 * name, a shape of non-negative integers and a float32 or int32 dtype (optionally quantized). Throws a
 * `CorruptFileError` naming the first field that is wrong and what it holds.
 */
export function checkModelJson(json: unknown, modelJsonPath: string): CheckedModelJson {
  const checked = check(modelJson, json, [], modelJsonPath);
  const topology = checked.modelTopology as Record<string, unknown>;
  const rootPath = 'model_config' in topology ? ['modelTopology', 'model_config'] : ['modelTopology'];
  check(z.looseObject({}, { error: 'an object (the Keras model config)' }), json, rootPath, modelJsonPath);
  const config = valueAt(json, [...rootPath, 'config']);
  const layersPath = Array.isArray(config) ? [...rootPath, 'config'] : [...rootPath, 'config', 'layers'];
  if (!Array.isArray(config))
    check(z.looseObject({}, { error: 'an object with a layers list' }), json, [...rootPath, 'config'], modelJsonPath);
  const layers = check(layerList, json, layersPath, modelJsonPath);
  return { json: checked as CheckedModelJson['json'], layers };
}
