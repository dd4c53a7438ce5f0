import { describe, expect, it } from 'vitest';
import { createRandom } from '@modscope/core';
import { ppoLoss, type PpoLossInput } from './ppo-loss.js';

const settings = { clip: 0.2, clipValue: true, normalizeAdvantages: true, entropyCoefficient: 0.05, valueCoefficient: 0.5 };

function input(rows: number, actions: number, seed: number): PpoLossInput {
  const random = createRandom(seed);
  const normal = (n: number, scale = 1) => Float32Array.from({ length: n }, () => scale * random.normal());
  const logits = normal(rows * actions);
  const chosen = Int32Array.from({ length: rows }, () => random.int(actions));
  // old log-probabilities near the current ones, so that ratios fall on both sides of the clip range
  const logProbabilities = Float32Array.from({ length: rows }, (_, i) => {
    const row = logits.subarray(i * actions, (i + 1) * actions);
    const logSum = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
    return row[chosen[i]!]! - logSum + 0.4 * random.normal();
  });
  const values = normal(rows);
  return {
    logits,
    values,
    actions: chosen,
    logProbabilities,
    advantages: normal(rows, 2),
    returns: normal(rows),
    oldValues: Float32Array.from(values, (v) => v + 0.3 * random.normal()),
  };
}

const total = (i: PpoLossInput, s = settings) => {
  const { losses } = ppoLoss(i, s);
  return losses.policyLoss - s.entropyCoefficient * losses.entropy + s.valueCoefficient * losses.valueLoss;
};

/** Central difference of the total loss along one input value (the actual float32 step). */
function numeric(i: PpoLossInput, which: 'logits' | 'values', index: number, s = settings): number {
  const array = i[which];
  const original = array[index]!;
  array[index] = original + 1e-3;
  const up = array[index]!;
  const fUp = total(i, s);
  array[index] = original - 1e-3;
  const down = array[index]!;
  const fDown = total(i, s);
  array[index] = original;
  return (fUp - fDown) / (up - down);
}

describe('ppoLoss', () => {
  it('has the gradients of its loss (finite differences), clipped and unclipped samples alike', () => {
    for (const s of [settings, { ...settings, clipValue: false, normalizeAdvantages: false }]) {
      const i = input(24, 4, 5);
      const { logitGradient, valueGradient, losses } = ppoLoss(i, s);
      expect(losses.clipFraction).toBeGreaterThan(0.1);
      expect(losses.clipFraction).toBeLessThan(0.9);
      for (let k = 0; k < i.logits.length; k++) expect(logitGradient[k]).toBeCloseTo(numeric(i, 'logits', k, s), 4);
      for (let k = 0; k < i.values.length; k++) expect(valueGradient[k]).toBeCloseTo(numeric(i, 'values', k, s), 4);
    }
  });

  it('is CleanRL’s loss at ratio 1: −mean advantage (normalized: 0), the entropy of the policy, ½ MSE of the value', () => {
    const rows = 3;
    const logits = Float32Array.of(0, 0, 0, 0, 0, 0); // uniform over 2 actions
    const base = {
      logits,
      values: Float32Array.of(1, 2, 3),
      actions: Int32Array.of(0, 1, 0),
      logProbabilities: Float32Array.of(-Math.LN2, -Math.LN2, -Math.LN2),
      advantages: Float32Array.of(1, 2, 6),
      returns: Float32Array.of(1, 1, 1),
      oldValues: Float32Array.of(1, 2, 3),
    };
    const plain = ppoLoss(base, { ...settings, normalizeAdvantages: false }).losses;
    expect(plain.policyLoss).toBeCloseTo(-3, 6);
    expect(plain.entropy).toBeCloseTo(Math.LN2, 6);
    expect(plain.valueLoss).toBeCloseTo((0.5 * (0 + 1 + 4)) / rows, 6);
    expect(plain.approxKl).toBeCloseTo(0, 6);
    expect(plain.clipFraction).toBe(0);
    expect(ppoLoss(base, settings).losses.policyLoss).toBeCloseTo(0, 6);
  });
});
