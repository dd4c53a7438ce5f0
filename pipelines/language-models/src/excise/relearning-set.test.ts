import { describe, expect, it } from 'vitest';
import { relearningSet } from './relearning-set.js';

/** `count` windows of 4 tokens, window w filled with w + offset. */
const windows = (count: number, offset: number) => ({
  tokens: Int32Array.from({ length: count * 4 }, (_, i) => Math.floor(i / 4) + offset),
  count,
  context: 4,
});

describe('relearningSet', () => {
  it('draws fresh retain windows for every draw and repeats the forget windows to a tenth of the set', () => {
    const forget = windows(10, 10_000);
    const { attack, retain } = relearningSet(forget, windows(5000, 0), { draws: 800, mix: 9, seed: 3 });
    expect(retain.count).toBe(720);
    const ids = (w: number) => attack.tokens[w * 4]!;
    const retained = Array.from({ length: attack.count }, (_, w) => ids(w)).filter((id) => id < 10_000);
    expect(new Set(retained).size).toBe(720); // each retain window once
    const forgotten = Array.from({ length: attack.count }, (_, w) => ids(w)).filter((id) => id >= 10_000);
    expect(forgotten).toHaveLength(80); // 10 windows × 8
    expect(new Set(forgotten).size).toBe(10);
    expect(forgotten.length / attack.count).toBeCloseTo(0.1, 2);
  });

  it('takes 9n retain windows when n is large, and what there is when the retain text is short', () => {
    expect(relearningSet(windows(100, 10_000), windows(5000, 0), { draws: 800, mix: 9, seed: 0 }).attack.count).toBe(1000);
    const short = relearningSet(windows(10, 10_000), windows(200, 0), { draws: 800, mix: 9, seed: 0 });
    expect(short.retain.count).toBe(200);
    expect(short.attack.count).toBe(200 + 20); // 10 forget windows twice: about a tenth
  });
});
