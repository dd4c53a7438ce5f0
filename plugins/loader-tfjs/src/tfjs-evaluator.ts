import type { Evaluator, Network } from '@modscope/core';
import type { TfjsEvaluatorOptions } from './tfjs-evaluator-options.js';

/**
 * An `Evaluator` running the network with tfjs ops on the selected backend (see `selectBackend` of
 * `@modscope/tfjs-runtime`). Weights are uploaded once, when the evaluator is made; edits replace them for
 * one run only, masks scale a layer's output channels, and captured activations come back in the network's
 * layout (for an `nchw` network they are transposed back from the NHWC order tfjs computes in).
 */
export async function createTfjsEvaluator(network: Network, options: TfjsEvaluatorOptions = {}): Promise<Evaluator> {
  // tfjs loads here, the first time a network runs, not when this package is imported.
  const { buildTfjsEvaluator } = await import('./build-tfjs-evaluator.js');
  return buildTfjsEvaluator(network, options);
}
