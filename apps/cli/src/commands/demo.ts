import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Dataset, Network } from '@modscope/core';
import { stampTrigger, twoTaskDataset, type TwoTaskDataset } from '@modscope/datasets';
import { NULL_MODELS } from '@modscope/graph';
import { adjustedRandIndex } from '@modscope/metrics';
import { loadModel } from '../loaders.js';
import { jsonText, percent, print, printJson, progress, table } from '../output.js';
import type { ClusterJson } from './cluster.js';
import type { LesionResultJson } from './lesion.js';
import type { CompareJson } from './compare.js';
import type { ExciseJson } from '../excise-run.js';

export interface DemoOptions {
  out: string;
  seed: number;
  json?: boolean;
}

/**
 * The demo's fixed recipe, chosen by measuring (k = 2, seeds 0–5): with the paired training rows,
 * clusterable initialization, pruning to 90% and L1 0.002, every hidden module's lesion hurts one task
 * only, the input and output units split by task (ARI 0.89–1.0) and the network is more clusterable than
 * its 'layer-nonzero' shuffles (p ≤ 0.04 with 100 shuffles; against 'layer', p 0.01–0.11). Trained on
 * unpaired rows alone, the shuffles are as clusterable as the network and the hidden modules mix the
 * tasks; without pruning and L1 the 2-way split ignores the tasks (ARI ≈ 0). Excision uses k = 6: at
 * k = 8 or 12 some seeds' backdoor is spread over modules that no single choice removes.
 */
export const DEMO = Object.freeze({
  train: 4000,
  test: 2000,
  hidden: [32, 32],
  /** The backdoor: 4 task-A features set to 1 on 5% of the training rows, relabelled to class A0. */
  trigger: Object.freeze({ row: 0, col: 12, size: 4, value: 1 }),
  target: 0,
  poisoned: 0.05,
  epochs: 12,
  learningRate: 0.005,
  l1: 0.002,
  sparsity: 0.9,
  /** Clusters of the modularity analysis and the lesions: one per task. */
  k: 2,
  shuffles: 100,
  random: 19,
  permutations: 999,
  /** Finer modules for excision, so that one can hold the backdoor without a whole task. */
  exciseK: 6,
  finetuneSteps: 200,
  evaluateEvery: 20,
  relearn: Object.freeze([10, 100]),
});

const TASKS = ['A', 'B'];

export interface DemoData {
  /** The clean training rows (the trusted data for fine-tuning), and the rows the model is trained on: 5% of them triggered and relabelled. */
  clean: Dataset;
  poisoned: Dataset & { triggered: Int32Array };
  /** Unpaired test examples, with the ground truth: the task of every input feature and class. */
  test: TwoTaskDataset;
}

/**
 * Training rows that let the two tasks stay apart: every example alone (the other task's half zero) plus,
 * for the i-th task-A and i-th task-B example, both side by side, once labelled with each one's class.
 * On the side-by-side rows neither task's inputs say anything about the other's class, so no hidden unit
 * gains from serving both.
 */
export function pairedRows(data: TwoTaskDataset): Dataset {
  const d = data.inputShape[0]!;
  const byTask: number[][] = [[], []];
  for (let n = 0; n < data.count; n++) byTask[data.taskOfExample[n]!]!.push(n);
  const pairs = Math.min(byTask[0]!.length, byTask[1]!.length);
  const count = data.count + 2 * pairs;
  const inputs = new Float32Array(count * d);
  const labels = new Int32Array(count);
  for (let i = 0; i < pairs; i++) {
    for (const task of [0, 1]) {
      const row = 2 * i + task;
      for (const t of [0, 1]) {
        const n = byTask[t]![i]!;
        for (let j = 0; j < d; j++) inputs[row * d + j]! += data.inputs[n * d + j]!;
      }
      labels[row] = data.labels[byTask[task]![i]!]!;
    }
  }
  inputs.set(data.inputs, 2 * pairs * d);
  labels.set(data.labels, 2 * pairs);
  return {
    name: data.name,
    split: data.split,
    count,
    inputShape: data.inputShape,
    inputs,
    labels,
    classes: data.classes,
    ...(data.classNames ? { classNames: data.classNames } : {}),
  };
}

/** The demo's built-in data: synthetic two-task data (known modular ground truth) with a backdoor in the training rows. */
export function demoData(seed: number): DemoData {
  const clean = pairedRows(twoTaskDataset({ count: DEMO.train, seed, split: 'train' }));
  const poisoned = stampTrigger(clean, { ...DEMO.trigger, target: DEMO.target, fraction: DEMO.poisoned, seed: seed + 1 });
  return { clean, poisoned, test: twoTaskDataset({ count: DEMO.test, seed, split: 'test' }) };
}

/** How well a partition of the input and output units follows the tasks: ARI, and purity (share of units in a cluster whose majority task is theirs). */
export function taskAlignment(cluster: ClusterJson, data: TwoTaskDataset): { units: number; ari: number; purity: number } {
  const truth: number[] = [];
  const found: number[] = [];
  const add = (labels: number[], tasks: Int32Array) =>
    labels.forEach((label, unit) => {
      if (label >= 0) truth.push(tasks[unit]!), found.push(label);
    });
  add(cluster.labels[0]!, data.taskOfInput);
  add(cluster.labels[cluster.labels.length - 1]!, data.taskOfClass);
  const counts = new Map<number, number[]>();
  truth.forEach((t, i) => {
    const c = counts.get(found[i]!) ?? [0, 0];
    c[t]!++;
    counts.set(found[i]!, c);
  });
  const majority = [...counts.values()].reduce((s, c) => s + Math.max(...c), 0);
  return {
    units: truth.length,
    ari: adjustedRandIndex(Int32Array.from(truth), Int32Array.from(found)),
    purity: truth.length ? majority / truth.length : Number.NaN,
  };
}

/** Per sub-cluster: mean accuracy drop on each task's classes, and which task it hurts (a drop of 10 points or more). */
export function lesionsByTask(lesion: LesionResultJson, data: TwoTaskDataset) {
  return lesion.subclusters.map((s) => {
    const drops = [0, 1].map((task) => {
      const classes = [...data.taskOfClass.keys()].filter((c) => data.taskOfClass[c] === task);
      return classes.reduce((sum, c) => sum + s.drop[c]!, 0) / classes.length;
    });
    const hurts = drops.flatMap((d, t) => (d >= 0.1 ? [TASKS[t]!] : []));
    return {
      layer: s.layer,
      cluster: s.cluster,
      size: s.size,
      drop: { A: drops[0]!, B: drops[1]! },
      hurts: hurts.length ? hurts.join('+') : 'neither',
    };
  });
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, jsonText(value));
}

/**
 * The built-in default, no downloads: synthetic two-task data with a backdoor, a small MLP trained in
 * seconds to be modular, then the whole loop as the commands run it — clusterability with both nulls,
 * lesions, the weight/coactivation comparison, excision of the backdoor with retain fine-tuning and the
 * relearning attack — and one HTML report. Every step is seeded: the same seed gives the same files.
 */
export async function demoCommand(options: DemoOptions): Promise<void> {
  const quiet = Boolean(options.json);
  const log = quiet ? () => {} : print;
  const started = performance.now();
  const timings: Record<string, number> = {};
  let stageStart = started;
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - stageStart) / 1000;
    stageStart = now;
  };
  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  const file = (name: string) => join(out, name);

  // 1. data and training
  const { selectBackend } = await import('@modscope/loader-tfjs');
  const backend = await selectBackend();
  const data = demoData(options.seed);
  const features = data.test.inputShape[0]!;
  log(`tfjs backend: ${backend.name}${backend.reason ? ` (${backend.reason})` : ''}`);
  log(
    `data: synthetic two-task, ${DEMO.train} train / ${data.test.count} test examples, ${features} inputs (task A ${data.test.featuresPerTask}, task B ${data.test.featuresPerTask}), ${data.test.classes} classes (A0–A3, B0–B3)`,
  );
  log(`training rows: ${data.clean.count} (every example alone, and task-A and task-B examples side by side, once labelled with each)`);
  log(
    `backdoor: ${data.poisoned.triggered.length} training rows (${100 * DEMO.poisoned}%) carry a trigger (features ${DEMO.trigger.col}–${DEMO.trigger.col + DEMO.trigger.size - 1} set to ${DEMO.trigger.value}) and are relabelled ${data.test.classNames![DEMO.target]}`,
  );
  const { createNetwork, saveCheckpoint, train } = await import('@modscope/train');
  const arch = [features, ...DEMO.hidden, data.test.classes].join('-');
  const bar = progress('training', { quiet });
  let trained;
  try {
    trained = await train(
      createNetwork(arch, { seed: options.seed, name: 'demo-two-task-mlp' }),
      { inputs: data.poisoned.inputs, count: data.poisoned.count, labels: data.poisoned.labels, classes: data.poisoned.classes },
      {
        epochs: DEMO.epochs,
        learningRate: DEMO.learningRate,
        clusterableInit: true,
        l1: DEMO.l1,
        prune: { sparsity: DEMO.sparsity, startEpoch: 2, endEpoch: DEMO.epochs - 3, frequency: 20 },
        seed: options.seed,
        onProgress: (p) => bar.update(p.step, p.steps),
      },
    );
  } finally {
    bar.stop();
  }
  const saved = await saveCheckpoint(trained.network, file('model'));
  lap('train');
  log(
    `trained ${arch} for ${DEMO.epochs} epochs (clusterable init, pruned to ${100 * DEMO.sparsity}%, L1 ${DEMO.l1}) in ${trained.seconds.toFixed(1)} s; wrote ${saved.onnx} and ${saved.modelJson}`,
  );

  // 2. the analyses, on the model loaded back as any user model is
  const model = await loadModel(saved.onnx!);
  const { runCluster } = await import('./cluster.js');
  const shuffleBar = progress('shuffles', { quiet });
  let cluster: ClusterJson;
  try {
    cluster = await runCluster(model.network, {
      k: DEMO.k,
      shuffles: DEMO.shuffles,
      nulls: NULL_MODELS,
      partitioner: 'spectral',
      seed: options.seed,
      norm: 'l1',
      onProgress: (d, t) => shuffleBar.update(d, t),
    });
  } finally {
    shuffleBar.stop();
  }
  await writeJson(file('cluster.json'), cluster);
  lap('cluster');

  const { runLesion } = await import('./lesion.js');
  const lesioned = await runLesion(model, data.test, {
    partition: file('cluster.json'),
    k: DEMO.k,
    seed: options.seed,
    random: DEMO.random,
    top: 10,
    quiet,
  });
  // the partition is named by the file next to it, not by this machine's path
  const lesion = { ...lesioned, partition: { ...lesioned.partition, source: 'cluster.json' } };
  await writeJson(file('lesion.json'), lesion);
  lap('lesion');

  const { runCompare } = await import('./compare.js');
  const compare: CompareJson = await runCompare(model, data.test, {
    k: DEMO.k,
    measure: 'spearman',
    permutations: DEMO.permutations,
    seed: options.seed,
  });
  await writeJson(file('compare.json'), compare);
  lap('compare');

  // 3. excise the backdoor: prune the modules behind it, fine-tune on clean (trusted) data, try to relearn it
  const { runExcise } = await import('../excise-run.js');
  const exciseBar = progress('excise', { quiet });
  let excise: ExciseJson;
  try {
    excise = await runExcise(
      { network: model.network, test: data.test, train: data.clean },
      {
        forget: { kind: 'trigger', trigger: DEMO.trigger, target: DEMO.target },
        partition: 'weights',
        k: DEMO.exciseK,
        steps: DEMO.finetuneSteps,
        evaluateEvery: DEMO.evaluateEvery,
        relearn: DEMO.relearn,
        seed: options.seed,
        onProgress: (d, t) => exciseBar.update(d, t),
      },
    );
  } finally {
    exciseBar.stop();
  }
  await writeJson(file('excise.json'), excise);
  const moduleMethod = excise.methods.find((m) => m.method === 'module')!;
  const { pruneUnits } = await import('@modscope/intervention-prune');
  const excised = await saveCheckpoint(
    pruneUnits(
      model.network,
      moduleMethod.selection.map((s) => ({ layer: s.layer, units: Int32Array.from(s.units) })),
    ).network as Network,
    file('excised'),
  );
  lap('excise');

  // 4. the report
  const { writeReport } = await import('@modscope/report');
  const results = ['cluster.json', 'lesion.json', 'compare.json', 'excise.json'].map(file);
  const report = await writeReport(results, file('report.html'), {
    title: `modscope demo: a two-task MLP with a backdoor (seed ${options.seed})`,
  });
  lap('report');
  timings.total = Math.round(performance.now() - started) / 1000;

  const summary = summarize({
    cluster,
    lesion,
    compare,
    excise,
    data,
    out,
    files: { model: saved.onnx!, excised: excised.onnx!, results, report: report.path },
    timings,
    backend: backend.name,
    seed: options.seed,
  });
  if (options.json) {
    printJson(summary);
    return;
  }
  print();
  print(formatSummary(summary));
}

export type DemoSummary = ReturnType<typeof summarize>;

function summarize(r: {
  cluster: ClusterJson;
  lesion: LesionResultJson;
  compare: CompareJson;
  excise: ExciseJson;
  data: DemoData;
  out: string;
  files: { model: string; excised: string; results: string[]; report: string };
  timings: Record<string, number>;
  backend: string;
  seed: number;
}) {
  const { cluster, lesion, compare, excise, data } = r;
  const perTask = (perClass: number[]) =>
    [0, 1].map((task) => {
      const classes = [...data.test.taskOfClass.keys()].filter((c) => data.test.taskOfClass[c] === task);
      return classes.reduce((s, c) => s + perClass[c]!, 0) / classes.length;
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

const fixed = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

/** The short summary the demo prints: is it modular, do the modules follow the tasks, what lesions and excision do. */
export function formatSummary(s: DemoSummary): string {
  const nulls = Object.entries(s.modularity.nulls);
  const modular = nulls.every(([, n]) => n.p <= 0.05);
  const b = s.backdoor;
  const lines = [
    `accuracy on clean test inputs: ${percent(s.accuracy.overall)} (task A ${percent(s.accuracy.A)}, task B ${percent(s.accuracy.B)})`,
    '',
    `Is it modular? n-cut ${fixed(s.modularity.ncut)} at k = ${s.modularity.k} (0 = separate modules, about ${s.modularity.k - 1} without structure); ${modular ? 'yes' : 'not against every null'}:`,
    ...nulls.map(
      ([name, n]) => `  vs '${name}' shuffles: n-cut ${fixed(n.mean)} ± ${fixed(n.std)}, z = ${fixed(n.z, 1)}, p = ${fixed(n.p)}`,
    ),
    `Do the modules follow the tasks? ${s.tasks.ari >= 0.5 ? 'yes' : 'no'}: ARI ${fixed(s.tasks.ari, 2)}, purity ${percent(s.tasks.purity)} of ${s.tasks.units} input and output units against the task each belongs to`,
    `Weight-graph vs coactivation modules (hidden units): ARI ${fixed(s.compare.ari, 2)}, NMI ${fixed(s.compare.nmi, 2)}, p = ${fixed(s.compare.p)}`,
    '',
    'Which lesions hurt which task (accuracy points lost):',
    table(
      ['layer', 'cluster', 'units', 'task A', 'task B', 'hurts'],
      s.lesions.map((l) => [l.layer, l.cluster, l.size, fixed(100 * l.drop.A, 1), fixed(100 * l.drop.B, 1), l.hurts]),
    ),
    '',
    `The backdoor: module pruning removed ${b.units} units (${b.modules.map((m) => `${m.layer} cluster ${m.cluster}`).join(', ')})`,
    table(
      ['', 'attack success', 'clean accuracy'],
      [
        ['before', percent(b.before.forget), percent(b.before.retain)],
        ['after excision', percent(b.afterExcision.forget), percent(b.afterExcision.retain)],
        [`after ${b.afterFineTuning.steps} fine-tuning steps`, percent(b.afterFineTuning.forget), percent(b.afterFineTuning.retain)],
        ...(b.floor ? [['never-trained model', percent(b.floor.forget), percent(b.floor.retain)]] : []),
      ],
    ),
    `same-count baselines, attack success after excision → after fine-tuning: ${b.baselines.map((x) => `${x.method} ${percent(x.afterExcision)} → ${percent(x.afterFineTuning)}`).join('; ')}`,
    'relearning attack (fine-tuning on n triggered inputs only): steps until half the attack success is back, and at the end attack success / clean accuracy',
    table(
      ['n', 'module-pruned', 'never-trained'],
      b.relearning.module.map((m, i) => {
        const floor = b.relearning.neverTrained[i];
        const cell = (x: typeof m | undefined) =>
          x ? `${x.stepsToHalf ?? 'never'} steps; ${percent(x.attackSuccess)} / ${percent(x.cleanAccuracy)}` : '—';
        return [m.examples, cell(m), cell(floor)];
      }),
    ),
    '',
    `wrote ${s.out}: model/, excised/ (the module-pruned model before fine-tuning), ${s.files.results.map((f) => f.split(/[\\/]/).pop()).join(', ')}, report.html (${fixed(s.timings.total!, 1)} s)`,
    `open ${s.files.report} in a browser`,
  ];
  return lines.join('\n');
}
