import { createRandom } from '@modscope/core';
import type { TokenSequences } from '@modscope/train';

/** Draws `n` windows of `data` (seeded). */
export function draw(data: TokenSequences, n: number, seed: number): TokenSequences {
  const picked = createRandom(seed).sample(data.count, Math.min(n, data.count));
  const tokens = new Int32Array(picked.length * data.context);
  picked.forEach((w, i) => {
    tokens.set(data.tokens.subarray(w * data.context, (w + 1) * data.context), i * data.context);
  });
  return { tokens, count: picked.length, context: data.context };
}

/**
 * The relearning attack's training set (method §6.7): fresh retain windows, as many as the attack's
 * `draws` (steps × batch size) call for at `mix` retain per forget window (9: a tenth forget), each drawn
 * once where the retain text has enough; and the n forget windows, repeated until they are about 1 / (mix + 1)
 * of the set. (A fixed 9n retain windows, seen as often as the forget ones — 90 windows for 800 draws at
 * n = 10 — overfits them and raised the held-out retain loss of every model.)
 */
export function relearningSet(
  forget: TokenSequences,
  retainTraining: TokenSequences,
  options: { draws: number; mix: number; seed: number },
): { attack: TokenSequences; retain: TokenSequences } {
  const { draws, mix, seed } = options;
  const retain = draw(retainTraining, Math.max(mix * forget.count, Math.ceil((mix / (mix + 1)) * draws)), seed);
  const copies = Math.max(1, Math.round(retain.count / mix / forget.count));
  const T = forget.context;
  const tokens = new Int32Array((copies * forget.count + retain.count) * T);
  for (let c = 0; c < copies; c++) tokens.set(forget.tokens, c * forget.tokens.length);
  tokens.set(retain.tokens, copies * forget.tokens.length);
  return { attack: { tokens, count: copies * forget.count + retain.count, context: T }, retain };
}
