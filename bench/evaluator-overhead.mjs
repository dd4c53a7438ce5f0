// Inference speed: raw onnxruntime-node vs the @modscope/loader-onnx evaluator on the same model and
// data, in one process. Target (issue 2): the evaluator adds less than 2× on top of onnxruntime.
// Run from the repository root after `npm run build`:  node bench/evaluator-overhead.mjs [model.onnx]
import { readFileSync } from 'node:fs';
import { prepareInputs, inputSize } from '@modscope/core';
import { loadFashionMnist, findFashionMnist } from '@modscope/datasets';
import { onnxLoader } from '@modscope/loader-onnx';
import * as ort from 'onnxruntime-node';

const modelPath = process.argv[2] ?? 'fixtures/mlp-fashion.onnx';
const repeats = Number(process.env.REPEATS ?? 20);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time(fn) {
  await fn(); // warm-up
  const ts = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    await fn();
    ts.push(performance.now() - t);
  }
  return median(ts);
}

const model = await onnxLoader.load(modelPath);
const { network } = model;
let inputs;
let count;
if (findFashionMnist()) {
  const data = await loadFashionMnist({ split: 'test' });
  inputs = prepareInputs(data, network);
  count = data.count;
} else {
  count = 10_000;
  inputs = Float32Array.from({ length: count * inputSize(network) }, (_, i) => (i % 255) / 255);
}

const inputShape = [count, ...network.layers[0].outputShape];
const session = await ort.InferenceSession.create(readFileSync(modelPath));
const feedName = session.inputNames[0];
const raw = await time(() => session.run({ [feedName]: new ort.Tensor('float32', inputs, inputShape) }));

const evaluator = await model.createEvaluator();
const plain = await time(() => evaluator.run({ inputs, count, batchSize: count }));
const defaults = await time(() => evaluator.run({ inputs, count }));
const hidden = network.layers.filter((l) => l.kind === 'activation').map((l) => l.id);
const captured = await time(() => evaluator.run({ inputs, count, capture: hidden }));
const first = network.layers.find((l) => l.kind === 'dense' || l.kind === 'conv2d');
const masked = await time(() =>
  evaluator.run({
    inputs,
    count,
    masks: [{ layer: hidden[0], mask: new Float32Array(network.layers.find((l) => l.id === hidden[0]).units).fill(1) }],
  }),
);
const edited = await time(() => evaluator.run({ inputs, count, edits: [{ layer: first.id, kernel: first.kernel }] }));
await evaluator.dispose();

const row = (name, ms) => console.log(`${name.padEnd(44)} ${ms.toFixed(1).padStart(8)} ms   ${(ms / raw).toFixed(2).padStart(5)}×`);
console.log(`model ${modelPath}, ${count} examples, median of ${repeats} runs, ${evaluator.name}`);
row('onnxruntime-node, one run, no modscope', raw);
row('evaluator, one batch', plain);
row('evaluator, default batch size', defaults);
row(`evaluator, capturing ${hidden.length} hidden layers`, captured);
row('evaluator, with a unit mask', masked);
row('evaluator, with a weight edit', edited);
console.log(`overhead (default batch size): ${(defaults / raw).toFixed(2)}× (target < 2×)`);
