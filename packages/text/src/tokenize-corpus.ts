import { InvalidArgumentError } from '@modscope/core';
import type { CorpusDomain } from './corpus-domain.js';
import { readTextFile } from './read-text-file.js';
import type { Tokenizer } from './tokenizer.js';

/** A domain's tokens: each of its files tokenized on its own, concatenated in file order. */
export interface TokenizedDomain {
  name: string;
  tokens: Int32Array;
}

/** A corpus as token ids, domain by domain, with the tokenizer that made them. */
export interface TokenizedCorpus {
  domains: TokenizedDomain[];
  /** The tokenizer's name and vocabulary size. */
  tokenizer: string;
  vocabSize: number;
}

/** Reads every file as strict UTF-8 and tokenizes it; domains keep their order. */
export async function tokenizeCorpus(domains: readonly CorpusDomain[], tokenizer: Tokenizer): Promise<TokenizedCorpus> {
  const hint = 'Give each domain at least one non-empty text file: name=path[,path...] or a corpus manifest.';
  if (domains.length === 0)
    throw new InvalidArgumentError({ argument: 'corpus', message: '@modscope/text: the corpus has no domains.', hint });
  const seen = new Set<string>();
  const out: TokenizedDomain[] = [];
  for (const domain of domains) {
    if (seen.has(domain.name)) {
      throw new InvalidArgumentError({
        argument: 'corpus',
        message: `@modscope/text: the corpus names domain '${domain.name}' twice.`,
        hint: 'Give each domain one entry listing all its files, or distinct names.',
      });
    }
    seen.add(domain.name);
    if (domain.files.length === 0) {
      throw new InvalidArgumentError({ argument: 'corpus', message: `@modscope/text: domain '${domain.name}' has no files.`, hint });
    }
    const parts: Int32Array[] = [];
    let length = 0;
    for (const file of domain.files) {
      const ids = tokenizer.encode(await readTextFile(file, `text file of domain '${domain.name}'`));
      parts.push(ids);
      length += ids.length;
    }
    if (length === 0) {
      throw new InvalidArgumentError({
        argument: 'corpus',
        message: `@modscope/text: domain '${domain.name}' is empty: ${domain.files.join(', ')} ${domain.files.length === 1 ? 'has' : 'have'} no text.`,
        hint,
      });
    }
    const tokens = new Int32Array(length);
    let at = 0;
    for (const ids of parts) {
      tokens.set(ids, at);
      at += ids.length;
    }
    out.push({ name: domain.name, tokens });
  }
  return { domains: out, tokenizer: tokenizer.name, vocabSize: tokenizer.vocabSize };
}
