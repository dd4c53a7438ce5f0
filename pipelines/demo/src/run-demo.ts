import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Network } from '@modscope/core';
import { NULL_MODELS } from '@modscope/graph';
import type { BackendSelection } from '@modscope/tfjs-runtime';
import { type DemoData, demoData } from './demo-data.js';
import { DEMO_RECIPE } from './demo-recipe.js';
import { type DemoSummary, summarizeDemo } from './summarize-demo.js';
import { writeResult } from './write-result.js';
import { stageTimer } from './stage-timer.js';

/** The steps of the demo that report progress. */
export type DemoStage = 'training' | 'shuffles' | 'lesions' | 'excise';

/** What the demo has done so far, as it happens: the data (and the tfjs backend), then the trained model. */
export type DemoStep =
  | { step: 'data'; backend: BackendSelection; data: DemoData }
  | { step: 'trained'; architecture: string; seconds: number; model: { onnx: string; modelJson: string } };

export interface DemoRunOptions {
  /** (string) — the directory to write the models, every results JSON and `report.html` to; made if missing. */
  out: string;
  /** (number, default 0) — seed of every random choice: the same seed gives the same files. */
  seed?: number;
  /** (function) — called as the data is ready and as the model is trained. */
  onStep?: (step: DemoStep) => void;
  /** (function) — work done in a stage that takes a while: training steps, shuffles, lesions, excision steps. */
  onProgress?: (stage: DemoStage, done: number, total: number) => void;
}

/** The method's partitioner, as a spec the shuffle workers load too: resolved here, where it is a dependency. */
const spectral = () => ({ module: import.meta.resolve('@modscope/partition-spectral'), factory: 'createSpectralPartitioner' });

/**
 * The built-in demo, no downloads: synthetic two-task data with a backdoor, a small MLP trained in
 * seconds to be modular, then the whole loop as the commands run it — clusterability with both nulls,
 * lesions, the weight/coactivation comparison, excision of the backdoor with retain fine-tuning and the
 * relearning attack — and one HTML report, all written to `options.out`. Every step is seeded: the same
 * seed gives the same files. Returns the figures `modscope demo` prints.
 */
export async function runDemo(options: DemoRunOptions): Promise<DemoSummary> {
  const seed = options.seed ?? 0;
  const progress = (stage: DemoStage) => (done: number, total: number) => options.onProgress?.(stage, done, total);
  const { timings, lap, finish } = stageTimer();
  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  const file = (name: string) => join(out, name);

  // 1. data and training
  const { selectBackend } = await import('@modscope/tfjs-runtime');
  const backend = await selectBackend();
  const data = demoData(seed);
  options.onStep?.({ step: 'data', backend, data });
  const { createNetwork, train } = await import('@modscope/train');
  const { saveCheckpoint } = await import('@modscope/training-run');
  const architecture = [data.test.inputShape[0]!, ...DEMO_RECIPE.hidden, data.test.classes].join('-');
  const trained = await train(
    createNetwork(architecture, { seed, name: 'demo-two-task-mlp' }),
    { inputs: data.poisoned.inputs, count: data.poisoned.count, labels: data.poisoned.labels, classes: data.poisoned.classes },
    {
      epochs: DEMO_RECIPE.epochs,
      learningRate: DEMO_RECIPE.learningRate,
      clusterableInit: true,
      l1: DEMO_RECIPE.l1,
      prune: { sparsity: DEMO_RECIPE.sparsity, startEpoch: 2, endEpoch: DEMO_RECIPE.epochs - 3, frequency: 20 },
      seed,
      onProgress: (p) => options.onProgress?.('training', p.step, p.steps),
    },
  );
  const saved = await saveCheckpoint(trained.network, file('model'));
  lap('train');
  options.onStep?.({ step: 'trained', architecture, seconds: trained.seconds, model: { onnx: saved.onnx!, modelJson: saved.modelJson } });

  // 2. the analyses, on the model loaded back as any user model is
  const { onnxLoader } = await import('@modscope/loader-onnx');
  const model = await onnxLoader.load(saved.onnx!);
  const { runCluster } = await import('@modscope/clusterability');
  const cluster = await runCluster(model.network, {
    k: DEMO_RECIPE.k,
    seed,
    shuffles: DEMO_RECIPE.shuffles,
    nulls: NULL_MODELS,
    partitioner: spectral(),
    graph: { norm: 'l1', includeDense: false },
    onProgress: (stage, done, total) => {
      if (stage === 'shuffles') options.onProgress?.('shuffles', done, total);
    },
  });
  await writeResult(file('cluster.json'), cluster);
  lap('cluster');

  const { runCompare, runLesion } = await import('@modscope/lesion-study');
  const lesioned = await runLesion(model, data.test, {
    partition: file('cluster.json'),
    k: DEMO_RECIPE.k,
    seed,
    random: DEMO_RECIPE.random,
    top: 10,
    onProgress: (stage, done, total) => {
      if (stage === 'lesions') options.onProgress?.('lesions', done, total);
    },
  });
  // the partition is named by the file next to it, not by this machine's path
  const lesion = { ...lesioned, partition: { ...lesioned.partition, source: 'cluster.json' } };
  await writeResult(file('lesion.json'), lesion);
  lap('lesion');

  const compare = await runCompare(model, data.test, {
    k: DEMO_RECIPE.k,
    measure: 'spearman',
    permutations: DEMO_RECIPE.permutations,
    seed,
  });
  await writeResult(file('compare.json'), compare);
  lap('compare');

  // 3. excise the backdoor: prune the modules behind it, fine-tune on clean (trusted) data, try to relearn it
  const { runExcise } = await import('@modscope/excision');
  const excise = await runExcise(
    { network: model.network, test: data.test, train: data.clean },
    {
      forget: { kind: 'trigger', trigger: DEMO_RECIPE.trigger, target: DEMO_RECIPE.target },
      partition: 'weights',
      k: DEMO_RECIPE.exciseK,
      steps: DEMO_RECIPE.finetuneSteps,
      evaluateEvery: DEMO_RECIPE.evaluateEvery,
      relearn: DEMO_RECIPE.relearn,
      seed,
      onProgress: progress('excise'),
    },
  );
  await writeResult(file('excise.json'), excise);
  const moduleMethod = excise.methods.find((m) => m.method === 'module')!;
  const { pruneUnits } = await import('@modscope/intervention-prune');
  const pruned = pruneUnits(
    model.network,
    moduleMethod.selection.map((s) => ({ layer: s.layer, units: Int32Array.from(s.units) })),
  );
  const excised = await saveCheckpoint(pruned.network as Network, file('excised'));
  lap('excise');

  // 4. the report
  const { writeReport } = await import('@modscope/report');
  const results = ['cluster.json', 'lesion.json', 'compare.json', 'excise.json'].map(file);
  const report = await writeReport(results, file('report.html'), {
    title: `modscope demo: a two-task MLP with a backdoor (seed ${seed})`,
  });
  lap('report');
  finish();

  return summarizeDemo({
    cluster,
    lesion,
    compare,
    excise,
    data,
    out,
    files: { model: saved.onnx!, excised: excised.onnx!, results, report: report.path },
    timings,
    backend: backend.name,
    seed,
  });
}
