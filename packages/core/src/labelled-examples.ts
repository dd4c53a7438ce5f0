import { prepareInputs, type Dataset, type PrepareInputsOptions } from './dataset.js';
import type { Network } from './network.js';

/**
 * Labelled examples laid out for one network (see `prepareInputs`): what lesion sweeps, capability tests
 * and training steps consume. A `Dataset` holds examples as stored; this holds them as the model reads them.
 */
export interface LabelledExamples {
  /** `count × inputSize(network)` values, example-major, in the network's input layout. */
  inputs: Float32Array;
  count: number;
  /** Class of each example, in [0, classes). */
  labels: Int32Array;
  /** Number of classes. */
  classes: number;
}

/** A dataset's examples laid out for `network` (`prepareInputs`), with their labels and class count. */
export function labelledExamples(dataset: Dataset, network: Network, options: PrepareInputsOptions = {}): LabelledExamples {
  return { inputs: prepareInputs(dataset, network, options), count: dataset.count, labels: dataset.labels, classes: dataset.classes };
}
