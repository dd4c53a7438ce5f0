import type { LabelledExamples, Network } from '@modscope/core';
import type { WeightMask } from './prune-units.js';

export interface FineTuneRequest {
  network: Network;
  /** The retain (or, for the relearning attack, forget and retain) examples in the network's input layout. */
  data: LabelledExamples;
  steps: number;
  /** Weights to hold at zero throughout (the mask kept); absent: pruned weights may regrow. */
  masks?: readonly WeightMask[];
  /** Called with the current weights every `evaluateEvery` steps (and at the end). */
  evaluateEvery: number;
  onEvaluate: (network: Network, step: number) => Promise<void>;
  seed: number;
}

/** Fine-tunes a copy of a network and returns it; `trainFineTuner` of `@modscope/excision` makes one from `@modscope/train`. */
export type FineTuner = (request: FineTuneRequest) => Promise<Network>;
