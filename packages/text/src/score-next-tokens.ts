import { InvalidArgumentError, ShapeMismatchError } from '@modscope/core';
import type { TokenWindows } from './cut-windows.js';

/** Next-token figures over a set of positions. */
export interface NextTokenScore {
  /** Mean next-token cross-entropy, nats per token (NaN when `positions` is 0). */
  loss: number;
  /** Share of positions whose highest logit (the first, on ties) is the next token. */
  accuracy: number;
  /** Positions scored: T − 1 per window. */
  positions: number;
}

export interface TextScore {
  /** Every scored position alike (not a mean of the domains' means). */
  overall: NextTokenScore;
  /** One entry per name in `windows.domains`, in that order. */
  domains: Array<NextTokenScore & { name: string }>;
  /** Per window: mean loss and accuracy over its T − 1 positions. */
  windowLoss: Float64Array;
  windowAccuracy: Float64Array;
}

/** Scores logits batch by batch, so no caller needs all `count × T × vocab` logits at once. */
export interface NextTokenScorer {
  /**
   * Adds the logits of windows `first, first + 1, …` (`k × T × vocab` values for k windows). Every window
   * must be added exactly once before `result()`.
   */
  add(logits: Float32Array, first: number): void;
  result(): TextScore;
}

/**
 * Next-token loss and accuracy of `logits` (`count × T × vocab`, the model's output on `windows.tokens`):
 * the logits at positions 0..T−2 of a window are scored against its tokens 1..T−1. Log-softmax in float64.
 */
export function scoreNextTokens(logits: Float32Array, windows: TokenWindows): TextScore {
  const perWindow = windows.count * windows.context;
  if (perWindow === 0 || logits.length % perWindow !== 0) {
    throw new ShapeMismatchError({
      what: 'next-token logits',
      expected: `${windows.count} × ${windows.context} × vocab values`,
      actual: `${logits.length} values`,
      hint: 'Pass the logits of every window, [windows, context, vocab].',
    });
  }
  const scorer = createNextTokenScorer(windows, logits.length / perWindow);
  scorer.add(logits, 0);
  return scorer.result();
}

/** A `NextTokenScorer` for `windows` and logits of `vocab` values per position (the model's embedding rows). */
export function createNextTokenScorer(windows: TokenWindows, vocab: number): NextTokenScorer {
  const { count, context: T, tokens, domainOf } = windows;
  if (!Number.isInteger(vocab) || vocab < windows.vocabSize) {
    throw new ShapeMismatchError({
      what: 'next-token logits',
      expected: `at least ${windows.vocabSize} values per position (the tokenizer's vocabulary)`,
      actual: `${vocab}`,
      hint: "Use the tokenizer the model was trained with; its vocabulary must fit the model's output.",
    });
  }
  const lossOf = new Float64Array(count); // summed over the window's positions
  const correctOf = new Int32Array(count);
  const done = new Uint8Array(count);
  const size = T * vocab;
  return {
    add(logits, first) {
      const k = logits.length / size;
      if (!Number.isInteger(k) || k < 1 || !Number.isInteger(first) || first < 0 || first + k > count) {
        throw new ShapeMismatchError({
          what: 'next-token logits',
          expected: `k × ${T} × ${vocab} values for windows ${first}..${first}+k−1 of ${count}`,
          actual: `${logits.length} values`,
        });
      }
      for (let i = 0; i < k; i++) {
        const w = first + i;
        if (done[w]) {
          throw new InvalidArgumentError({
            argument: 'first',
            message: `@modscope/text: window ${w} was scored twice.`,
            hint: 'Add each batch of windows once.',
          });
        }
        done[w] = 1;
        let loss = 0;
        let correct = 0;
        for (let p = 0; p < T - 1; p++) {
          const at = i * size + p * vocab;
          const target = tokens[w * T + p + 1]!;
          let max = Number.NEGATIVE_INFINITY;
          let best = 0;
          for (let v = 0; v < vocab; v++) {
            const x = logits[at + v]!;
            if (x > max) {
              max = x;
              best = v;
            }
          }
          let sum = 0;
          for (let v = 0; v < vocab; v++) sum += Math.exp(logits[at + v]! - max);
          loss += max + Math.log(sum) - logits[at + target]!;
          if (best === target) correct++;
        }
        lossOf[w] = loss;
        correctOf[w] = correct;
      }
    },
    result() {
      const missing = done.indexOf(0);
      if (missing >= 0) {
        throw new InvalidArgumentError({
          argument: 'windows',
          message: `@modscope/text: window ${missing} of ${count} was never scored.`,
          hint: 'Add the logits of every window before asking for the result.',
        });
      }
      const D = windows.domains.length;
      const lossSum = new Float64Array(D + 1);
      const correctSum = new Float64Array(D + 1);
      const n = new Float64Array(D + 1);
      for (let w = 0; w < count; w++) {
        for (const d of [domainOf[w]!, D]) {
          lossSum[d]! += lossOf[w]!;
          correctSum[d]! += correctOf[w]!;
          n[d]! += T - 1;
        }
      }
      const score = (d: number): NextTokenScore => ({ loss: lossSum[d]! / n[d]!, accuracy: correctSum[d]! / n[d]!, positions: n[d]! });
      return {
        overall: score(D),
        domains: windows.domains.map((name, d) => ({ name, ...score(d) })),
        windowLoss: lossOf.map((l) => l / (T - 1)),
        windowAccuracy: Float64Array.from(correctOf, (c) => c / (T - 1)),
      };
    },
  };
}
