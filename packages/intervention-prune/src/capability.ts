import { argmax, InvalidArgumentError, type Dataset } from '@modscope/core';
import { stampTrigger, type TriggerOptions } from '@modscope/datasets';

const pkg = '@modscope/intervention-prune';

/** What to forget: a set of classes, or a backdoor trigger that sends inputs to a target class. */
export type ForgetSpec =
  | { kind: 'class'; classes: number[] }
  | { kind: 'trigger'; trigger: Omit<TriggerOptions, 'target' | 'fraction'>; target: number };

/**
 * Parses `class:3` / `class:3,5`, or `trigger` together with a trigger string
 * `row=23,col=23,size=4,value=1` and a target class. Given the data's input shape, the trigger string may
 * be left out or partial (see `parseTrigger` for the defaults).
 */
export function parseForgetSpec(
  spec: string,
  options: { trigger?: string; target?: number; inputShape?: readonly number[] } = {},
): ForgetSpec {
  const classMatch = /^class:(.+)$/.exec(spec.trim());
  if (classMatch) {
    const classes = classMatch[1]!.split(',').map((s) => Number(s.trim()));
    if (classes.length === 0 || classes.some((c) => !Number.isInteger(c) || c < 0)) {
      throw new InvalidArgumentError({
        argument: '--forget',
        message: `${pkg}: '${spec}' does not name classes.`,
        hint: 'Use class:3 or class:3,5 (0-based class indices).',
      });
    }
    return { kind: 'class', classes: [...new Set(classes)].sort((a, b) => a - b) };
  }
  if (spec.trim() === 'trigger') {
    if (!options.trigger && !options.inputShape) {
      throw new InvalidArgumentError({
        argument: '--trigger',
        message: `${pkg}: --forget trigger needs the trigger's position and size.`,
        hint: 'Add e.g. --trigger row=23,col=23,size=4,value=1 --target 0.',
      });
    }
    if (options.target === undefined || !Number.isInteger(options.target) || options.target < 0) {
      throw new InvalidArgumentError({
        argument: '--target',
        message: `${pkg}: --forget trigger needs the class the trigger sends inputs to.`,
        hint: 'Add e.g. --target 0.',
      });
    }
    return { kind: 'trigger', trigger: parseTrigger(options.trigger, options.inputShape), target: options.target };
  }
  throw new InvalidArgumentError({
    argument: '--forget',
    message: `${pkg}: unknown forget set '${spec}'.`,
    hint: 'Use class:3, class:3,5, or trigger (with --trigger and --target).',
  });
}

/** Where and what the trigger stamps: a `size` × `size` patch of `value` at (`row`, `col`). */
export type TriggerPatch = Omit<TriggerOptions, 'target' | 'fraction'>;

const TRIGGER_HINT = 'Write row=NUMBER,col=NUMBER,size=NUMBER,value=NUMBER, e.g. --trigger row=23,col=23,size=4,value=1.';

/**
 * Parses `row=23,col=23,size=4,value=1` (value defaults to 1). Given the input shape (`[h, w(, c)]`, or
 * `[features]` for tabular data), every field has a default, and `text` may be left out: a 4×4 patch of 1
 * in the bottom-right corner of the image, or the last 4 features. Without it, row, col and size are needed.
 */
export function parseTrigger(text: string | undefined, inputShape?: readonly number[]): TriggerPatch {
  const fields = new Map<string, number>();
  for (const part of text === undefined ? [] : text.split(',')) {
    const [key, value] = part.split('=').map((s) => s.trim());
    if (!key || value === undefined || value === '' || !Number.isFinite(Number(value))) {
      throw new InvalidArgumentError({
        argument: '--trigger',
        message: `${pkg}: cannot read '${part}' in trigger '${text}'.`,
        hint: TRIGGER_HINT,
      });
    }
    fields.set(key, Number(value));
  }
  for (const key of fields.keys()) {
    if (!['row', 'col', 'size', 'value'].includes(key)) {
      throw new InvalidArgumentError({ argument: '--trigger', message: `${pkg}: unknown trigger field '${key}'.`, hint: TRIGGER_HINT });
    }
  }
  if (inputShape) {
    const tabular = inputShape.length === 1;
    const size = fields.get('size') ?? 4;
    const h = tabular ? 1 : inputShape[0]!;
    const w = tabular ? inputShape[0]! : inputShape[1]!;
    return {
      row: fields.get('row') ?? (tabular ? 0 : Math.max(0, h - size)),
      col: fields.get('col') ?? Math.max(0, w - size),
      size,
      value: fields.get('value') ?? 1,
    };
  }
  for (const key of ['row', 'col', 'size']) {
    if (!fields.has(key))
      throw new InvalidArgumentError({ argument: '--trigger', message: `${pkg}: the trigger has no ${key}.`, hint: TRIGGER_HINT });
  }
  return { row: fields.get('row')!, col: fields.get('col')!, size: fields.get('size')!, value: fields.get('value') ?? 1 };
}

/**
 * A capability (method §6): the forget set, on which the capability shows, with its metric (accuracy on
 * the forgotten classes, or the trigger-specific attack success rate), and the retain set with its accuracy.
 */
export interface Capability {
  spec: ForgetSpec;
  description: string;
  forget: Dataset;
  /**
   * A trigger's forget inputs without the trigger (same examples, same order): the target predictions they
   * get anyway are subtracted from the attack success (method §6.8). Absent for a class capability.
   */
  control?: Dataset;
  retain: Dataset;
  /**
   * Class accuracy, or the trigger-specific attack success rate (method §6.8), from the logits of the
   * forget examples followed by those of the `control` examples (where there are).
   */
  forgetMetric(logits: Float32Array, outputs: number): number;
  /**
   * A trigger's raw rates from the same logits: `triggered`, the share of triggered inputs predicted as the
   * target (what `forgetMetric` was before method §6.8), and `clean`, the share of the same inputs without
   * the trigger predicted as the target. `forgetMetric` is their difference.
   */
  attackRates?(logits: Float32Array, outputs: number): { triggered: number; clean: number };
  /** Accuracy on the retain set. */
  retainMetric(logits: Float32Array, outputs: number): number;
  forgetMetricName: string;
}

/** The name of the trigger capability's forget metric (method §6.8), as results files write it. */
export const TRIGGER_SPECIFIC_ATTACK_SUCCESS = 'trigger-specific attack success rate';

/**
 * Trigger-specific attack success (method §6.8): the share of `triggered` inputs predicted as `target` minus
 * the share of the same inputs without the trigger (`clean`) predicted as `target`, from logits of the
 * triggered inputs followed by the clean ones. A model that predicts the target everywhere scores 0.
 */
export function triggerAttackRates(
  logits: Float32Array,
  outputs: number,
  count: number,
  target: number,
): { triggered: number; clean: number; specific: number } {
  if (count === 0) return { triggered: Number.NaN, clean: Number.NaN, specific: Number.NaN };
  let triggered = 0;
  let clean = 0;
  for (let i = 0; i < count; i++) {
    if (argmax(logits, i * outputs, outputs) === target) triggered++;
    if (argmax(logits, (count + i) * outputs, outputs) === target) clean++;
  }
  return { triggered: triggered / count, clean: clean / count, specific: (triggered - clean) / count };
}

function subset(dataset: Dataset, keep: (label: number, index: number) => boolean): Dataset {
  const per = dataset.inputs.length / Math.max(dataset.count, 1);
  const indices: number[] = [];
  for (let i = 0; i < dataset.count; i++) if (keep(dataset.labels[i]!, i)) indices.push(i);
  const inputs = new Float32Array(indices.length * per);
  indices.forEach((i, j) => {
    inputs.set(dataset.inputs.subarray(i * per, (i + 1) * per), j * per);
  });
  return { ...dataset, count: indices.length, inputs, labels: Int32Array.from(indices, (i) => dataset.labels[i]!) };
}

function accuracy(logits: Float32Array, outputs: number, labels: Int32Array): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (argmax(logits, i * outputs, outputs) === labels[i]) correct++;
  return labels.length === 0 ? Number.NaN : correct / labels.length;
}

/** Splits a dataset into forget and retain sets for a forget spec. */
export function capabilityFor(dataset: Dataset, spec: ForgetSpec): Capability {
  if (spec.kind === 'class') {
    const missing = spec.classes.filter((c) => c >= dataset.classes);
    if (missing.length > 0) {
      throw new InvalidArgumentError({
        argument: '--forget',
        message: `${pkg}: class ${missing.join(', ')} does not exist in '${dataset.name}', which has classes 0..${dataset.classes - 1}.`,
        hint: `Name classes from 0 to ${dataset.classes - 1}${dataset.classNames ? ` (${dataset.classNames.map((n, c) => `${c} ${n}`).join(', ')})` : ''}.`,
      });
    }
    const forgotten = new Set(spec.classes);
    const forget = subset(dataset, (label) => forgotten.has(label));
    const retain = subset(dataset, (label) => !forgotten.has(label));
    const names = spec.classes.map((c) => dataset.classNames?.[c] ?? String(c));
    return {
      spec,
      description: `class${spec.classes.length > 1 ? 'es' : ''} ${spec.classes.map((c, i) => `${c} (${names[i]})`).join(', ')}`,
      forget,
      retain,
      forgetMetric: (logits, outputs) => accuracy(logits, outputs, forget.labels),
      retainMetric: (logits, outputs) => accuracy(logits, outputs, retain.labels),
      forgetMetricName: 'accuracy on the forgotten classes',
    };
  }
  if (spec.target >= dataset.classes) {
    throw new InvalidArgumentError({
      argument: '--target',
      message: `${pkg}: target class ${spec.target} does not exist in '${dataset.name}' (classes 0..${dataset.classes - 1}).`,
      hint: 'Name the class the trigger sends inputs to.',
    });
  }
  // Attack success is measured on inputs whose true class is not the target, stamped with the trigger, and
  // offset by the same inputs without it (method §6.8).
  const control = subset(dataset, (label) => label !== spec.target);
  const forget = stampTrigger(control, spec.trigger);
  const retain = dataset;
  const target = spec.target;
  return {
    spec,
    description: `the trigger (${spec.trigger.size}×${spec.trigger.size} patch of ${spec.trigger.value} at row ${spec.trigger.row}, col ${spec.trigger.col}) → class ${target}`,
    forget,
    control,
    retain,
    forgetMetric: (logits, outputs) => triggerAttackRates(logits, outputs, forget.count, target).specific,
    attackRates: (logits, outputs) => {
      const { triggered, clean } = triggerAttackRates(logits, outputs, forget.count, target);
      return { triggered, clean };
    },
    retainMetric: (logits, outputs) => accuracy(logits, outputs, retain.labels),
    forgetMetricName: TRIGGER_SPECIFIC_ATTACK_SUCCESS,
  };
}
