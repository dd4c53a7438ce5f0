import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { InvalidArgumentError } from '@modscope/core';
import { KNOWN_DATASETS } from '@modscope/datasets';
import { isNullModel, NULL_MODELS, type NullModel } from '@modscope/graph';
import { z } from 'zod';

/** The analyses a sweep runs (`kind` of a manifest's analysis). */
export const SWEEP_ANALYSES: readonly string[] = Object.freeze(['cluster', 'lesion', 'excise']);

const MAX_SHUFFLES = 10_000;
const MAX_RANDOM_LESIONS = 10_000;
/** As `modscope excise`: most epochs and fine-tuning steps, far past any run a small machine finishes. */
const MAX_EPOCHS = 10_000;
const MAX_STEPS = 1_000_000;
/** The excision methods and baselines (`EXCISE_METHODS` of `@modscope/excision`, not imported: it loads the training stack). */
const EXCISE_METHODS = ['module', 'random', 'magnitude', 'selective', 'none'] as const;
/** A classifier's forget set, as `modscope excise --forget` reads it: `class:3` or `class:3,5`. */
const CLASS_SPEC = /^class:\s*\d+(\s*,\s*\d+)*$/;
const MAX_SEED = 2 ** 32 - 1;
/** Model and analysis names: they become file names (`<model>.<analysis>.seed<s>.json`). */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);
const fraction = z.number().min(0).lt(1);
const name = z.string().regex(NAME);

const clusterOptions = z
  .strictObject({
    k: int(1),
    shuffles: int(0, MAX_SHUFFLES),
    nulls: z
      .array(z.string().refine((s) => isNullModel(s)))
      .min(1)
      .refine((list) => new Set(list).size === list.length),
    prune: fraction,
    partitioner: z.string().min(1),
    norm: z.enum(['l1', 'l2']),
    includeDense: z.boolean(),
    // language models (method §9)
    view: z.enum(['residual', 'per-block']),
    attention: z.boolean(),
    block: int(0),
  })
  .partial();

const lesionOptions = z
  .strictObject({
    split: z.enum(['test', 'train']),
    limit: int(1),
    partition: z.enum(['weights', 'coactivation', 'coactivation-local']),
    k: int(1),
    prune: fraction,
    partitioner: z.string().min(1),
    measure: z.enum(['spearman', 'pearson']),
    random: int(1, MAX_RANDOM_LESIONS),
    top: int(1),
    mean: z.array(z.number()).min(1),
    std: z.array(z.number().positive()).min(1),
    batchSize: int(1),
  })
  .partial();

const method = z.enum(EXCISE_METHODS);
const methodList = z
  .array(method)
  .min(1)
  .refine((list) => new Set(list).size === list.length);

const exciseOptions = z.strictObject({
  forget: z.string().refine((s) => CLASS_SPEC.test(s.trim())),
  ...z
    .object({
      limit: int(1),
      trainLimit: int(1),
      partition: z.enum(['weights', 'coactivation', 'coactivation-local']),
      partitioner: z.string().min(1),
      k: int(1),
      budget: int(1),
      forgetTarget: z.number().min(0).max(1),
      finetuneSteps: int(0, MAX_STEPS),
      evaluateEvery: int(1),
      mask: z.enum(['held', 'released']),
      methods: methodList,
      neverTrainedEpochs: int(0, MAX_EPOCHS),
      relearn: z.array(int(1)),
      relearnSteps: int(1, MAX_STEPS),
      relearnMix: int(0),
      relearnFrom: z.union([z.literal('all'), methodList]),
      batchSize: int(1),
      learningRate: z.number().positive(),
    })
    .partial().shape,
});

const clusterAnalysis = z.strictObject({ kind: z.literal('cluster'), name: name.optional(), options: clusterOptions.default({}) });
const lesionAnalysis = z.strictObject({
  kind: z.literal('lesion'),
  name: name.optional(),
  data: z.string().refine((s) => KNOWN_DATASETS.includes(s)),
  options: lesionOptions.default({}),
});

const exciseAnalysis = z.strictObject({
  kind: z.literal('excise'),
  name: name.optional(),
  data: z.string().refine((s) => KNOWN_DATASETS.includes(s)),
  // prefault, not default: a missing options object is checked as {} (forget is then missing)
  options: exciseOptions.prefault({} as z.input<typeof exciseOptions>),
});

const ANALYSIS_SCHEMAS = { cluster: clusterAnalysis, lesion: lesionAnalysis, excise: exciseAnalysis } as const;
const OPTION_SCHEMAS = { cluster: clusterOptions, lesion: lesionOptions, excise: exciseOptions } as const;
type Kind = keyof typeof ANALYSIS_SCHEMAS;
const kindOf = (kind: unknown): Kind => (kind === 'lesion' || kind === 'excise' ? kind : 'cluster');

const topLevel = z.strictObject({
  models: z.array(z.union([z.string().min(1), z.strictObject({ name: z.string().min(1), path: z.string().min(1) })])).min(1),
  analyses: z.array(z.unknown()).min(1),
  seeds: z
    .array(int(0, MAX_SEED))
    .min(1)
    .refine((list) => new Set(list).size === list.length)
    .default([0]),
});

/** The options of a cluster analysis in a manifest: those of `modscope cluster` that make sense per entry. */
export type SweepClusterOptions = Omit<z.infer<typeof clusterOptions>, 'nulls'> & { nulls?: NullModel[] };
/** The options of a lesion analysis in a manifest: those of `modscope lesion` for a classifier, less files. */
export type SweepLesionOptions = z.infer<typeof lesionOptions>;
/**
 * The options of an excise analysis in a manifest: those of `modscope excise` for a classifier, less files
 * (`forget` a class spec, `class:3` or `class:3,5`; `neverTrainedEpochs: 0` skips the never-trained floor).
 */
export type SweepExciseOptions = z.infer<typeof exciseOptions>;

/** One analysis of a sweep: its kind, its name in entry names (default the kind), data and options. */
export type SweepAnalysis =
  | { kind: 'cluster'; name: string; options: SweepClusterOptions }
  | { kind: 'lesion'; name: string; data: string; options: SweepLesionOptions }
  | { kind: 'excise'; name: string; data: string; options: SweepExciseOptions };

export interface SweepModel {
  /** Its name in entry names (`<model>.<analysis>.seed<s>`). */
  name: string;
  /** Absolute path of the model file (or TF.js model.json / directory). */
  path: string;
  /**
   * The network's name in its results when the manifest names the model (`{ "name", "path" }`); otherwise
   * the loader's default (the file name, as `modscope cluster` and `lesion` write it).
   */
  network?: string;
}

/** A checked manifest: paths absolute, names unique, every analysis with its name. */
export interface SweepManifest {
  /** Absolute path of the manifest file, or undefined when parsed from a value. */
  file?: string;
  models: SweepModel[];
  analyses: SweepAnalysis[];
  seeds: number[];
}

/** One run of a sweep: a model, an analysis and a seed, named `<model>.<analysis>.seed<seed>`. */
export interface SweepEntry {
  name: string;
  model: SweepModel;
  analysis: SweepAnalysis;
  seed: number;
}

/**
 * A manifest that cannot run: `problems` holds one line per problem, each naming the field by its path in
 * the manifest (`analyses[1].options.shuffles`) and the fix.
 */
export class ManifestError extends InvalidArgumentError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[], source = 'the manifest') {
    super({ argument: 'manifest', message: problems.map((p) => `${source}: ${p}`).join('\n') });
    this.name = 'ManifestError';
    this.problems = problems;
  }
}

/** What a field must be, by its name (`name[]` for the elements of a list), as the fix of a problem. */
const WANTS: Record<string, string> = {
  models: 'a non-empty list of model paths, or of { "name", "path" }',
  'models[]': 'a model path (relative to the manifest), or { "name": "a-name", "path": "model.onnx" }',
  analyses: 'a non-empty list of analyses, e.g. [{ "kind": "cluster", "options": { "shuffles": 20 } }]',
  'analyses[]': 'an analysis, e.g. { "kind": "cluster", "options": { "shuffles": 20 } }',
  seeds: 'a non-empty list of distinct seeds, e.g. [0, 1, 2]',
  'seeds[]': `an integer from 0 to ${MAX_SEED}`,
  name: 'a name of letters, digits, _, - and ., starting with a letter or digit',
  path: 'a path to the model file, relative to the manifest',
  data: `one of ${KNOWN_DATASETS.join(', ')} (datasets by name only: a queue worker loads its own copy)`,
  options: 'an object of options, e.g. { "k": 12 }',
  k: 'a positive integer, e.g. 12',
  shuffles: `an integer from 0 to ${MAX_SHUFFLES.toLocaleString('en-US')} (0 skips the shuffle test), e.g. 20`,
  nulls: `a non-empty list of distinct null models: ${NULL_MODELS.join(', ')}`,
  'nulls[]': `one of ${NULL_MODELS.join(', ')}`,
  prune: 'a fraction in [0, 1), e.g. 0.9',
  partitioner: 'a partitioner name',
  norm: '"l1" or "l2"',
  includeDense: 'true or false',
  view: '"residual" or "per-block" (language models)',
  attention: 'true or false (language models, residual view)',
  block: 'a block index from 0 (language models, per-block view)',
  split: '"test" or "train"',
  limit: 'a positive integer, e.g. 2000',
  partition: '"weights", "coactivation" or "coactivation-local"',
  forget: 'a class forget set, "class:3" or "class:3,5" (sweep does not run trigger or text forget sets yet: run modscope excise)',
  trainLimit: 'a positive integer, e.g. 4000',
  budget: 'a positive integer (units), e.g. 32',
  forgetTarget: 'a fraction in [0, 1], e.g. 0.1',
  finetuneSteps: `an integer from 0 to ${MAX_STEPS.toLocaleString('en-US')} (0 measures the pruned networks only), e.g. 200`,
  evaluateEvery: 'a positive integer, e.g. 20',
  mask: '"held" or "released"',
  methods: `a non-empty list of distinct methods: ${EXCISE_METHODS.join(', ')}`,
  'methods[]': `one of ${EXCISE_METHODS.join(', ')}`,
  neverTrainedEpochs: `an integer from 0 to ${MAX_EPOCHS.toLocaleString('en-US')} (0 skips the never-trained floor), e.g. 5`,
  relearn: 'a list of forget-example counts, e.g. [10, 100] ([] skips the relearning attack)',
  'relearn[]': 'a positive integer, e.g. 10',
  relearnSteps: `an integer from 1 to ${MAX_STEPS.toLocaleString('en-US')}, e.g. 50`,
  relearnMix: 'a non-negative integer, e.g. 9',
  relearnFrom: `"all" or a non-empty list of distinct methods among ${EXCISE_METHODS.join(', ')}`,
  'relearnFrom[]': `one of ${EXCISE_METHODS.join(', ')}`,
  learningRate: 'a positive number, e.g. 0.001',
  measure: '"spearman" or "pearson"',
  random: `an integer from 1 to ${MAX_RANDOM_LESIONS.toLocaleString('en-US')}, e.g. 19`,
  top: 'a positive integer, e.g. 10',
  mean: 'a non-empty list of numbers, one or one per channel, e.g. [0.286]',
  'mean[]': 'a number',
  std: 'a non-empty list of positive numbers, one or one per channel, e.g. [0.353]',
  'std[]': 'a positive number',
  batchSize: 'a positive integer, e.g. 256',
};

type Path = readonly PropertyKey[];

/** `analyses[1].options.shuffles`. */
function pathText(path: Path): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i > 0 ? '.' : ''}${String(key)}`)).join('') || 'the manifest';
}

function valueAt(value: unknown, path: Path): unknown {
  let at = value;
  for (const key of path) at = at !== null && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[key] : undefined;
  return at;
}

function shown(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return `${text.length > 40 ? `${text.slice(0, 37)}…` : text}`;
}

function wantOf(path: Path): string {
  if (path.length === 0) return 'an object { "models": […], "analyses": […], "seeds": […] }';
  const last = path.at(-1);
  const key = typeof last === 'number' ? `${String(path.at(-2))}[]` : String(last);
  return WANTS[key] ?? 'a valid value';
}

/** The keys an object at `path` may have, for the fix of an unknown key. */
function allowedKeys(path: Path, kind: string | undefined): string {
  const keys =
    path.length === 0
      ? Object.keys(topLevel.shape)
      : path[0] === 'models'
        ? ['name', 'path']
        : path.at(-1) === 'options'
          ? Object.keys(OPTION_SCHEMAS[kindOf(kind)].shape)
          : Object.keys(ANALYSIS_SCHEMAS[kindOf(kind)].shape);
  return keys.join(', ');
}

/** One line per zod issue: the field's manifest path, what it is, and what to use instead. */
function issueLines(issues: readonly z.core.$ZodIssue[], input: unknown, prefix: Path, kind?: string): string[] {
  return issues.map((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const seed = path.at(-1) === 'options' && issue.keys.includes('seed') ? ' (the seeds come from "seeds")' : '';
      const keys = issue.keys.map((k) => `'${k}'`).join(', ');
      return `${pathText(path)}: unknown ${issue.keys.length === 1 ? 'key' : 'keys'} ${keys}${seed}; use only ${allowedKeys(path, kind)}.`;
    }
    const value = valueAt(input, issue.path);
    return `${pathText(path)} is ${shown(value)}: use ${wantOf(path)}.`;
  });
}

/** The methods `relearnFrom` names that `methods` does not run (the attack would fail). */
function relearnNotRun(options: SweepExciseOptions): string[] {
  const { methods, relearnFrom } = options;
  return methods === undefined || relearnFrom === undefined || relearnFrom === 'all' ? [] : relearnFrom.filter((m) => !methods.includes(m));
}

/** The classes of a forget spec the manifest checked (`class:3,5`): distinct and sorted, as `modscope excise` reads them. */
export function forgetClasses(spec: string): number[] {
  const classes = spec
    .trim()
    .slice('class:'.length)
    .split(',')
    .map((s) => Number(s.trim()));
  return [...new Set(classes)].sort((a, b) => a - b);
}

/** A model's name when the manifest gives only its path: the file name without its extension. */
function defaultName(path: string): string {
  const file = basename(path) === 'model.json' ? basename(dirname(path)) : basename(path);
  return file.slice(0, file.length - extname(file).length) || file;
}

export interface ParseManifestOptions {
  /** Directory the manifest's paths are relative to. Default the current directory. */
  baseDir?: string;
  /** Partitioner names an analysis may give (`options.partitioner`). Default `['spectral']`. */
  partitioners?: readonly string[];
  /** How the problems are introduced: the manifest file's name. */
  source?: string;
}

/**
 * Checks a manifest value (`JSON.parse` of the file) and resolves its paths. Every problem found is one
 * line of the `ManifestError` thrown: the field's path in the manifest and the fix.
 */
export function parseManifest(value: unknown, options: ParseManifestOptions = {}): SweepManifest {
  const baseDir = resolve(options.baseDir ?? '.');
  const partitioners = options.partitioners ?? ['spectral'];
  const top = topLevel.safeParse(value);
  if (!top.success) throw new ManifestError(issueLines(top.error.issues, value, []), options.source);
  const problems: string[] = [];
  const models = top.data.models.map((m, i) => {
    const given = typeof m === 'string' ? { name: defaultName(m), path: m } : m;
    if (!NAME.test(given.name)) {
      problems.push(
        typeof m === 'string'
          ? `models[${i}] is ${shown(m)}, whose name '${given.name}' cannot name a result file: give it as { "name": "a-name", "path": ${shown(m)} }.`
          : `models[${i}].name is ${shown(given.name)}: use ${WANTS.name}.`,
      );
    }
    return { name: given.name, path: resolve(baseDir, given.path), ...(typeof m === 'string' ? {} : { network: given.name }) };
  });
  for (const [i, m] of models.entries()) {
    const first = models.findIndex((other) => other.name === m.name);
    if (first < i) problems.push(`models[${i}] is named '${m.name}' like models[${first}]: give one { "name", "path" } with another name.`);
  }
  const analyses: SweepAnalysis[] = [];
  const names: string[] = [];
  for (const [i, raw] of top.data.analyses.entries()) {
    const kind = (raw as { kind?: unknown } | null)?.kind;
    const given = (raw as { name?: unknown }).name;
    const analysisName = typeof given === 'string' ? given : kind;
    if (typeof analysisName === 'string' && names.includes(analysisName)) {
      problems.push(
        `analyses[${i}] is named '${analysisName}' like an analysis before it: give it "name": "${analysisName}-2" or another name.`,
      );
    }
    if (typeof analysisName === 'string') names.push(analysisName);
    if (typeof kind !== 'string' || !SWEEP_ANALYSES.includes(kind)) {
      const other = typeof kind === 'string' ? ' (compare and language-model analyses are not supported by sweep yet)' : '';
      const kinds = SWEEP_ANALYSES.map((k) => `"${k}"`);
      problems.push(`analyses[${i}].kind is ${shown(kind)}: use ${kinds.slice(0, -1).join(', ')} or ${kinds.at(-1)}${other}.`);
      continue;
    }
    const parsed = ANALYSIS_SCHEMAS[kindOf(kind)].safeParse(raw);
    if (!parsed.success) {
      problems.push(...issueLines(parsed.error.issues, raw, ['analyses', i], kind));
      continue;
    }
    const partitioner = parsed.data.options.partitioner;
    if (partitioner !== undefined && !partitioners.includes(partitioner)) {
      problems.push(`analyses[${i}].options.partitioner is ${shown(partitioner)}: use ${partitioners.map((p) => `"${p}"`).join(' or ')}.`);
    }
    if (parsed.data.kind === 'excise') {
      const notRun = relearnNotRun(parsed.data.options);
      if (notRun.length > 0) {
        problems.push(
          `analyses[${i}].options.relearnFrom names ${notRun.join(', ')}, which options.methods does not run: use "all" or some of ${parsed.data.options.methods!.join(', ')}.`,
        );
      }
    }
    analyses.push({ ...parsed.data, name: parsed.data.name ?? kind } as SweepAnalysis);
  }
  if (problems.length > 0) throw new ManifestError(problems, options.source);
  return { models, analyses, seeds: top.data.seeds };
}

export interface ReadManifestOptions extends Omit<ParseManifestOptions, 'baseDir' | 'source'> {
  /**
   * The entries will run on a queue: each model must then be one `.onnx` file (its bytes travel by content
   * hash; a TF.js model's several files do not yet).
   */
  queue?: boolean;
}

/**
 * Reads and checks a manifest file (JSON; paths relative to its directory), then checks that every model
 * file is there. Every problem is one line of the `ManifestError` thrown, nothing having run.
 */
export async function readManifest(file: string, options: ReadManifestOptions = {}): Promise<SweepManifest> {
  const source = basename(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : `unreadable (${code ?? 'error'})`;
    throw new ManifestError([`${file} is ${what}: give the path of a sweep manifest (JSON).`], source);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ManifestError([`not JSON (${(error as Error).message}): write the manifest as JSON.`], source);
  }
  const manifest = parseManifest(value, { ...options, baseDir: dirname(resolve(file)), source });
  const models = (value as { models: unknown[] }).models;
  const problems = await Promise.all(
    manifest.models.map(async (m, i) => {
      const field = typeof models[i] === 'string' ? `models[${i}]` : `models[${i}].path`;
      const stats = await stat(m.path).catch(() => undefined);
      if (stats === undefined) return `${field}: no file ${m.path}: fix the path (relative to the manifest's directory).`;
      if (options.queue && !(stats.isFile() && m.path.toLowerCase().endsWith('.onnx'))) {
        return `${field}: ${m.path} is not one .onnx file: a queued sweep sends each model as one ONNX file; run TF.js models without a queue.`;
      }
      return undefined;
    }),
  );
  const found = problems.filter((p): p is string => p !== undefined);
  if (found.length > 0) throw new ManifestError(found, source);
  return { ...manifest, file: resolve(file) };
}

/** The entries of a sweep, models × analyses × seeds in that order, each named `<model>.<analysis>.seed<seed>`. */
export function sweepEntries(manifest: SweepManifest): SweepEntry[] {
  return manifest.models.flatMap((model) =>
    manifest.analyses.flatMap((analysis) =>
      manifest.seeds.map((seed) => ({ name: `${model.name}.${analysis.name}.seed${seed}`, model, analysis, seed })),
    ),
  );
}

/** Checks an analysis that came over a queue, as the manifest did (any partitioner name: the spec travels beside it). */
export function checkAnalysis(value: unknown): SweepAnalysis {
  const kind = (value as { kind?: unknown } | null)?.kind;
  const parsed = ANALYSIS_SCHEMAS[kindOf(kind)].safeParse(value);
  if (!parsed.success || typeof (value as { name?: unknown }).name !== 'string') {
    const lines = parsed.success ? ['name is missing'] : issueLines(parsed.error.issues, value, [], String(kind));
    throw new InvalidArgumentError({ argument: 'piece', message: `a sweep piece with a bad analysis: ${lines[0]}` });
  }
  return parsed.data as SweepAnalysis;
}
