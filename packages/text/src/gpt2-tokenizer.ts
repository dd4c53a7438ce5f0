import type { Tokenizer } from './tokenizer.js';

/**
 * GPT-2's byte-level BPE (50 257 tokens, the `r50k_base` ranks bundled in `gpt-tokenizer`, read offline).
 * The package is imported on the first call, so importing `@modscope/text` does not pay for its ranks.
 * Text is encoded as plain text: `<|endoftext|>` in a corpus is 7 ordinary tokens, not id 50256
 * (tiktoken's `encode_ordinary`).
 */
export async function loadGpt2Tokenizer(): Promise<Tokenizer> {
  const bpe = await import('gpt-tokenizer/encoding/r50k_base');
  const vocabSize = bpe.vocabularySize;
  const plain = { disallowedSpecial: new Set<string>() };
  return {
    name: 'gpt2',
    vocabSize,
    encode: (text) => Int32Array.from(bpe.encode(text, plain)),
    decode(ids) {
      // gpt-tokenizer throws on an unknown id; show each run of known ids, and U+FFFD for the others.
      let text = '';
      let run: number[] = [];
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        if (Number.isInteger(id) && id >= 0 && id < vocabSize) run.push(id);
        else {
          text += `${bpe.decode(run)}\uFFFD`;
          run = [];
        }
      }
      return text + bpe.decode(run);
    },
  };
}
