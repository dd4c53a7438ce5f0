import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TextExciseResultFile } from '@modscope/results';
import { TEXT_EXCISE_RESULT_KIND, TEXT_EXCISE_RESULT_VERSION } from '@modscope/results/format';
import { checkTokenizerFits } from '@modscope/text';
import { transformerView, type LoadedModel } from '@modscope/core';
import { readPartitionFile } from '@modscope/lesion-study';
import { weightPartition } from '../run-lesion-text.js';
import { corpusDomains, modelDirectory, requireLanguageModel, resolveTokenizer } from '../text-data.js';
import type { TextFloorRecipe } from './never-trained.js';
import { runExciseText, TEXT_EXCISE_DEFAULTS, type ExciseTextOptions } from './run-excise-text.js';
import { parseTextForget } from './text-capability.js';

export interface TextExciseStudyOptions extends Omit<ExciseTextOptions, 'domains' | 'tokenizer' | 'forget' | 'partition' | 'floor'> {
  /** The corpus, as `--text` everywhere (for a trigger, the `corpus.json` that `modscope train --poison` wrote). */
  text: readonly string[];
  /** `gpt2` or a character vocabulary file (default the model's own vocab.json). */
  tokenizer?: string;
  /** Where the model is, to find its vocab.json and train.json. */
  modelPath?: string;
  /** `domain:NAME` or `trigger:STRING`. */
  forget: string;
  /** What the trigger is continued with (a trigger only). */
  target?: string;
  /** `weights` (the residual view's spectral clusters, heads included; default) or a `modscope cluster --json` file. */
  partition?: string;
  /** Clusters of the weights partition (default 12). */
  k?: number;
  /** Skip the never-trained floor. */
  noFloor?: boolean;
}

/** The recipe of `train.json` beside the model, when `modscope train --arch gpt` wrote it. */
async function recipeBeside(modelPath: string | undefined): Promise<TextFloorRecipe | undefined> {
  if (!modelPath) return undefined;
  const file = join(modelDirectory(modelPath), 'train.json');
  if (!existsSync(file)) return undefined;
  try {
    const json = JSON.parse(await readFile(file, 'utf8')) as { kind?: string; options?: Record<string, unknown> };
    if (json.kind !== 'modscope/text-train' || !json.options) return undefined;
    const o = json.options;
    return {
      epochs: typeof o.epochs === 'number' ? o.epochs : null,
      steps: typeof o.steps === 'number' ? o.steps : null,
      batchSize: Number(o.batchSize),
      learningRate: Number(o.learningRate),
      weightDecay: Number(o.weightDecay),
      dropout: Number(o.dropout ?? 0),
    };
  } catch {
    return undefined;
  }
}

/**
 * `modscope excise MODEL --text … --forget domain:NAME | trigger:STRING --target TEXT`: `runExciseText` on a
 * loaded language model with its tokenizer, the residual-view partition (or a file), and the never-trained
 * floor trained with the recipe of the model's train.json; returns the `modscope/text-excise` result.
 */
export async function runExciseTextStudy(model: LoadedModel, options: TextExciseStudyOptions) {
  requireLanguageModel(model.network);
  const forget = parseTextForget(options.forget, options.target);
  const view = transformerView(model.network);
  const tokenizer = await resolveTokenizer(options.tokenizer, options.modelPath);
  checkTokenizerFits(tokenizer, view.embedding.vocabulary);
  const domains = await corpusDomains(options.text);
  const seed = options.seed ?? TEXT_EXCISE_DEFAULTS.seed;
  const partition =
    !options.partition || options.partition === 'weights'
      ? await weightPartition(model.network, options.k ?? TEXT_EXCISE_DEFAULTS.k, seed)
      : await readPartitionFile(options.partition);
  const recipe = options.noFloor ? null : await recipeBeside(options.modelPath);
  const { text: _t, tokenizer: _k, modelPath: _p, forget: _f, target: _g, partition: _q, k: _n, noFloor: _x, ...rest } = options;
  const run = await runExciseText(model.network, {
    ...rest,
    domains,
    tokenizer,
    forget,
    partition,
    floor: recipe ?? (options.noFloor ? null : undefined),
  });
  const { capability } = run;
  return {
    kind: TEXT_EXCISE_RESULT_KIND,
    version: TEXT_EXCISE_RESULT_VERSION,
    model: options.modelPath ?? model.network.name,
    tokenizer: tokenizer.name,
    domains: [...capability.domains],
    forget:
      forget.kind === 'domain'
        ? { kind: 'domain' as const, domain: forget.domain }
        : { kind: 'trigger' as const, trigger: forget.trigger, target: forget.target },
    capability: capability.description,
    forgetMetric: capability.forgetMetric,
    forgetHigherIsCapable: capability.forgetHigherIsCapable,
    retainMetric: 'loss on the retain text (nats per token)',
    windows: {
      forgetTest: capability.forgetTest.length,
      retainTest: capability.retainTest.length,
      forgetTraining: capability.forgetTraining.count,
      retainTraining: capability.retainTraining.count,
    },
    prompts: capability.prompts ? capability.prompts.clean.length : null,
    partition: { source: partition.source, k: partition.k },
    budget: run.budget,
    steps: run.steps,
    evaluateEvery: run.evaluateEvery,
    seed: run.seed,
    mask: 'held' as const,
    intact: run.intact,
    modules: run.modules.map((m) => ({
      layer: m.layer,
      kind: m.kind,
      block: m.block,
      cluster: m.cluster,
      size: m.units.length,
      forgetDelta: m.forgetDelta,
      retainDelta: m.retainDelta,
      score: m.score,
    })),
    chosen: run.chosen.map((m) => ({ layer: m.layer, cluster: m.cluster, size: m.units.length, score: m.score })),
    methods: run.methods,
    floor: run.floor,
    relearning: run.relearning,
    samples: run.samples,
    timings: run.timings,
  } satisfies TextExciseResultFile;
}

/** What `runExciseTextStudy` returns: a `modscope/text-excise` result (NaN where the file has null). */
export type TextExciseResult = Awaited<ReturnType<typeof runExciseTextStudy>>;
