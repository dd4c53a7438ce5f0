import { InvalidArgumentError } from './errors.js';

export interface ClassificationReport {
  count: number;
  accuracy: number;
  /** Accuracy per true class (NaN for a class with no examples). */
  perClassAccuracy: number[];
  /** `confusion[true][predicted]` counts. */
  confusion: number[][];
}

/** Index of the largest of `outputs` values starting at `offset` (first on ties). */
export function argmax(values: Float32Array, offset: number, outputs: number): number {
  let best = 0;
  let bestValue = values[offset]!;
  for (let j = 1; j < outputs; j++) {
    const v = values[offset + j]!;
    if (v > bestValue) {
      bestValue = v;
      best = j;
    }
  }
  return best;
}

/** Accuracy, per-class accuracy and confusion matrix from model outputs and true labels. */
export function classificationReport(logits: Float32Array, labels: Int32Array, classes: number, outputs = classes): ClassificationReport {
  const count = labels.length;
  if (logits.length !== count * outputs) {
    throw new InvalidArgumentError({
      argument: 'logits',
      message: `Got ${logits.length} output values for ${count} labels × ${outputs} outputs.`,
    });
  }
  const confusion = Array.from({ length: classes }, () => new Array<number>(Math.max(classes, outputs)).fill(0));
  let correct = 0;
  for (let i = 0; i < count; i++) {
    const label = labels[i]!;
    if (label < 0 || label >= classes) {
      throw new InvalidArgumentError({
        argument: 'labels',
        message: `Label ${label} of example ${i} is outside 0..${classes - 1}.`,
        hint: 'The dataset and the model disagree on the number of classes.',
      });
    }
    const predicted = argmax(logits, i * outputs, outputs);
    confusion[label]![predicted]! += 1;
    if (predicted === label) correct++;
  }
  const perClassAccuracy = confusion.map((row, c) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total === 0 ? Number.NaN : row[c]! / total;
  });
  return { count, accuracy: count === 0 ? Number.NaN : correct / count, perClassAccuracy, confusion };
}
