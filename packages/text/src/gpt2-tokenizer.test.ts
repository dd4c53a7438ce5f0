import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadGpt2Tokenizer } from './gpt2-tokenizer.js';

describe('loadGpt2Tokenizer', () => {
  it('encodes "Hello world" as GPT-2 does', async () => {
    const gpt2 = await loadGpt2Tokenizer();
    expect(gpt2.name).toBe('gpt2');
    expect(gpt2.vocabSize).toBe(50257);
    const ids = gpt2.encode('Hello world');
    expect(ids).toBeInstanceOf(Int32Array);
    expect(Array.from(ids)).toEqual([15496, 995]);
    expect(gpt2.decode(ids)).toBe('Hello world');
  });

  it('round-trips real English and German text', async () => {
    const gpt2 = await loadGpt2Tokenizer();
    for (const path of ['/usr/share/games/fortunes/computers', '/usr/share/games/fortunes/de/computer']) {
      const text = (await readFile(path, 'utf8')).slice(0, 20_000);
      const ids = gpt2.encode(text);
      expect(ids.length).toBeGreaterThan(1000);
      expect(ids.length).toBeLessThan(text.length);
      expect(Math.max(...ids)).toBeLessThan(50257);
      expect(gpt2.decode(ids)).toBe(text);
    }
  });

  it('encodes <|endoftext|> in a corpus as plain text, and shows unknown ids as U+FFFD', async () => {
    const gpt2 = await loadGpt2Tokenizer();
    const ids = gpt2.encode('a<|endoftext|>b');
    expect(ids).not.toContain(50256);
    expect(gpt2.decode(ids)).toBe('a<|endoftext|>b');
    expect(gpt2.decode([15496, 50300, 995])).toBe('Hello\uFFFD world');
  });
});
