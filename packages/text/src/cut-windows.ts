import { InvalidArgumentError } from '@modscope/core';
import type { TokenizedCorpus } from './tokenize-corpus.js';

/** Windows of `context` tokens cut from a corpus, each labelled with its domain and split. */
export interface TokenWindows {
  /** `count × context` token ids, window after window. */
  tokens: Int32Array;
  count: number;
  /** T, the tokens per window (the model's context). */
  context: number;
  /** Domain names; `domainOf[w]` indexes this list. */
  domains: readonly string[];
  domainOf: Int32Array;
  /** 1 where the window is in the test split, 0 where it is in train. */
  test: Uint8Array;
  /** The tokenizer's vocabulary size; every id is below it. */
  vocabSize: number;
}

export interface CutWindowsOptions {
  /** T, the tokens per window: the model's context. */
  context: number;
  /** Tokens from one window's start to the next (default `context`: no overlap). */
  stride?: number;
  /** Share of each domain's windows, its last ones, put in the test split (default 0.1; at least 1 window when > 0). */
  testFraction?: number;
}

/** The defaults of `cutWindows`. */
export const TEXT_WINDOW_DEFAULTS = Object.freeze({ testFraction: 0.1 });

/**
 * Cuts each domain into windows of T tokens starting at token 0, `stride` apart; a remainder shorter than a
 * window is dropped. The last ⌈testFraction · n⌉ windows of a domain with n windows are its test split (at
 * least one), the rest train: deterministic, and the test text follows the train text. With a stride
 * below T, the first test window overlaps the last train window.
 */
export function cutWindows(corpus: TokenizedCorpus, options: CutWindowsOptions): TokenWindows {
  const { context } = options;
  const stride = options.stride ?? context;
  const testFraction = options.testFraction ?? TEXT_WINDOW_DEFAULTS.testFraction;
  if (!Number.isInteger(context) || context < 2) {
    throw new InvalidArgumentError({
      argument: 'context',
      message: `@modscope/text: a window must hold at least 2 tokens (one to predict from, one to predict), got ${context}.`,
      hint: "Pass the model's context length.",
    });
  }
  if (!Number.isInteger(stride) || stride < 1) {
    throw new InvalidArgumentError({
      argument: 'stride',
      message: `@modscope/text: the stride must be a whole number of tokens ≥ 1, got ${stride}.`,
      hint: `Leave it out for non-overlapping windows (stride ${context}).`,
    });
  }
  if (!(testFraction >= 0 && testFraction < 1)) {
    throw new InvalidArgumentError({
      argument: 'testFraction',
      message: `@modscope/text: the test fraction must be in [0, 1), got ${testFraction}.`,
      hint: 'Use e.g. 0.1 for the last tenth of each domain.',
    });
  }
  const counts = corpus.domains.map((d) => {
    if (d.tokens.length < context) {
      throw new InvalidArgumentError({
        argument: 'corpus',
        message: `@modscope/text: domain '${d.name}' has ${d.tokens.length} tokens, fewer than one window of ${context} (the model's context).`,
        hint: `Add text to it (at least ${context} tokens) or leave it out of the corpus.`,
      });
    }
    return Math.floor((d.tokens.length - context) / stride) + 1;
  });
  const count = counts.reduce((a, b) => a + b, 0);
  const tokens = new Int32Array(count * context);
  const domainOf = new Int32Array(count);
  const test = new Uint8Array(count);
  let w = 0;
  corpus.domains.forEach((d, di) => {
    const n = counts[di]!;
    const firstTest = n - testWindowCount(n, testFraction);
    for (let i = 0; i < n; i++, w++) {
      tokens.set(d.tokens.subarray(i * stride, i * stride + context), w * context);
      domainOf[w] = di;
      test[w] = i >= firstTest ? 1 : 0;
    }
  });
  return { tokens, count, context, domains: corpus.domains.map((d) => d.name), domainOf, test, vocabSize: corpus.vocabSize };
}

/**
 * ⌈fraction · n⌉, at least 1 when fraction > 0. The product is rounded to 9 decimals first so that float
 * error does not add a window (0.1 · 30 is 3.0000000000000004 in binary floating point).
 */
function testWindowCount(n: number, fraction: number): number {
  if (fraction === 0) return 0;
  return Math.min(n, Math.max(1, Math.ceil(Math.round(fraction * n * 1e9) / 1e9)));
}

/** The train or the test windows alone (domain list unchanged, so domain indices still match). */
export function selectWindows(windows: TokenWindows, split: 'train' | 'test'): TokenWindows {
  const want = split === 'test' ? 1 : 0;
  return filterWindows(windows, (w) => windows.test[w] === want);
}

/** The windows `keep` accepts (by index), in order, with their domains and splits. */
export function filterWindows(windows: TokenWindows, keep: (window: number) => boolean): TokenWindows {
  const kept: number[] = [];
  for (let w = 0; w < windows.count; w++) if (keep(w)) kept.push(w);
  const { context } = windows;
  const tokens = new Int32Array(kept.length * context);
  kept.forEach((w, i) => {
    tokens.set(windows.tokens.subarray(w * context, (w + 1) * context), i * context);
  });
  return {
    tokens,
    count: kept.length,
    context,
    domains: windows.domains,
    domainOf: Int32Array.from(kept, (w) => windows.domainOf[w]!),
    test: Uint8Array.from(kept, (w) => windows.test[w]!),
    vocabSize: windows.vocabSize,
  };
}
