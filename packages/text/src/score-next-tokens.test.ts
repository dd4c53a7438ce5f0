import { InvalidArgumentError, ShapeMismatchError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import type { TokenWindows } from './cut-windows.js';
import { createNextTokenScorer, scoreNextTokens } from './score-next-tokens.js';

const windowsOf = (tokens: number[][], domainOf: number[], vocabSize: number): TokenWindows => ({
  tokens: Int32Array.from(tokens.flat()),
  count: tokens.length,
  context: tokens[0]!.length,
  domains: ['a', 'b'],
  domainOf: Int32Array.from(domainOf),
  test: new Uint8Array(tokens.length),
  vocabSize,
});

/** A small deterministic generator for test logits. */
function random(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

/** The textbook formulas, no tricks: p = exp(x_t) / Σ exp(x), loss = −log p. */
function naive(logits: Float32Array, w: TokenWindows, vocab: number) {
  const T = w.context;
  const loss = [0, 0, 0];
  const correct = [0, 0, 0];
  const n = [0, 0, 0];
  for (let i = 0; i < w.count; i++) {
    for (let p = 0; p < T - 1; p++) {
      const row = Array.from(logits.subarray((i * T + p) * vocab, (i * T + p + 1) * vocab));
      const target = w.tokens[i * T + p + 1]!;
      const z = row.reduce((s, x) => s + Math.exp(x), 0);
      const best = row.indexOf(Math.max(...row));
      for (const d of [w.domainOf[i]!, 2]) {
        loss[d]! += -Math.log(Math.exp(row[target]!) / z);
        correct[d]! += best === target ? 1 : 0;
        n[d]! += 1;
      }
    }
  }
  return [0, 1, 2].map((d) => ({ loss: loss[d]! / n[d]!, accuracy: correct[d]! / n[d]!, positions: n[d]! }));
}

describe('scoreNextTokens', () => {
  it('matches a hand-computed example', () => {
    const w = windowsOf(
      [
        [0, 1, 2],
        [2, 2, 0],
      ],
      [0, 1],
      3,
    );
    const rows = [
      [0, 0, 0], // → 1: loss ln 3; argmax 0, the first of a tie: wrong
      [0, 0, 2], // → 2: loss ln(2 + e²) − 2; right
      [9, 9, 9], // last position: not scored
      [1, 0, 1], // → 2: loss ln(2e + 1) − 1; argmax 0: wrong
      [5, 0, 0], // → 0: loss ln(e⁵ + 2) − 5; right
      [9, 9, 9],
    ];
    const logits = Float32Array.from(rows.flat());
    const a = [Math.log(3), Math.log(2 + Math.E ** 2) - 2];
    const b = [Math.log(2 * Math.E + 1) - 1, Math.log(Math.E ** 5 + 2) - 5];
    const score = scoreNextTokens(logits, w);
    expect(score.domains[0]!.name).toBe('a');
    expect(score.domains[0]!.loss).toBeCloseTo((a[0]! + a[1]!) / 2, 12);
    expect(score.domains[0]!.accuracy).toBe(0.5);
    expect(score.domains[1]!.loss).toBeCloseTo((b[0]! + b[1]!) / 2, 12);
    expect(score.domains[1]!.accuracy).toBe(0.5);
    expect(score.overall.loss).toBeCloseTo((a[0]! + a[1]! + b[0]! + b[1]!) / 4, 12);
    expect(score.overall.accuracy).toBe(0.5);
    expect(score.overall.positions).toBe(4);
    expect(Array.from(score.windowAccuracy)).toEqual([0.5, 0.5]);
    expect(score.windowLoss[1]).toBeCloseTo((b[0]! + b[1]!) / 2, 12);
  });

  it('agrees with the naive formulas on random logits, overall a mean over positions', () => {
    const next = random(7);
    const T = 6;
    const vocab = 9; // more logits than the tokenizer's 7 tokens: a padded embedding
    const tokens = Array.from({ length: 5 }, () => Array.from({ length: T }, () => Math.floor(next() * 7)));
    const w = windowsOf(tokens, [0, 0, 1, 0, 1], 7);
    const logits = Float32Array.from({ length: 5 * T * vocab }, () => (next() - 0.5) * 8);
    const score = scoreNextTokens(logits, w);
    const [a, b, all] = naive(logits, w, vocab);
    expect(score.domains[0]!.loss).toBeCloseTo(a!.loss, 12);
    expect(score.domains[1]!.loss).toBeCloseTo(b!.loss, 12);
    expect(score.overall.loss).toBeCloseTo(all!.loss, 12);
    expect(score.overall.accuracy).toBe(all!.accuracy);
    expect(score.domains.map((d) => d.positions)).toEqual([15, 10]);
    // the overall loss weighs positions, not domains: (3·a + 2·b) / 5
    expect(score.overall.loss).toBeCloseTo((3 * a!.loss + 2 * b!.loss) / 5, 12);
  });

  it('stays finite for large logits (log-softmax after subtracting the maximum)', () => {
    const w = windowsOf([[0, 1, 2]], [0], 3);
    const small = Float32Array.of(0, 1, 2, 3, 1, 0, 0, 0, 0);
    const large = small.map((x) => x + 10_000);
    const s = scoreNextTokens(small, w);
    const l = scoreNextTokens(large, w);
    expect(Number.isFinite(l.overall.loss)).toBe(true);
    expect(l.overall.loss).toBeCloseTo(s.overall.loss, 12);
    expect(l.overall.accuracy).toBe(s.overall.accuracy);
  });

  it('refuses logits of the wrong size', () => {
    const w = windowsOf([[0, 1, 2]], [0], 3);
    expect(() => scoreNextTokens(new Float32Array(10), w)).toThrow(ShapeMismatchError);
    expect(() => scoreNextTokens(new Float32Array(10), w)).toThrow('expected 1 × 3 × vocab values, got 10 values');
    expect(() => scoreNextTokens(new Float32Array(6), w)).toThrow("at least 3 values per position (the tokenizer's vocabulary), got 2");
  });
});

describe('createNextTokenScorer', () => {
  it('scores batch by batch, in any order, exactly as all at once', () => {
    const next = random(3);
    const T = 4;
    const vocab = 5;
    const tokens = Array.from({ length: 7 }, () => Array.from({ length: T }, () => Math.floor(next() * vocab)));
    const w = windowsOf(tokens, [0, 1, 0, 1, 1, 0, 0], vocab);
    const logits = Float32Array.from({ length: 7 * T * vocab }, () => next() * 4);
    const whole = scoreNextTokens(logits, w);
    const scorer = createNextTokenScorer(w, vocab);
    const size = T * vocab;
    for (const [first, k] of [
      [4, 3],
      [0, 2],
      [2, 2],
    ] as const) {
      scorer.add(logits.slice(first * size, (first + k) * size), first);
    }
    expect(scorer.result()).toEqual(whole);
  });

  it('refuses a window scored twice, one never scored, and a batch past the end', () => {
    const w = windowsOf(
      [
        [0, 1],
        [1, 0],
      ],
      [0, 1],
      2,
    );
    const scorer = createNextTokenScorer(w, 2);
    scorer.add(new Float32Array(4), 0);
    expect(() => scorer.add(new Float32Array(4), 0)).toThrow(InvalidArgumentError);
    expect(() => scorer.add(new Float32Array(4), 0)).toThrow('@modscope/text: window 0 was scored twice.');
    expect(() => scorer.result()).toThrow('@modscope/text: window 1 of 2 was never scored.');
    expect(() => scorer.add(new Float32Array(8), 1)).toThrow(ShapeMismatchError);
    expect(() => scorer.add(new Float32Array(3), 1)).toThrow(ShapeMismatchError);
  });
});
