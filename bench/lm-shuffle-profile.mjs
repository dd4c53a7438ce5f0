// Where one shuffle of a language model's shuffle test spends its time (issue 16 item 8): for each null, the
// shuffle itself (folding |γ·w|, Fisher–Yates on every weight matrix, assembling the CSR:
// `buildLanguageModelGraph(network).shuffler.shuffle`), removing degree-0 nodes, the eigensolver
// (`spectralEmbedding`) and k-means (n_init as `spectralClustering` chooses, one thread per core, as on the
// main thread where a language model's shuffles run), each with its wall and CPU time.
// Run from the repository root after `npm run build`:
//   node bench/lm-shuffle-profile.mjs [model.onnx]       (default /tmp/gpt2-small.onnx, from make-gpt2-small.py)
import { availableParallelism } from 'node:os';
import { createRandom } from '@modscope/core';
import { buildLanguageModelGraph, removeIsolatedNodes } from '@modscope/graph';
import { kmeans, spectralEmbedding } from '@modscope/linalg';
import { onnxLoader } from '@modscope/loader-onnx';

const path = process.argv[2] ?? '/tmp/gpt2-small.onnx';
const k = 12;
let wall = performance.now();
let cpu = process.cpuUsage();
const lap = (what) => {
  const c = process.cpuUsage(cpu);
  console.log(
    `${what.padEnd(46)} ${((performance.now() - wall) / 1000).toFixed(2).padStart(7)} s wall ${((c.user + c.system) / 1e6).toFixed(2).padStart(7)} s CPU`,
  );
  wall = performance.now();
  cpu = process.cpuUsage();
};
const { network } = await onnxLoader.load(path);
lap(`load ${path}`);
const { graph, shuffler } = buildLanguageModelGraph(network);
lap(`graph (${graph.nodeCount} nodes, ${graph.indices.length / 2} edges)`);
for (const model of ['layer', 'layer-nonzero']) {
  const random = createRandom(1);
  const shuffled = shuffler.shuffle(model, random);
  lap(`${model}: shuffle`);
  const g = removeIsolatedNodes(shuffled);
  lap(`${model}: remove degree-0 nodes`);
  const e = spectralEmbedding(g, k, { random: random.fork(0) });
  lap(`${model}: eigensolver (${e.matvecs} matvecs)`);
  const nInit = g.nodeCount > 2000 ? 100 : 25;
  kmeans(e.embedding, g.nodeCount, k, { k, nInit, random: random.fork(1), threads: availableParallelism() });
  lap(`${model}: k-means (n_init ${nInit}, ${availableParallelism()} threads)`);
}
