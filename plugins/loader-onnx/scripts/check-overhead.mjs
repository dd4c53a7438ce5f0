// Quick local check (not a test): evaluator overhead over bare onnxruntime on a 784-256×4-10 MLP, 10k examples.
// Build first (npx tsup), then: node scripts/check-overhead.mjs
import * as ort from 'onnxruntime-node';
import { tinyMlp } from '@modscope/core/testing';
import { createOnnxEvaluator, networkToOnnx } from '../dist/index.js';

const network = tinyMlp({ sizes: [784, 256, 256, 256, 256, 10], seed: 1 });
const bytes = networkToOnnx(network);
const count = 10_000;
const inputs = Float32Array.from({ length: count * 784 }, (_, i) => ((i * 2654435761) % 1000) / 1000);
const reps = 20;

async function time(label, fn) {
  for (let i = 0; i < 3; i++) await fn();
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const median = times[times.length >> 1];
  console.log(`${label.padEnd(44)} median ${median.toFixed(1)} ms  (min ${times[0].toFixed(1)})`);
  return median;
}

const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
const bare = await time('bare onnxruntime, one batch of 10k', () =>
  session.run({ input: new ort.Tensor('float32', inputs, [count, 784]) }),
);
const evaluator = await createOnnxEvaluator(network);
const k = network.layers.find((l) => l.id === 'dense2');
const mask = new Float32Array(256).fill(1).map((v, i) => (i % 2 ? 0 : 1));
for (const batchSize of [4096, 10_000]) {
  const plain = await time(`evaluator, batchSize ${batchSize}`, () => evaluator.run({ inputs, count, batchSize }));
  const busy = await time(`evaluator + edit + mask + 4 captures, bs ${batchSize}`, () =>
    evaluator.run({
      inputs,
      count,
      batchSize,
      edits: [{ layer: 'dense2', kernel: k.kernel }],
      masks: [{ layer: 'act2', mask }],
      capture: ['act1', 'act2', 'act3', 'act4'],
    }),
  );
  console.log(`  overhead ×${(plain / bare).toFixed(2)} plain, ×${(busy / bare).toFixed(2)} with edit/mask/captures`);
}
await evaluator.dispose();
await session.release();
