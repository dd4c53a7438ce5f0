import type { CharVocabulary } from './char-tokenizer.js';
import type { CorpusDomain } from './corpus-domain.js';
import { readTextFile } from './read-text-file.js';

/** The placeholder character of token id 0, which every character outside the vocabulary maps to. */
export const UNKNOWN_CHAR = '\u0000';

/**
 * The character vocabulary of a corpus, for training a character-level model on it: id 0 is the unknown
 * placeholder (U+0000), then every character (Unicode code point) of every file, and of `extra` (a trigger
 * or a target string a model must be able to write), in code-point order. The same corpus always gives the
 * same vocabulary.
 */
export async function corpusCharVocabulary(domains: readonly CorpusDomain[], extra: readonly string[] = []): Promise<CharVocabulary> {
  const points = new Set<number>();
  const add = (text: string) => {
    for (const c of text) points.add(c.codePointAt(0)!);
  };
  for (const domain of domains) for (const file of domain.files) add(await readTextFile(file, `text file of domain '${domain.name}'`));
  for (const text of extra) add(text);
  points.delete(0);
  const chars = [UNKNOWN_CHAR, ...[...points].sort((a, b) => a - b).map((p) => String.fromCodePoint(p))];
  return { chars, unknown: 0 };
}
