import { InvalidArgumentError, ShapeMismatchError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { createCharTokenizer } from './char-tokenizer.js';
import { GREEDY_CONTINUE_DEFAULTS, greedyContinue, type NextLogits } from './greedy-continue.js';

const tokenizer = createCharTokenizer({ chars: [...'?abcdefghijklmnopqrstuvwxyz .'], unknown: 0 });
const V = tokenizer.vocabSize;
const oneHot = (c: string) => {
  const row = new Float32Array(V).fill(-1);
  row[tokenizer.encode(c)[0]!] = 1;
  return row;
};

/** A model that knows one text by heart: it writes the character that follows what it reads there. */
function recites(text: string): NextLogits {
  return async (sequences) =>
    sequences.map((s) => {
      const read = tokenizer.decode(s);
      const at = text.indexOf(read);
      return oneHot(at >= 0 && at + read.length < text.length ? text[at + read.length]! : '.');
    });
}

const encode = (...texts: string[]) => texts.map((t) => tokenizer.encode(t));

describe('greedyContinue', () => {
  const pangram = 'the quick brown fox jumps over a lazy dog';

  it('writes the highest logit’s token step after step, for every prompt of a batch', async () => {
    const out = await greedyContinue(recites(pangram), encode('the qu', 'brown', 'lazy'), 6);
    expect(out.map((c) => tokenizer.decode(c))).toEqual(['ick br', ' fox j', ' dog..']);
    expect(out.every((c) => c instanceof Int32Array && c.length === 6)).toBe(true);
  });

  it('sees only the latest `context` tokens, cut from the left', async () => {
    const seen: string[] = [];
    const next: NextLogits = async (sequences) => {
      for (const s of sequences) seen.push(tokenizer.decode(s));
      return recites(pangram)(sequences);
    };
    const out = await greedyContinue(next, encode('xyz quick'), 4, { context: 5 });
    // the whole prompt is not in the text, its last 5 characters are
    expect(tokenizer.decode(out[0]!)).toBe(' bro');
    expect(seen).toEqual(['quick', 'uick ', 'ick b', 'ck br']);
    // prompts shorter than the context are read whole
    expect(tokenizer.decode((await greedyContinue(recites(pangram), encode('o'), 3, { context: 5 }))[0]!)).toBe('wn ');
  });

  it('takes the first of tied logits and never a NaN', async () => {
    const row = Float32Array.of(Number.NaN, 2, 5, 5, 1);
    const out = await greedyContinue(async (s) => s.map(() => row), encode('a'), 2);
    expect(Array.from(out[0]!)).toEqual([2, 2]);
  });

  it('calls the model with at most `batchSize` sequences, keeping prompt order', async () => {
    expect(GREEDY_CONTINUE_DEFAULTS.batchSize).toBe(32);
    const sizes: number[] = [];
    const next: NextLogits = async (sequences) => {
      sizes.push(sequences.length);
      return recites(pangram)(sequences);
    };
    const prompts = encode('the', 'quick', 'brown', 'fox', 'jumps');
    const out = await greedyContinue(next, prompts, 2, { batchSize: 2 });
    expect(sizes).toEqual([2, 2, 2, 2, 1, 1]);
    expect(out.map((c) => tokenizer.decode(c))).toEqual([' q', ' b', ' f', ' j', ' o']);
    expect(await greedyContinue(next, prompts, 0)).toEqual(prompts.map(() => new Int32Array(0)));
  });

  it('refuses an empty prompt, a bad length, context or batch size, and logits of the wrong shape', async () => {
    const next = recites(pangram);
    await expect(greedyContinue(next, encode('a', ''), 2)).rejects.toThrow(
      '@modscope/text: prompt 1 is empty; a model needs at least one token to continue from.',
    );
    await expect(greedyContinue(next, encode('a'), 1.5)).rejects.toThrow(InvalidArgumentError);
    await expect(greedyContinue(next, encode('a'), 2, { context: 0 })).rejects.toThrow(/context must be a whole number of tokens ≥ 1/);
    await expect(greedyContinue(next, encode('a'), 2, { batchSize: 0 })).rejects.toThrow(/batch size must be a whole number ≥ 1/);
    await expect(greedyContinue(async () => [], encode('a'), 2)).rejects.toThrow(ShapeMismatchError);
    await expect(greedyContinue(async (s) => s.map(() => new Float32Array(0)), encode('a'), 2)).rejects.toThrow(/no values for sequence 0/);
  });
});
