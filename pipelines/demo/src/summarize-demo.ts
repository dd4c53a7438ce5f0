import type { ClusterabilityResult } from '@modscope/clusterability';
import type { ExciseRunResult } from '@modscope/excision';
import type { CompareResultFile, LesionResultFile } from '@modscope/results';
import type { DemoData } from './demo-data.js';
import { lesionsByTask, type TaskLesion } from './lesions-by-task.js';
import { type TaskAlignment, taskAlignment } from './task-alignment.js';

/** A relearning attack on the backdoor, in the summary's words. */
export interface DemoRelearning {
  examples: number;
  steps: number;
  stepsToHalf: number | null;
  /** Trigger-specific attack success (method §6.8) and clean accuracy at the end of the attack. */
  attackSuccess: number;
  cleanAccuracy: number;
  /** Clean accuracy fell by more than 10 points during the attack: collapse, not relearning (method §6.7). */
  degenerate: boolean;
}

/** What the demo found, in figures: what `modscope demo` prints, and `modscope demo --json` writes. */
export interface DemoSummary {
  seed: number;
  /** The tfjs backend that trained the model. */
  backend: string;
  /** The output directory, and every file written there. */
  out: string;
  files: { model: string; excised: string; results: string[]; report: string };
  /** Accuracy on clean test inputs, overall and per task. */
  accuracy: { overall: number; A: number; B: number };
  /** The clusterability analysis: n-cut at k, and each null's shuffles. */
  modularity: {
    k: number;
    ncut: number;
    nulls: Record<string, { mean: number; std: number; z: number; p: number; verdict: string }>;
  };
  /** How the input and output units' clusters follow the tasks. */
  tasks: TaskAlignment;
  /** Each sub-cluster's lesion, by task. */
  lesions: TaskLesion[];
  /** Weight-graph vs coactivation modules of the hidden units. */
  compare: { ari: number; nmi: number; p: number };
  /** The backdoor's excision: attack success (`forget`) and clean accuracy (`retain`) at each point. */
  backdoor: {
    units: number;
    modules: ExciseRunResult['chosen'];
    before: { forget: number; retain: number };
    afterExcision: { forget: number; retain: number };
    afterFineTuning: { forget: number; retain: number; steps: number };
    baselines: { method: string; afterExcision: number; afterFineTuning: number }[];
    floor: ExciseRunResult['floor'];
    relearning: { module: DemoRelearning[]; neverTrained: DemoRelearning[] };
  };
  /** Seconds per step, and in all. */
  timings: Record<string, number>;
}

/** The results of one demo run, and where they are. */
export interface DemoResults {
  cluster: ClusterabilityResult;
  lesion: LesionResultFile;
  compare: CompareResultFile;
  excise: ExciseRunResult;
  data: DemoData;
  out: string;
  files: DemoSummary['files'];
  timings: Record<string, number>;
  backend: string;
  seed: number;
}

/** A statistic of a result: null in a file stands for NaN in memory. */
const number = (x: number | null | undefined) => x ?? Number.NaN;

/** The demo's figures from its results. */
export function summarizeDemo(r: DemoResults): DemoSummary {
  const { cluster, lesion, compare, excise, data } = r;
  const perTask = (perClass: readonly (number | null)[]) =>
    [0, 1].map((task) => {
      const classes = [...data.test.taskOfClass.keys()].filter((c) => data.test.taskOfClass[c] === task);
      return classes.reduce((s, c) => s + number(perClass[c]), 0) / classes.length;
    });
  const [accuracyA, accuracyB] = perTask(lesion.baseline.perClassAccuracy);
  const module = excise.methods.find((m) => m.method === 'module')!;
  const last = module.curve[module.curve.length - 1]!;
  const relearned = (model: string) =>
    excise.relearning
      .filter((x) => x.model === model)
      .map((x) => ({
        examples: x.examples,
        steps: x.steps,
        stepsToHalf: x.stats.stepsToHalf,
        attackSuccess: x.stats.finalForget,
        cleanAccuracy: x.stats.finalRetain,
        degenerate: x.degenerate,
      }));
  return {
    seed: r.seed,
    backend: r.backend,
    out: r.out,
    files: r.files,
    accuracy: { overall: lesion.baseline.accuracy, A: accuracyA!, B: accuracyB! },
    modularity: {
      k: cluster.k,
      ncut: cluster.ncut,
      nulls: Object.fromEntries(
        Object.entries(cluster.nulls).map(([name, s]) => [name, { mean: s.mean, std: s.std, z: s.z, p: s.p, verdict: s.verdict }]),
      ),
    },
    tasks: taskAlignment(cluster, data.test),
    lesions: lesionsByTask(lesion, data.test),
    compare: { ari: compare.overall.ari, nmi: compare.overall.nmi, p: compare.overall.permutation.ariP },
    backdoor: {
      units: module.units,
      modules: excise.chosen,
      before: excise.intact,
      afterExcision: { forget: module.forget, retain: module.retain },
      afterFineTuning: { forget: last.forget, retain: last.retain, steps: last.step },
      baselines: excise.methods
        .filter((m) => m.method !== 'module')
        .map((m) => ({ method: m.name, afterExcision: m.forget, afterFineTuning: m.curve[m.curve.length - 1]!.forget })),
      floor: excise.floor,
      relearning: { module: relearned('module'), neverTrained: relearned('never-trained') },
    },
    timings: r.timings,
  };
}
