import { InvalidArgumentError, outputSize, prepareInputs, ShapeMismatchError, type Dataset, type LoadedModel } from '@modscope/core';

/** The dataset laid out for the model, with the checks that make a mismatch a clear error. */
export function inputsFor(model: LoadedModel, dataset: Dataset, options: { mean?: number[]; std?: number[] }): Float32Array {
  const outputs = outputSize(model.network);
  if (outputs < dataset.classes) {
    throw new ShapeMismatchError({
      what: `the output of model '${model.network.name}' for dataset '${dataset.name}'`,
      expected: `at least ${dataset.classes} outputs (one per class)`,
      actual: [outputs],
      hint: 'Use the dataset the model was trained for.',
    });
  }
  if ((options.mean === undefined) !== (options.std === undefined)) {
    throw new InvalidArgumentError({
      argument: '--mean/--std',
      message: 'give --mean and --std together.',
      hint: 'e.g. --mean 0.286 --std 0.353',
    });
  }
  return prepareInputs(dataset, model.network, options.mean && options.std ? { normalize: { mean: options.mean, std: options.std } } : {});
}
