// The tfjs evaluator on the 784-256×4-10 Fashion-MNIST MLP, 10k examples, with each backend available.
// One child process per backend (a process picks its backend once). Run from the repository root after
// `npm run build`:  node bench/tfjs-backends.mjs
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

if (process.argv[2] === '--child') {
  const { prepareInputs } = await import('@modscope/core');
  const { loadFashionMnist } = await import('@modscope/datasets');
  const { onnxLoader } = await import('@modscope/loader-onnx');
  const { createTfjsEvaluator } = await import('@modscope/loader-tfjs');
  const { selectBackend } = await import('@modscope/tfjs-runtime');
  const backend = await selectBackend();
  const { network } = await onnxLoader.load('fixtures/mlp-fashion.onnx');
  const data = await loadFashionMnist({ split: 'test' });
  const inputs = prepareInputs(data, network);
  const evaluator = await createTfjsEvaluator(network);
  await evaluator.run({ inputs, count: data.count }); // warm-up
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await evaluator.run({ inputs, count: data.count });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ backend: backend.name, ms: times[2] }));
} else {
  const results = [];
  for (const backend of ['wasm', 'cpu']) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child'], {
      env: { ...process.env, MODSCOPE_BACKEND: backend },
      encoding: 'utf8',
    });
    if (r.status !== 0) {
      console.log(`${backend}: failed\n${r.stderr}`);
      continue;
    }
    results.push(JSON.parse(r.stdout.trim().split('\n').at(-1)));
  }
  console.log('tfjs evaluator, 784-256×4-10 MLP, 10k Fashion-MNIST test images, median of 5');
  for (const r of results) console.log(`${r.backend.padEnd(6)} ${r.ms.toFixed(0).padStart(7)} ms`);
  const [wasm, cpu] = results;
  if (wasm && cpu) console.log(`wasm is ${(cpu.ms / wasm.ms).toFixed(1)}× faster than cpu`);
}
