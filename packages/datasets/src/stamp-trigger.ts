import { createRandom, InvalidArgumentError, ShapeMismatchError, type Dataset } from '@modscope/core';

export interface TriggerOptions {
  /** 0-based row of the patch's top-left corner; must be 0 for tabular (1-D) data. */
  row: number;
  /** 0-based column of the patch's top-left corner; for tabular data the first feature set. */
  col: number;
  /** Side of the square patch (tabular data: number of consecutive features). */
  size: number;
  /** Value written into every pixel and channel of the patch, e.g. 1 for white. */
  value: number;
  /** (number, default none) — class the stamped examples are relabelled to (the backdoor's target). */
  target?: number;
  /** (number in (0, 1], default 1) — fraction of examples stamped, chosen with `seed`. */
  fraction?: number;
  /** (number, default 0) — seed of the choice of stamped examples. */
  seed?: number;
}

/** A dataset with a trigger stamped on some examples. */
export type TriggeredDataset<D extends Dataset = Dataset> = D & {
  /** Indices of the stamped examples, ascending. */
  triggered: Int32Array;
};

/**
 * Stamps a square patch of `value` at (`row`, `col`) on every example (or a seeded `fraction` of them)
 * and optionally relabels them to `target`: the backdoor trigger. Returns a new dataset; the input is
 * not modified. Images are `[h, w]` or `[h, w, c]` (all channels are set). Tabular data (`[n]`) is
 * treated as one row: `row` must be 0 and features `col .. col + size − 1` are set. A patch that does
 * not fit is a `ShapeMismatchError` naming the example shape.
 */
export function stampTrigger<D extends Dataset>(dataset: D, options: TriggerOptions): TriggeredDataset<D> {
  const { row, col, size, value } = options;
  const fraction = options.fraction ?? 1;
  for (const [name, v, min] of [
    ['row', row, 0],
    ['col', col, 0],
    ['size', size, 1],
  ] as const) {
    if (!Number.isInteger(v) || v < min) {
      throw new InvalidArgumentError({
        argument: name,
        message: `@modscope/datasets: trigger ${name} must be an integer ≥ ${min}, got ${v}.`,
      });
    }
  }
  if (!Number.isFinite(value)) {
    throw new InvalidArgumentError({ argument: 'value', message: `@modscope/datasets: trigger value must be finite, got ${value}.` });
  }
  if (!(fraction > 0 && fraction <= 1)) {
    throw new InvalidArgumentError({
      argument: 'fraction',
      message: `@modscope/datasets: trigger fraction must lie in (0, 1], got ${fraction}.`,
    });
  }
  const target = options.target;
  if (target !== undefined && !(Number.isInteger(target) && target >= 0 && target < dataset.classes)) {
    throw new InvalidArgumentError({
      argument: 'target',
      message: `@modscope/datasets: trigger target must be a class in [0, ${dataset.classes}), got ${target}.`,
    });
  }

  const shape = dataset.inputShape;
  if (shape.length < 1 || shape.length > 3) {
    throw new ShapeMismatchError({
      what: `a trigger on dataset '${dataset.name}'`,
      expected: '[features], [h, w] or [h, w, c]',
      actual: shape,
    });
  }
  const tabular = shape.length === 1;
  const h = tabular ? 1 : shape[0]!;
  const w = tabular ? shape[0]! : shape[1]!;
  const c = shape.length === 3 ? shape[2]! : 1;
  const rows = tabular ? 1 : size;
  if (row + rows > h || col + size > w) {
    const where = tabular ? `features ${col}..${col + size - 1}` : `rows ${row}..${row + size - 1}, columns ${col}..${col + size - 1}`;
    throw new ShapeMismatchError({
      what: `a ${tabular ? size : `${size}×${size}`} trigger at row ${row}, col ${col} of dataset '${dataset.name}'`,
      expected: tabular ? `row 0 and features within [0, ${w})` : `a patch within a ${h}×${w} image`,
      actual: `${where}${tabular && row !== 0 ? ` on row ${row}` : ''}`,
      hint: tabular
        ? `Tabular data is one row of ${w} features: use row 0 and col + size ≤ ${w}.`
        : `Use row + size ≤ ${h} and col + size ≤ ${w}.`,
    });
  }

  const per = h * w * c;
  const stamped = Math.round(fraction * dataset.count);
  const triggered =
    stamped === dataset.count
      ? Int32Array.from({ length: dataset.count }, (_, i) => i)
      : createRandom(options.seed ?? 0)
          .sample(dataset.count, stamped)
          .sort();
  const inputs = dataset.inputs.slice();
  const labels = dataset.labels.slice();
  for (const n of triggered) {
    for (let y = row; y < row + rows; y++) {
      const start = n * per + (y * w + col) * c;
      inputs.fill(value, start, start + size * c);
    }
    if (target !== undefined) labels[n] = target;
  }
  return { ...dataset, inputs, labels, triggered };
}
