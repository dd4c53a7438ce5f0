import type { CorpusDomain } from './corpus-domain.js';
import { type CutWindowsOptions, cutWindows, type TokenWindows } from './cut-windows.js';
import type { Tokenizer } from './tokenizer.js';
import { tokenizeCorpus } from './tokenize-corpus.js';

export interface LoadTextWindowsOptions extends CutWindowsOptions {
  corpus: readonly CorpusDomain[];
  tokenizer: Tokenizer;
}

/** Reads, tokenizes and cuts a corpus into windows: `tokenizeCorpus` then `cutWindows`. */
export async function loadTextWindows(options: LoadTextWindowsOptions): Promise<TokenWindows> {
  const { corpus, tokenizer, ...windowOptions } = options;
  return cutWindows(await tokenizeCorpus(corpus, tokenizer), windowOptions);
}
