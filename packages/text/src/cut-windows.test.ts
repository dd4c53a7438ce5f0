import { readFile } from 'node:fs/promises';
import { InvalidArgumentError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { createCharTokenizer } from './char-tokenizer.js';
import { cutWindows, selectWindows, TEXT_WINDOW_DEFAULTS } from './cut-windows.js';
import { loadTextWindows } from './load-text-windows.js';
import type { TokenizedCorpus } from './tokenize-corpus.js';

const range = (n: number, from = 0) => Int32Array.from({ length: n }, (_, i) => from + i);
const corpus = (...lengths: number[]): TokenizedCorpus => ({
  domains: lengths.map((n, d) => ({ name: `d${d}`, tokens: range(n, 1000 * d) })),
  tokenizer: 'test',
  vocabSize: 10_000,
});

describe('cutWindows', () => {
  it('cuts consecutive windows from token 0 and drops the remainder', () => {
    const w = cutWindows(corpus(10, 7), { context: 3 });
    // d0: 10 tokens → 3 windows (token 9 dropped); d1: 7 → 2 windows (token 6 dropped)
    expect(w.count).toBe(5);
    expect(w.context).toBe(3);
    expect(Array.from(w.tokens)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 1000, 1001, 1002, 1003, 1004, 1005]);
    expect(Array.from(w.domainOf)).toEqual([0, 0, 0, 1, 1]);
    expect(w.domains).toEqual(['d0', 'd1']);
    expect(w.vocabSize).toBe(10_000);
  });

  it('puts the last ⌈10%⌉ of each domain’s windows (at least one) in the test split', () => {
    expect(TEXT_WINDOW_DEFAULTS.testFraction).toBe(0.1);
    const w = cutWindows(corpus(30 * 4, 4, 11 * 4, 20 * 4 + 3), { context: 4 });
    const tests = (d: number) => Array.from(w.test).filter((t, i) => t === 1 && w.domainOf[i] === d).length;
    expect(w.count).toBe(30 + 1 + 11 + 20);
    expect([tests(0), tests(1), tests(2), tests(3)]).toEqual([3, 1, 2, 2]); // 0.1·30 is 3, not 4
    // the test windows are each domain's last ones
    expect(Array.from(w.test.subarray(0, 30))).toEqual([...Array(27).fill(0), 1, 1, 1]);
    expect(w.test[30]).toBe(1);
  });

  it('takes the test fraction and the stride as options', () => {
    const none = cutWindows(corpus(40), { context: 4, testFraction: 0 });
    expect(Array.from(none.test)).toEqual(Array(10).fill(0));
    const half = cutWindows(corpus(40), { context: 4, testFraction: 0.25 });
    expect(half.test.reduce((a, b) => a + b, 0)).toBe(3); // ⌈2.5⌉
    const strided = cutWindows(corpus(10), { context: 4, stride: 3 });
    // starts 0, 3, 6 (6..9 fits), 9 would need 9..12: 3 windows
    expect(strided.count).toBe(3);
    expect(Array.from(strided.tokens)).toEqual([0, 1, 2, 3, 3, 4, 5, 6, 6, 7, 8, 9]);
    expect(Array.from(strided.test)).toEqual([0, 0, 1]);
  });

  it('selects the train or the test windows', () => {
    const w = cutWindows(corpus(12, 9), { context: 3, testFraction: 0.5 });
    const train = selectWindows(w, 'train');
    const test = selectWindows(w, 'test');
    expect(train.count + test.count).toBe(w.count);
    // d0: 4 windows, ⌈2⌉ test; d1: 3 windows, ⌈1.5⌉ = 2 test
    expect(Array.from(test.tokens)).toEqual([6, 7, 8, 9, 10, 11, 1003, 1004, 1005, 1006, 1007, 1008]);
    expect(Array.from(test.domainOf)).toEqual([0, 0, 1, 1]);
    expect(Array.from(train.tokens)).toEqual([0, 1, 2, 3, 4, 5, 1000, 1001, 1002]);
    expect(Array.from(train.test)).toEqual([0, 0, 0]);
    expect(Array.from(test.test)).toEqual([1, 1, 1, 1]);
    expect(test.domains).toEqual(['d0', 'd1']);
  });

  it('refuses text shorter than one window, saying how many tokens there are', () => {
    expect(() => cutWindows(corpus(100, 37), { context: 64 })).toThrow(InvalidArgumentError);
    expect(() => cutWindows(corpus(100, 37), { context: 64 })).toThrow(
      "@modscope/text: domain 'd1' has 37 tokens, fewer than one window of 64 (the model's context). Add text to it (at least 64 tokens) or leave it out of the corpus.",
    );
    expect(() => cutWindows(corpus(64), { context: 64 })).not.toThrow();
  });

  it('refuses options that cannot work', () => {
    expect(() => cutWindows(corpus(10), { context: 1 })).toThrow('a window must hold at least 2 tokens');
    expect(() => cutWindows(corpus(10), { context: 2.5 })).toThrow('a window must hold at least 2 tokens');
    expect(() => cutWindows(corpus(10), { context: 2, stride: 0 })).toThrow('the stride must be a whole number of tokens ≥ 1, got 0');
    expect(() => cutWindows(corpus(10), { context: 2, testFraction: 1 })).toThrow('the test fraction must be in [0, 1), got 1');
  });
});

describe('loadTextWindows', () => {
  it('cuts real text into windows whose tokens are the text’s characters', async () => {
    const path = '/usr/share/games/fortunes/de/computer';
    const text = await readFile(path, 'utf8');
    const chars = ['\u0000', ...[...new Set(text)].sort()];
    const tokenizer = createCharTokenizer({ chars, unknown: 0 });
    const windows = await loadTextWindows({ corpus: [{ name: 'de', files: [path] }], tokenizer, context: 128 });
    const n = [...text].length;
    expect(windows.count).toBe(Math.floor(n / 128));
    expect(selectWindows(windows, 'test').count).toBe(Math.ceil(Math.floor(n / 128) / 10));
    expect(tokenizer.decode(windows.tokens.subarray(128, 256))).toBe([...text].slice(128, 256).join(''));
  });
});
