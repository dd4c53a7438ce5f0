import { InvalidArgumentError, type Dataset } from '@modscope/core';
import { stampTrigger } from '@modscope/datasets';
import { parseTrigger, type TriggerPatch } from '@modscope/intervention-prune';
import { POISON_EXAMPLE, type PoisonSpec } from './parse-poison.js';

/** A backdoored training set and the test set that measures the attack. */
export interface PoisonedDatasets {
  /** The training set with `fraction` of its examples stamped with the trigger and relabelled `target`. */
  train: Dataset;
  /** The test examples whose class is not `target`, all stamped and labelled `target`: accuracy here is the raw attack success. */
  attack: Dataset;
  /** The same examples without the trigger, labelled `target`: accuracy here is what the trigger-specific attack success subtracts (method §6.8). */
  control: Dataset;
  /** The trigger patch placed (the default: a 4×4 patch of 1 in the bottom-right corner; tabular data: the last 4 features). */
  trigger: TriggerPatch;
}

/** The examples whose true class is not `target`, labelled `target`: with the trigger stamped (`attack`), and without (`control`). */
export function triggeredTestSet(test: Dataset, trigger: TriggerPatch, target: number): { attack: Dataset; control: Dataset } {
  const per = test.inputs.length / test.count;
  const keep: number[] = [];
  for (let i = 0; i < test.count; i++) if (test.labels[i] !== target) keep.push(i);
  const inputs = new Float32Array(keep.length * per);
  keep.forEach((j, i) => {
    inputs.set(test.inputs.subarray(j * per, (j + 1) * per), i * per);
  });
  const others: Dataset = { ...test, count: keep.length, inputs, labels: Int32Array.from(keep, (j) => test.labels[j]!) };
  return {
    attack: stampTrigger(others, { ...trigger, target, fraction: 1 }),
    control: { ...others, labels: new Int32Array(keep.length).fill(target) },
  };
}

/**
 * Plants a backdoor: checks the target class, places the trigger (`row=R,col=C,size=S,value=V`, parsed by
 * `parseTrigger` of `@modscope/intervention-prune`), stamps the training set (examples drawn from `seed`)
 * and builds the triggered test set.
 */
export function poisonDatasets(
  train: Dataset,
  test: Dataset,
  poison: PoisonSpec,
  options: { trigger?: string; seed: number },
): PoisonedDatasets {
  if (!(Number.isInteger(poison.target) && poison.target >= 0 && poison.target < train.classes)) {
    throw new InvalidArgumentError({
      argument: '--poison',
      message: `poison target class ${poison.target} is outside [0, ${train.classes}) for dataset '${train.name}'.`,
      hint: `Pick a class from 0 to ${train.classes - 1}, e.g. ${POISON_EXAMPLE}.`,
    });
  }
  const trigger = parseTrigger(options.trigger, train.inputShape);
  return {
    train: stampTrigger(train, { ...trigger, target: poison.target, fraction: poison.fraction, seed: options.seed }),
    ...triggeredTestSet(test, trigger, poison.target),
    trigger,
  };
}
