import type { PpoLosses, PpoSettings } from './train-agents-options.js';

/** A minibatch as the loss sees it (the network outputs for its rows and what was recorded while acting). */
export interface PpoLossInput {
  /** `rows × actions`: the policy's logits now. */
  logits: Float32Array;
  /** `rows`: the value network's outputs now. */
  values: Float32Array;
  actions: Int32Array;
  /** Log-probability of each action under the policy that acted. */
  logProbabilities: Float32Array;
  advantages: Float32Array;
  returns: Float32Array;
  /** The values given while acting. */
  oldValues: Float32Array;
}

type LossSettings = Pick<PpoSettings, 'clip' | 'clipValue' | 'normalizeAdvantages' | 'entropyCoefficient' | 'valueCoefficient'>;

/**
 * CleanRL's ppo.py loss on one minibatch — clipped surrogate − c_ent · entropy + c_v · ½ · (clipped) squared
 * value error, advantages normalized per minibatch (unbiased std) — with its gradients with respect to the
 * logits and the values, as PyTorch's autograd gives them (ties of the maxima aside), in float64.
 */
export function ppoLoss(
  input: PpoLossInput,
  settings: LossSettings,
): { losses: PpoLosses; logitGradient: Float32Array; valueGradient: Float32Array } {
  const { logits, values, actions, logProbabilities, returns, oldValues } = input;
  const rows = values.length;
  const count = logits.length / rows;
  const { clip, entropyCoefficient: ce, valueCoefficient: cv } = settings;
  let mean = 0;
  let std = 1;
  if (settings.normalizeAdvantages) {
    for (let i = 0; i < rows; i++) mean += input.advantages[i]!;
    mean /= rows;
    let squares = 0;
    for (let i = 0; i < rows; i++) squares += (input.advantages[i]! - mean) ** 2;
    std = Math.sqrt(squares / Math.max(1, rows - 1)) + 1e-8;
  }
  const logitGradient = new Float32Array(logits.length);
  const valueGradient = new Float32Array(rows);
  const logp = new Float64Array(count);
  let policyLoss = 0;
  let valueLoss = 0;
  let entropySum = 0;
  let kl = 0;
  let clipped = 0;
  for (let i = 0; i < rows; i++) {
    const row = i * count;
    let max = Number.NEGATIVE_INFINITY;
    for (let a = 0; a < count; a++) max = Math.max(max, logits[row + a]!);
    let sum = 0;
    for (let a = 0; a < count; a++) sum += Math.exp(logits[row + a]! - max);
    const logSum = max + Math.log(sum);
    let entropy = 0;
    for (let a = 0; a < count; a++) {
      logp[a] = logits[row + a]! - logSum;
      entropy -= Math.exp(logp[a]!) * logp[a]!;
    }
    const action = actions[i]!;
    const logRatio = logp[action]! - logProbabilities[i]!;
    const ratio = Math.exp(logRatio);
    const advantage = (input.advantages[i]! - mean) / std;
    const unclippedLoss = -advantage * ratio;
    const clippedLoss = -advantage * Math.min(Math.max(ratio, 1 - clip), 1 + clip);
    policyLoss += Math.max(unclippedLoss, clippedLoss);
    entropySum += entropy;
    kl += ratio - 1 - logRatio;
    if (Math.abs(ratio - 1) > clip) clipped++;
    // d loss / d log π(action): −Â·r where the unclipped term is the larger one, else 0 (the clipped term is flat there)
    const dTaken = unclippedLoss >= clippedLoss ? (-advantage * ratio) / rows : 0;
    for (let a = 0; a < count; a++) {
      const p = Math.exp(logp[a]!);
      // log-softmax: d log π(action) / d logit_a = [a = action] − p_a; entropy: dH / d logit_a = −p_a (log p_a + H)
      logitGradient[row + a] = dTaken * ((a === action ? 1 : 0) - p) + (ce / rows) * p * (logp[a]! + entropy);
    }
    const v = values[i]!;
    const error = v - returns[i]!;
    if (settings.clipValue) {
      const change = v - oldValues[i]!;
      const clippedError = oldValues[i]! + Math.min(Math.max(change, -clip), clip) - returns[i]!;
      if (error * error >= clippedError * clippedError) {
        valueLoss += error * error;
        valueGradient[i] = (cv / rows) * error;
      } else {
        valueLoss += clippedError * clippedError;
        valueGradient[i] = change >= -clip && change <= clip ? (cv / rows) * clippedError : 0;
      }
    } else {
      valueLoss += error * error;
      valueGradient[i] = (cv / rows) * error;
    }
  }
  return {
    losses: {
      policyLoss: policyLoss / rows,
      valueLoss: (0.5 * valueLoss) / rows,
      entropy: entropySum / rows,
      approxKl: kl / rows,
      clipFraction: clipped / rows,
    },
    logitGradient,
    valueGradient,
  };
}
