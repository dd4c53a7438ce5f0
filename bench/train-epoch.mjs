// One training epoch of the 784-256×4-10 MLP (Adam, batch 64) on the Fashion-MNIST training set with
// @modscope/train, on the wasm and on the cpu backend, one child process per backend (a process picks its
// backend once). The cpu backend is slow, so it trains on a subset (default 6,000 examples) and the
// figure is scaled to 60,000; the wasm run uses the full set unless told otherwise. Run from the
// repository root after `npx turbo run build --filter=@modscope/train...`:
//   node bench/train-epoch.mjs [wasmExamples=60000] [cpuExamples=6000]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

if (process.argv[2] === '--child') {
  const examples = Number(process.argv[3]);
  const { prepareInputs } = await import('@modscope/core');
  const { loadDataset } = await import('@modscope/datasets');
  const { selectBackend } = await import('@modscope/tfjs-runtime');
  const { createNetwork, train } = await import('@modscope/train');
  const backend = await selectBackend();
  const network = createNetwork('784-256-256-256-256-10', { seed: 0 });
  const dataset = await loadDataset('fashion-mnist', { split: 'train', limit: examples });
  const data = { inputs: prepareInputs(dataset, network), count: dataset.count, labels: dataset.labels, classes: dataset.classes };
  // warm-up: a few steps so kernels are compiled and allocated
  await train(
    network,
    { ...data, inputs: data.inputs.subarray(0, 640 * 784), count: 640, labels: data.labels.subarray(0, 640) },
    { epochs: 1 },
  );
  const cpu = process.cpuUsage();
  const result = await train(network, data, { epochs: 1 });
  const { user, system } = process.cpuUsage(cpu);
  console.log(
    JSON.stringify({
      backend: backend.name,
      trainedOn: result.backend,
      examples: data.count,
      seconds: result.seconds,
      cpuSeconds: (user + system) / 1e6,
      loss: result.history[0].loss,
      accuracy: result.history[0].accuracy,
    }),
  );
} else {
  const plan = [
    ['wasm', Number(process.argv[2] ?? 60000)],
    ['cpu', Number(process.argv[3] ?? 6000)],
  ];
  const results = [];
  for (const [backend, examples] of plan) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', String(examples)], {
      env: { ...process.env, MODSCOPE_BACKEND: backend },
      encoding: 'utf8',
    });
    if (r.status !== 0) {
      console.log(`${backend}: failed\n${r.stderr}`);
      continue;
    }
    results.push(JSON.parse(r.stdout.trim().split('\n').at(-1)));
  }
  console.log('one training epoch, 784-256×4-10 MLP, Adam, batch 64, Fashion-MNIST train');
  for (const r of results) {
    const perEpoch = (r.seconds * 60000) / r.examples;
    console.log(
      `${r.backend.padEnd(5)} ${String(r.examples).padStart(6)} examples: ${r.seconds.toFixed(1).padStart(6)} s (CPU ${r.cpuSeconds.toFixed(1)} s)` +
        `${r.examples === 60000 ? '' : `, ${perEpoch.toFixed(0)} s per 60k epoch (scaled)`}; loss ${r.loss.toFixed(3)}, accuracy ${(100 * r.accuracy).toFixed(1)}%`,
    );
  }
  const [wasm, cpu] = results;
  if (wasm && cpu) {
    const ratio = cpu.seconds / cpu.examples / (wasm.seconds / wasm.examples);
    console.log(`wasm is ${ratio.toFixed(1)}× faster than cpu per example`);
  }
}
