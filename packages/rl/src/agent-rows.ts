import type { Random } from '@modscope/core';

/**
 * Copies agent `agent`'s observations out of the game-major array the environment writes (`games ×
 * agentCount × size`) into `into` at `offset`, one row per game: the contiguous batch its networks read.
 */
export function agentRows(all: Float32Array, agentCount: number, agent: number, size: number, into: Float32Array, offset: number): void {
  const games = all.length / (agentCount * size);
  for (let g = 0; g < games; g++) {
    const from = (g * agentCount + agent) * size;
    into.set(all.subarray(from, from + size), offset + g * size);
  }
}

/**
 * Picks one action per game from log-probabilities (`games × actions`): sampled with one draw of `random` per
 * game (inverse CDF, in game order), or the most probable one (lowest index on ties) when `random` is null.
 * Writes the action into `actions[g · agentCount + agent]` and returns nothing else; `chosen` (when given)
 * receives each chosen action's log-probability at `offset + g`.
 */
export function chooseActions(
  logProbabilities: Float32Array,
  count: number,
  random: Random | null,
  actions: Int32Array,
  agentCount: number,
  agent: number,
  chosen?: { into: Float32Array; offset: number },
): void {
  const games = logProbabilities.length / count;
  for (let g = 0; g < games; g++) {
    const row = g * count;
    let action = 0;
    if (random) {
      const u = random.next();
      let cumulative = 0;
      action = count - 1;
      for (let a = 0; a < count; a++) {
        cumulative += Math.exp(logProbabilities[row + a]!);
        if (u < cumulative) {
          action = a;
          break;
        }
      }
    } else {
      for (let a = 1; a < count; a++) if (logProbabilities[row + a]! > logProbabilities[row + action]!) action = a;
    }
    actions[g * agentCount + agent] = action;
    if (chosen) chosen.into[chosen.offset + g] = logProbabilities[row + action]!;
  }
}

/** Row-wise log-softmax of `rows × count` logits into `into`, in float64 arithmetic. */
export function logSoftmaxRows(logits: Float32Array, count: number, into: Float32Array): void {
  for (let row = 0; row < logits.length; row += count) {
    let max = Number.NEGATIVE_INFINITY;
    for (let a = 0; a < count; a++) max = Math.max(max, logits[row + a]!);
    let sum = 0;
    for (let a = 0; a < count; a++) sum += Math.exp(logits[row + a]! - max);
    const logSum = max + Math.log(sum);
    for (let a = 0; a < count; a++) into[row + a] = logits[row + a]! - logSum;
  }
}
