import { join } from 'node:path';

// The input files of a command, as `checkOutputs` takes them: no output may replace one.

/** A `--partition` source as an input: a file, unless it names a partition to compute. */
export function partitionInput(source: string | undefined): { what: string; path: string | undefined } {
  const computed = source === undefined || ['weights', 'coactivation', 'coactivation-local'].includes(source);
  return { what: 'the --partition file', path: computed ? undefined : source };
}

/** A model's files as inputs: the path, and `model.json` when the path is a TF.js model's directory. */
export function modelInputs(path: string): Array<{ what: string; path: string }> {
  return [
    { what: 'the model', path },
    { what: 'the model', path: join(path, 'model.json') },
  ];
}
