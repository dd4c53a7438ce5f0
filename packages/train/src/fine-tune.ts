import type { LabelledExamples, Network } from '@modscope/core';
import { runTraining } from './training-loop.js';
import type { FineTuneOptions, TrainResult } from './train-options.js';

/**
 * Continues training from the network's own weights: `train` without re-initialization, one epoch by
 * default, or exactly `steps` steps. With `masks` the pruned weights and units stay at zero (mask held);
 * without, they may regrow (mask released). `evaluateEvery` with `onEvaluate` records recovery curves.
 */
export function fineTune<E = unknown>(network: Network, data: LabelledExamples, options: FineTuneOptions<E> = {}): Promise<TrainResult<E>> {
  return runTraining(network, data, options, 'fine-tune');
}
