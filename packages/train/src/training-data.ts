import {
  InvalidArgumentError,
  inputSize,
  outputSize,
  ShapeMismatchError,
  getLayer,
  type LabelledExamples,
  type Network,
} from '@modscope/core';
import { logitsLayer } from './forward-pass.js';

const pkg = '@modscope/train';

/** Checks the heads of a multi-head loss: non-empty, disjoint slices within the outputs. */
export function checkHeads(
  heads: readonly (readonly [number, number])[] | undefined,
  outputs: number,
): readonly (readonly [number, number])[] {
  if (!Array.isArray(heads) || heads.length === 0) {
    throw new InvalidArgumentError({
      argument: 'heads',
      message: `${pkg}: loss 'multi-head' needs heads, e.g. [[0, 4], [4, 8]].`,
      hint: 'Give each head as [start, end) over the outputs.',
    });
  }
  const covered = new Uint8Array(outputs);
  for (const head of heads) {
    const [start, end] = head;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > outputs || end - start < 1) {
      throw new InvalidArgumentError({
        argument: 'heads',
        message: `${pkg}: head [${head.join(', ')}] is not a slice [start, end) of the ${outputs} outputs.`,
      });
    }
    for (let o = start; o < end; o++) {
      if (covered[o])
        throw new InvalidArgumentError({
          argument: 'heads',
          message: `${pkg}: heads overlap at output ${o}.`,
          hint: 'Give disjoint slices.',
        });
      covered[o] = 1;
    }
  }
  return heads;
}

/** Index of the head holding each label (all 0 for a plain cross-entropy). */
export function headOfLabels(labels: ArrayLike<number>, heads: readonly (readonly [number, number])[] | null): Int32Array {
  const out = new Int32Array(labels.length);
  if (!heads) return out;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    const h = heads.findIndex(([s, e]) => label >= s && label < e);
    if (h < 0) {
      throw new InvalidArgumentError({
        argument: 'labels',
        message: `${pkg}: label ${label} of example ${i} lies in no head (${heads.map((x) => `[${x.join(', ')})`).join(', ')}).`,
        hint: 'Every class must belong to one head.',
      });
    }
    out[i] = h;
  }
  return out;
}

/** Checks that the data fits the network; returns the number of logits. */
export function checkData(network: Network, data: LabelledExamples, what = 'data'): number {
  if (!data || !(data.inputs instanceof Float32Array) || !Number.isInteger(data.count) || data.count < 1) {
    throw new InvalidArgumentError({
      argument: what,
      message: `${pkg}: ${what} must be { inputs: Float32Array, count ≥ 1, labels, classes }.`,
      hint: 'Build it with labelledExamples(dataset, network) from @modscope/core.',
    });
  }
  const per = inputSize(network);
  if (data.inputs.length !== data.count * per) {
    throw new ShapeMismatchError({
      what: `${what} for model '${network.name}'`,
      expected: `${data.count} examples × ${per} values (input [${getLayer(network, network.layers[0]!.id).outputShape.join(', ')}])`,
      actual: `${data.inputs.length} values`,
      hint: 'Lay the dataset out in the network input shape with prepareInputs(dataset, network), or use a network made for this data.',
    });
  }
  if (data.labels.length !== data.count) {
    throw new ShapeMismatchError({ what: `labels of ${what}`, expected: [data.count], actual: [data.labels.length] });
  }
  const logits = getLayer(network, logitsLayer(network)).outputShape.length === 1 ? outputSize(network) : Number.NaN;
  if (!Number.isInteger(data.classes) || data.classes < 1 || data.classes > logits) {
    throw new ShapeMismatchError({
      what: `classes of ${what} against the outputs of model '${network.name}'`,
      expected: `at most ${logits} classes`,
      actual: `${data.classes}`,
      hint: 'Use a network with one output per class.',
    });
  }
  for (let i = 0; i < data.count; i++) {
    const label = data.labels[i]!;
    if (!Number.isInteger(label) || label < 0 || label >= data.classes) {
      throw new InvalidArgumentError({
        argument: 'labels',
        message: `${pkg}: label ${label} of example ${i} is outside [0, ${data.classes}).`,
      });
    }
  }
  return logits;
}
