import {
  createRandom,
  type Dataset,
  type Evaluator,
  InvalidArgumentError,
  labelledExamples,
  type Network,
  type Random,
  takeExamples,
} from '@modscope/core';
import type { Capability } from './capability.js';
import { metricsOf } from './figures.js';
import type { FineTuner } from './fine-tuner.js';
import { type CurvePoint, retainCollapse } from './recovery.js';
import { capabilityInputs, type CapabilityInputs } from './score-units.js';

/** Retain examples mixed into the relearning attack per forget example by default: batches about 10% forget. */
export const RELEARN_RETAIN_PER_EXAMPLE = 9;

/** Fine-tuning steps of a relearning attack by default. */
const RELEARN_STEPS = 50;

export interface RelearningAttackOptions {
  /** (`Dataset`) — forget-set training examples to draw the attack's from (for a backdoor: triggered inputs labelled with the target). */
  forgetTraining: Dataset;
  /** (`Dataset`) — retain training examples to mix in. */
  retainTraining: Dataset;
  /** (number) — forget examples fine-tuned on (all of `forgetTraining` when it has fewer). */
  examples: number;
  /** (number, default 50) — fine-tuning steps. */
  steps?: number;
  /**
   * (number, default 9: batches about 10% forget) — retain examples mixed in per forget example. 0 fine-tunes on
   * forget examples alone, which a network fits by predicting the forget label everywhere (degenerate).
   */
  retainPerExample?: number;
  /** (`FineTuner`) — how the network is fine-tuned (`trainFineTuner` of `@modscope/excision`). */
  fineTune: FineTuner;
  /** (function) — how each network along the attack is evaluated. */
  createEvaluator: (network: Network) => Promise<Evaluator>;
  /** (number, default 0) — seed of the draw of examples and of the fine-tuning. */
  seed?: number;
  /** (`CapabilityInputs`, default laid out for `network`) — the held-out evaluation inputs, when the caller has them already. */
  data?: CapabilityInputs;
}

/** One relearning attack: what it fine-tuned on, the curve of the forget and retain metrics, and whether it collapsed. */
export interface RelearnRun {
  /** Forget examples fine-tuned on, and the retain examples mixed in with them. */
  examples: number;
  retainExamples: number;
  /** The forget metric (on held-out forget examples) and the retain metric every tenth of the attack, from step 0. */
  curve: CurvePoint[];
  /** Retain metric at the start of the attack minus at its end. */
  retainDrop: number;
  /** The retain metric fell by more than 10 points: collapse, not relearning (method §6.7). */
  degenerate: boolean;
}

/**
 * `count` examples of a dataset drawn at random (all of it when it has fewer): the first `count` of one
 * seeded permutation, so the draws for 10 and 100 examples are nested and a dataset sorted by class still
 * gives a mixed sample.
 */
function sample(dataset: Dataset, count: number, random: Random): Dataset {
  if (dataset.count <= count) return dataset;
  return takeExamples(dataset, random.shuffle(Int32Array.from({ length: dataset.count }, (_, i) => i)).subarray(0, count));
}

/** Two datasets of the same input shape as one. */
function concat(a: Dataset, b: Dataset): Dataset {
  if (b.count === 0) return a;
  const inputs = new Float32Array(a.inputs.length + b.inputs.length);
  inputs.set(a.inputs);
  inputs.set(b.inputs, a.inputs.length);
  const labels = new Int32Array(a.count + b.count);
  labels.set(a.labels);
  labels.set(b.labels, a.count);
  return { ...a, count: a.count + b.count, inputs, labels };
}

/**
 * The relearning attack of method §6.7 on one network: fine-tunes it for a fixed number of steps on
 * `examples` forget examples mixed into retain data (by default 9 retain examples per forget one, so batches
 * are about 10% forget) and measures the capability on the held-out forget set (the capability's, cut from
 * the test split) and the retain metric every tenth of the way. A run whose retain metric fell by more than
 * 10 points is `degenerate`. The examples drawn depend on the seed only, so every network attacked with the
 * same options sees the same ones. The network is not modified.
 */
export async function relearningAttack(network: Network, capability: Capability, options: RelearningAttackOptions): Promise<RelearnRun> {
  const steps = options.steps ?? RELEARN_STEPS;
  const perExample = options.retainPerExample ?? RELEARN_RETAIN_PER_EXAMPLE;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(options.examples) || options.examples < 1 || !Number.isInteger(steps) || steps < 1) {
    throw new InvalidArgumentError({
      argument: 'examples',
      message: `@modscope/intervention-prune: a relearning attack needs whole numbers of forget examples (≥ 1) and steps (≥ 1), got ${options.examples} and ${steps}.`,
      hint: 'e.g. examples 10, steps 50.',
    });
  }
  if (!Number.isInteger(perExample) || perExample < 0) {
    throw new InvalidArgumentError({
      argument: 'retainPerExample',
      message: `@modscope/intervention-prune: retainPerExample must be a whole number ≥ 0, got ${perExample}.`,
      hint: `${RELEARN_RETAIN_PER_EXAMPLE} makes batches about 10% forget.`,
    });
  }
  let data = options.data;
  if (!data) {
    const evaluator = await options.createEvaluator(network);
    try {
      data = capabilityInputs(evaluator, capability);
    } finally {
      await evaluator.dispose();
    }
  }
  const few = sample(options.forgetTraining, options.examples, createRandom(seed).fork(1));
  const mixed = sample(options.retainTraining, few.count * perExample, createRandom(seed).fork(2));
  const curve: CurvePoint[] = [];
  const measured = data;
  await options.fineTune({
    network,
    data: labelledExamples(concat(few, mixed), network),
    steps,
    evaluateEvery: Math.max(1, Math.floor(steps / 10)),
    onEvaluate: async (current, step) => {
      curve.push({ step, ...(await metricsOf(options.createEvaluator, current, capability, measured)) });
    },
    seed,
  });
  return { examples: few.count, retainExamples: mixed.count, curve, ...retainCollapse(curve) };
}
