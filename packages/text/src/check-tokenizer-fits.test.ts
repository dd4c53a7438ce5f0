import { InvalidArgumentError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { checkTokenizerFits } from './check-tokenizer-fits.js';

describe('checkTokenizerFits', () => {
  const gpt2 = { name: 'gpt2', vocabSize: 50257 };

  it('accepts an embedding with at least as many rows as tokens', () => {
    expect(() => checkTokenizerFits(gpt2, 50257)).not.toThrow();
    expect(() => checkTokenizerFits(gpt2, 50304)).not.toThrow();
    expect(() => checkTokenizerFits({ name: 'chars', vocabSize: 65 }, 65, Int32Array.of(0, 64))).not.toThrow();
  });

  it('refuses a vocabulary larger than the embedding', () => {
    expect(() => checkTokenizerFits(gpt2, 65)).toThrow(InvalidArgumentError);
    expect(() => checkTokenizerFits(gpt2, 65)).toThrow(
      "@modscope/text: tokenizer 'gpt2' has 50257 tokens but the model's embedding has 65 rows. Use the tokenizer the model was trained with",
    );
  });

  it('refuses token ids outside the embedding', () => {
    expect(() => checkTokenizerFits({ name: 'chars', vocabSize: 10 }, 10, Int32Array.of(3, 10))).toThrow(
      "@modscope/text: token 1 has id 10, outside the model's embedding of 10 rows (tokenizer 'chars').",
    );
    expect(() => checkTokenizerFits({ name: 'chars', vocabSize: 10 }, 10, Int32Array.of(-1))).toThrow('has id -1');
  });
});
