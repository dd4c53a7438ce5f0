// The lesion sweep of method §5 on the 784-256×4-10 Fashion-MNIST MLP: every weight-graph sub-cluster
// (k = 12) and 19 random same-size lesions each, over the 10k test set. Runs the same sweep twice in
// one process: through the onnxruntime evaluator's runLesions fast path (cached activations, many
// lesions per inference call, low-rank updates for dense chains), and naively, one masked evaluation
// of the whole network per lesion. Prints both times, the ratio, and checks that the results agree.
//   node bench/lesion-sweep.mjs [model.onnx] [k]
import { analyzeClusterability } from '@modscope/clusterability';
import { prepareInputs } from '@modscope/core';
import { loadDataset } from '@modscope/datasets';
import { lesionSweep } from '@modscope/intervention-lesion';
import { onnxLoader } from '@modscope/loader-onnx';
import { spectralPartitioner } from '@modscope/partition-spectral';

const path = process.argv[2] ?? new URL('../fixtures/clusterability/control.onnx', import.meta.url).pathname;
const k = Number(process.argv[3] ?? 12);
const { network, createEvaluator } = await onnxLoader.load(path);
const test = await loadDataset('fashion-mnist', { split: 'test' });
const data = { inputs: prepareInputs(test, network), count: test.count, labels: test.labels, classes: test.classes };
const clusters = await analyzeClusterability(network, { k, shuffles: 0, partitioner: spectralPartitioner });
const partition = { k: clusters.k, layers: clusters.layers.map((l, i) => ({ layer: l.id, labels: Int32Array.from(clusters.labels[i]) })) };

async function timed(evaluator) {
  await evaluator.run({ inputs: data.inputs, count: data.count }); // session warm-up, outside the timing
  const started = performance.now();
  const result = await lesionSweep(evaluator, data, partition, { random: 19, seed: 0 });
  return { result, seconds: (performance.now() - started) / 1000 };
}

const evaluator = await createEvaluator();
const fast = await timed(evaluator);
// The same evaluator without its fast path: runLesions then runs one masked evaluation per lesion.
const { runLesions: _fastPath, ...plain } = evaluator;
const naive = await timed(plain);
await evaluator.dispose();

let maxDiff = 0;
fast.result.subclusters.forEach((s, i) => {
  const t = naive.result.subclusters[i];
  maxDiff = Math.max(
    maxDiff,
    Math.abs(s.accuracy - t.accuracy),
    ...[...s.random.accuracy].map((a, j) => Math.abs(a - t.random.accuracy[j])),
  );
});
const n = fast.result.evaluations;
console.log(
  `${network.name}: ${fast.result.subclusters.length} sub-clusters (k = ${k}), ${n} lesioned evaluations of ${data.count.toLocaleString('en-US')} test images`,
);
console.log(`fast path (runLesions): ${fast.seconds.toFixed(2)} s  (${((1000 * fast.seconds) / n).toFixed(1)} ms per lesion)`);
console.log(`naive (one evaluation per lesion): ${naive.seconds.toFixed(2)} s  (${((1000 * naive.seconds) / n).toFixed(1)} ms per lesion)`);
console.log(
  `speed-up ${(naive.seconds / fast.seconds).toFixed(1)}×; 1,000 lesions would take ${((fast.seconds * 1000) / n).toFixed(1)} s vs ${((naive.seconds * 1000) / n).toFixed(1)} s`,
);
console.log(`largest accuracy difference between the two paths: ${maxDiff.toExponential(1)}`);
console.log(`Fisher importance p ${fast.result.fisher.importance?.p.toPrecision(3)}, effect factor ${fast.result.effectFactor.toFixed(3)}`);
