// Times createTfjsEvaluator on a 784-256-256-256-256-10 MLP over 10k random inputs, per backend.
// Usage: npm run build && node scripts/bench-evaluator.mjs [wasm|cpu|tensorflow ...]
import { selectBackend } from '@modscope/tfjs-runtime';
import { createTfjsEvaluator } from '../dist/index.js';
import { tinyMlp } from '@modscope/core/testing';

const auto = await selectBackend();
console.log(
  `auto selection: ${auto.name} (${auto.reason}); skipped: ${auto.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ') || 'none'}`,
);
const network = tinyMlp({ sizes: [784, 256, 256, 256, 256, 10], seed: 5 });
const count = 10_000;
const inputs = Float32Array.from({ length: count * 784 }, () => Math.random());
for (const backend of process.argv.slice(2).length ? process.argv.slice(2) : ['wasm', 'cpu']) {
  await selectBackend({ backend });
  const evaluator = await createTfjsEvaluator(network);
  await evaluator.run({ inputs: inputs.subarray(0, 512 * 784), count: 512 }); // warm-up
  const times = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    await evaluator.run({ inputs, count, batchSize: 1000 });
    times.push(performance.now() - start);
  }
  console.log(
    `${evaluator.name}: ${times.map((t) => t.toFixed(0)).join(' / ')} ms for ${count} examples (best ${Math.min(...times).toFixed(0)} ms)`,
  );
  await evaluator.dispose();
}
