import type { Network } from '@modscope/core';
import { recoveryStats, type CurvePoint, type RecoveryStats } from '@modscope/intervention-prune';
import { attackSuccessRate, greedyContinue, type Tokenizer } from '@modscope/text';
import { createNetworkNextLogits } from '../network-next-logits.js';
import type { TextCapability } from './text-capability.js';
import { createTextSession, type ScoredSequence } from './text-session.js';

/** The forget and retain metrics of one network: the forget loss or attack success, and the retain loss (nats). */
export interface TextFigures {
  forget: number;
  retain: number;
}

/** At most `n` sequences, spread evenly over the set (all of them when there are fewer). */
export function spread(sequences: readonly ScoredSequence[], n: number): ScoredSequence[] {
  if (sequences.length <= n) return [...sequences];
  return Array.from({ length: n }, (_, i) => sequences[Math.floor((i * sequences.length) / n)]!);
}

/** Tokens a trigger's continuation is read for: twice the target's length (as `attackSuccessRate` does by default). */
function continueTokensOf(capability: TextCapability, tokenizer: Tokenizer): number {
  return capability.spec.kind === 'trigger' ? 2 * tokenizer.encode(capability.spec.target).length : 24;
}

/** Measures a network on the capability: held-out forget loss (a domain) or attack success (a trigger), and the retain loss. */
export async function textFigures(network: Network, capability: TextCapability, tokenizer: Tokenizer): Promise<TextFigures> {
  const session = createTextSession(network);
  let retain: number;
  let forget: number;
  try {
    retain = session.loss(capability.retainTest).loss;
    forget = capability.spec.kind === 'domain' ? session.loss(capability.forgetTest).loss : Number.NaN;
  } finally {
    session.dispose();
  }
  if (capability.spec.kind === 'trigger') forget = await attackSuccess(network, capability, tokenizer);
  return { forget, retain };
}

/** A trigger's attack success on the capability's held-out prompts (greedy continuations, method §9). */
export async function attackSuccess(network: Network, capability: TextCapability, tokenizer: Tokenizer): Promise<number> {
  if (capability.spec.kind !== 'trigger' || !capability.prompts) return Number.NaN;
  const model = createNetworkNextLogits(network);
  try {
    const rate = await attackSuccessRate(model.nextLogits, {
      tokenizer,
      prompts: capability.prompts,
      target: capability.spec.target,
      context: model.context,
      samples: 0,
    });
    return rate.attackSuccess;
  } finally {
    model.dispose();
  }
}

/** Greedy continuations of the capability's sample prompts. */
export async function sampleContinuations(network: Network, capability: TextCapability, tokenizer: Tokenizer): Promise<string[]> {
  const model = createNetworkNextLogits(network);
  try {
    const prompts = capability.samplePrompts.map((p) => tokenizer.encode(p));
    const continuations = await greedyContinue(model.nextLogits, prompts, continueTokensOf(capability, tokenizer), {
      context: model.context,
    });
    return continuations.map((c) => tokenizer.decode(c));
  } finally {
    model.dispose();
  }
}

/**
 * `recoveryStats` of `@modscope/intervention-prune` for either direction of forget metric: attack success
 * (higher is the capability) as it is, a loss (lower is the capability) negated and the result turned back.
 */
export function textRecoveryStats(curve: readonly CurvePoint[], before: number, higherIsCapable: boolean): RecoveryStats {
  if (higherIsCapable) return recoveryStats(curve, before);
  const stats = recoveryStats(
    curve.map((p) => ({ ...p, forget: -p.forget })),
    -before,
  );
  return { ...stats, forgetArea: -stats.forgetArea, finalForget: -stats.finalForget };
}

/** L2 distance between two networks' weights (every array of every layer, in order). */
export function weightDistance(a: Network, b: Network): number {
  let sum = 0;
  a.layers.forEach((layer, i) => {
    const other = b.layers[i]! as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(layer)) {
      if (!(value instanceof Float32Array)) continue;
      const w = other[key] as Float32Array;
      for (let j = 0; j < value.length; j++) sum += (value[j]! - w[j]!) ** 2;
    }
  });
  return Math.sqrt(sum);
}
