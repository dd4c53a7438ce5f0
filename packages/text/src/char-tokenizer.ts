import { CorruptFileError } from '@modscope/core';
import { z } from 'zod';
import { describeZodIssue } from './describe-zod-issue.js';
import { readTextFile } from './read-text-file.js';
import type { Tokenizer } from './tokenizer.js';

/** A character vocabulary: `chars[i]` is the character (one Unicode code point) of token id `i`. */
export interface CharVocabulary {
  chars: readonly string[];
  /** Token id of every character not in `chars`. */
  unknown: number;
}

const EXAMPLE = 'e.g. {"chars": ["\\u0000", "a", "b"], "unknown": 0}';

const vocabularySchema = z
  .object({
    chars: z
      .array(z.string().refine((c) => codePoints(c) === 1, { message: 'must be exactly one character (one Unicode code point)' }))
      .min(1, { message: 'must list at least one character' }),
    unknown: z.number().int({ message: 'must be an integer token id' }).nonnegative({ message: 'must be a token id ≥ 0' }),
  })
  .superRefine((vocabulary, context) => {
    const seen = new Map<string, number>();
    vocabulary.chars.forEach((c, i) => {
      const first = seen.get(c);
      if (first !== undefined) {
        context.addIssue({
          code: 'custom',
          path: ['chars', i],
          message: `repeats chars[${first}] (${JSON.stringify(c)}); each character may appear once`,
        });
      } else seen.set(c, i);
    });
    if (vocabulary.unknown >= vocabulary.chars.length) {
      context.addIssue({
        code: 'custom',
        path: ['unknown'],
        message: `is ${vocabulary.unknown}, past the last index of chars (${vocabulary.chars.length - 1})`,
      });
    }
  });

/** Validates the JSON text of a character vocabulary file; problems are a one-line `CorruptFileError`. */
export function parseCharVocabulary(text: string, name = '<character vocabulary>'): CharVocabulary {
  const fail = (reason: string, cause?: unknown): never => {
    throw new CorruptFileError({
      path: name,
      format: 'character vocabulary',
      reason,
      hint: `Write it as JSON with "chars", the characters in token-id order, and "unknown", the id of characters not listed (${EXAMPLE}).`,
      cause,
    });
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail(`it is not JSON (${(error as Error).message})`, error);
  }
  const parsed = vocabularySchema.safeParse(json);
  if (!parsed.success) {
    return fail(describeZodIssue(parsed.error));
  }
  return parsed.data;
}

/** A tokenizer with one token per character: a character's id is its index in `chars`, others map to `unknown`. */
export function createCharTokenizer(vocabulary: CharVocabulary, name = 'chars'): Tokenizer {
  const { chars, unknown } = vocabulary;
  const ids = new Map<number, number>(chars.map((c, i) => [c.codePointAt(0)!, i]));
  return {
    name,
    vocabSize: chars.length,
    encode(text) {
      const out = new Int32Array(text.length); // code points ≤ UTF-16 units
      let n = 0;
      for (const c of text) out[n++] = ids.get(c.codePointAt(0)!) ?? unknown;
      return out.slice(0, n);
    },
    decode(tokens) {
      let text = '';
      for (let i = 0; i < tokens.length; i++) text += chars[tokens[i]!] ?? '\uFFFD';
      return text;
    },
  };
}

/** Reads and validates a character vocabulary file and returns its tokenizer, named `chars:<path>`. */
export async function readCharTokenizer(path: string): Promise<Tokenizer> {
  const text = await readTextFile(path, 'character vocabulary');
  return createCharTokenizer(parseCharVocabulary(text, path), `chars:${path}`);
}

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
