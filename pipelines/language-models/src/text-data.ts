import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InvalidArgumentError, isLanguageModel, transformerView, type Network } from '@modscope/core';
import {
  checkTokenizerFits,
  type CorpusDomain,
  loadGpt2Tokenizer,
  loadTextWindows,
  parseCorpusSpec,
  readCharTokenizer,
  readCorpusManifest,
  selectWindows,
  type Tokenizer,
  type TokenWindows,
} from '@modscope/text';

/** Which windows to use: the test split (default), the train split, or both. */
export type TextSplit = 'test' | 'train' | 'all';

export interface TextDataOptions {
  /**
   * The corpus: `name=path[,path…]` specs (one domain each) or paths of corpus manifests
   * (`{ "domains": [{ "name", "files" }] }`), in order.
   */
  text: readonly string[];
  /** `gpt2`, or a character vocabulary file; default: `vocab.json` beside the model (`modelPath`). */
  tokenizer?: string;
  /** Where the model file is, to find its `vocab.json`. */
  modelPath?: string;
  split?: TextSplit;
  /** Tokens from one window's start to the next (default the context: no overlap). */
  stride?: number;
}

export interface TextData {
  tokenizer: Tokenizer;
  /** The windows of the chosen split, each `context` tokens long. */
  windows: TokenWindows;
  split: TextSplit;
}

const pkg = '@modscope/language-models';

/** The corpus domains named by `--text` values: manifests are read, specs parsed; names must be unique. */
export async function corpusDomains(text: readonly string[]): Promise<CorpusDomain[]> {
  if (text.length === 0) {
    throw new InvalidArgumentError({
      argument: 'text',
      message: `${pkg}: no text was given.`,
      hint: 'Pass --text name=file[,file…] once per domain, or --text corpus.json.',
    });
  }
  const domains: CorpusDomain[] = [];
  for (const value of text) {
    if (value.includes('=')) domains.push(parseCorpusSpec(value));
    else domains.push(...(await readCorpusManifest(value)));
  }
  const seen = new Set<string>();
  for (const d of domains) {
    if (seen.has(d.name)) {
      throw new InvalidArgumentError({
        argument: 'text',
        message: `${pkg}: the domain '${d.name}' is named twice.`,
        hint: 'Give each domain one --text name=files value.',
      });
    }
    seen.add(d.name);
  }
  return domains;
}

/** The directory that holds a model's files (vocab.json, train.json): the path itself for a model directory. */
export function modelDirectory(modelPath: string): string {
  return existsSync(modelPath) && statSync(modelPath).isDirectory() ? modelPath : dirname(modelPath);
}

/** The tokenizer a model reads: `gpt2`, a character vocabulary file, or the `vocab.json` beside the model (in it, for a directory). */
export async function resolveTokenizer(spec: string | undefined, modelPath: string | undefined): Promise<Tokenizer> {
  if (spec === 'gpt2') return loadGpt2Tokenizer();
  if (spec) return readCharTokenizer(spec);
  const folder = modelPath ? modelDirectory(modelPath) : undefined;
  const beside = folder ? join(folder, 'vocab.json') : undefined;
  if (beside && existsSync(beside)) return readCharTokenizer(beside);
  throw new InvalidArgumentError({
    argument: 'tokenizer',
    message: `${pkg}: no tokenizer for ${modelPath ?? 'the model'}${beside ? ` (there is no ${beside})` : ''}.`,
    hint: 'Pass --tokenizer gpt2 for GPT-2 BPE models, or --tokenizer FILE with a character vocabulary { "chars": [...], "unknown": 0 }.',
  });
}

/** Checks that a network is a language model, naming the command's remedy when it is not. */
export function requireLanguageModel(network: Network): void {
  if (!isLanguageModel(network)) {
    throw new InvalidArgumentError({
      argument: 'model',
      message: `${pkg}: '${network.name}' is not a language model (its input is not token ids), so it cannot be evaluated on text.`,
      hint: 'Evaluate classifiers on a dataset with --data instead of --text.',
    });
  }
}

/**
 * Reads the text a language model is evaluated on: the corpus in windows of the model's context, with the
 * model's tokenizer, checked against its embedding (method §9, Evaluation).
 */
export async function loadTextData(network: Network, options: TextDataOptions): Promise<TextData> {
  requireLanguageModel(network);
  const view = transformerView(network);
  const tokenizer = await resolveTokenizer(options.tokenizer, options.modelPath);
  checkTokenizerFits(tokenizer, view.embedding.vocabulary);
  const corpus = await corpusDomains(options.text);
  const all = await loadTextWindows({ corpus, tokenizer, context: view.context, ...(options.stride ? { stride: options.stride } : {}) });
  const split = options.split ?? 'test';
  return { tokenizer, windows: split === 'all' ? all : selectWindows(all, split), split };
}
