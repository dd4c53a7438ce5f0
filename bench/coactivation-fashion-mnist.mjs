// partitionByCoactivation on the clusterability fixture `control` (784-256×4-10 MLP, Fashion-MNIST) with
// the first 5,000 test images, k = 12, global and local: time of each step and cluster sizes per layer.
// Run from this package after `npx turbo run build --filter=@modscope/partition-coactivation...`:
//   node bench/fashion-mnist-control.mjs [model.onnx] [examples]
import { captureUnitActivations, prepareInputs, unitLayers } from '@modscope/core';
import { loadDataset } from '@modscope/datasets';
import { onnxLoader } from '@modscope/loader-onnx';
import { coactivationGraph, coactivationPartitioner, partitionByCoactivation } from '@modscope/partition-coactivation';

const path = process.argv[2] ?? new URL('../fixtures/clusterability/control.onnx', import.meta.url).pathname;
const examples = Number(process.argv[3] ?? 5000);
const seconds = (t0) => ((performance.now() - t0) / 1000).toFixed(2);

const { network, createEvaluator } = await onnxLoader.load(path);
const evaluator = await createEvaluator();
const dataset = await loadDataset('fashion-mnist', { split: 'test' });
const inputs = prepareInputs(dataset, network);
const layers = unitLayers(network)
  .filter((u) => u.hidden)
  .map((u) => u.layer);
console.log(`${network.name}: hidden layers ${layers.join(', ')}; ${evaluator.name}; ${dataset.count} test images, using ${examples}`);

// the steps one by one
let t0 = performance.now();
const { activations } = await captureUnitActivations(evaluator, { inputs: inputs.subarray(0, examples * 784), count: examples, layers });
console.log(`capture: ${seconds(t0)} s`);
t0 = performance.now();
const { graph, dropped } = coactivationGraph(activations);
console.log(
  `coactivation graph (Spearman): ${graph.nodeCount} nodes, ${dropped.length} dropped, ${graph.indices.length} entries: ${seconds(t0)} s`,
);
t0 = performance.now();
const p = await coactivationPartitioner.partition(graph, { k: 12, seed: 0 });
console.log(
  `spectral k = 12: ${seconds(t0)} s (${p.matvecs} matvecs, eigenvalues ${[...p.eigenvalues].map((v) => v.toFixed(3)).join(' ')})`,
);

for (const local of [false, true]) {
  t0 = performance.now();
  const result = await partitionByCoactivation(evaluator, { inputs, count: dataset.count, k: 12, limit: examples, local });
  console.log(
    `\npartitionByCoactivation (${local ? 'local' : 'global'}): ${seconds(t0)} s, ${result.examples} examples, ${result.dropped.length} dropped`,
  );
  for (const note of result.notes) console.log(`  note: ${note}`);
  for (const { layer, labels, k } of result.layers) {
    const sizes = new Array(result.k).fill(0);
    let left = 0;
    for (const l of labels) l < 0 ? left++ : sizes[l]++;
    console.log(
      `  ${layer.padEnd(12)} ${sizes
        .slice(0, k)
        .map((s) => String(s).padStart(3))
        .join(' ')}${left ? `  (−1: ${left})` : ''}`,
    );
  }
  if (!local) {
    const totals = new Array(result.k).fill(0);
    for (const { labels } of result.layers) for (const l of labels) if (l >= 0) totals[l]++;
    console.log(`  ${'all'.padEnd(12)} ${totals.map((s) => String(s).padStart(3)).join(' ')}`);
  }
}
await evaluator.dispose();
