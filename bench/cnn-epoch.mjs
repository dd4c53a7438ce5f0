// One Fashion-MNIST training epoch (60,000 examples, Adam, batch 64) of the `cnn-small` architecture with
// @modscope/train: on the wasm backend (conv gradients through im2col and matMul), on the cpu backend
// (a subset, scaled to 60,000), on the cpu backend the way training ran before wasm had conv gradients
// (tfjs's own conv gradients: a few steps, scaled), and in PyTorch (bench/torch-cnn-epoch.py, same
// architecture, optimizer, batch and thread count) where python3-torch is installed. One child process
// per backend (a process picks its backend once); PyTorch runs on `THREADS` (2) threads. Run
// from the repository root after `npx turbo run build --filter=@modscope/train...`:
//   node bench/cnn-epoch.mjs [wasmExamples=60000] [cpuExamples=1280] [nativeSteps=3]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import os from 'node:os';

const THREADS = 2;
// Debian's python3-torch is installed for the system Python, which a pyenv or venv `python3` may hide.
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

async function load(examples) {
  const { prepareInputs } = await import('@modscope/core');
  const { loadDataset } = await import('@modscope/datasets');
  const { createNetwork } = await import('@modscope/train');
  const network = createNetwork('cnn-small', { seed: 0 });
  const dataset = await loadDataset('fashion-mnist', { split: 'train', limit: examples });
  const data = { inputs: prepareInputs(dataset, network), count: dataset.count, labels: dataset.labels, classes: dataset.classes };
  return { network, data };
}

function slice(data, count) {
  const size = data.inputs.length / data.count;
  return { ...data, inputs: data.inputs.subarray(0, count * size), count, labels: data.labels.subarray(0, count) };
}

if (process.argv[2] === '--train') {
  // @modscope/train as a user calls it, on the backend MODSCOPE_BACKEND names.
  const examples = Number(process.argv[3]);
  const { selectBackend } = await import('@modscope/tfjs-runtime');
  const { train } = await import('@modscope/train');
  const backend = await selectBackend();
  const { network, data } = await load(examples);
  await train(network, slice(data, 128), { epochs: 1 }); // warm-up: kernels compiled, memory allocated
  const cpu = process.cpuUsage();
  const result = await train(network, data, { epochs: 1, seed: 0 });
  const { user, system } = process.cpuUsage(cpu);
  console.log(
    JSON.stringify({
      side: `${backend.name}`,
      trainedOn: result.backend,
      examples: data.count,
      seconds: result.seconds,
      cpuSeconds: (user + system) / 1e6,
      loss: result.history[0].loss,
      accuracy: result.history[0].accuracy,
    }),
  );
} else if (process.argv[2] === '--native') {
  // The training step as it was before: forward pass with tfjs's own conv gradients (which wasm lacked,
  // so CNNs trained on cpu), Adam, batch 64; a few steps, timed after one warm-up step.
  const steps = Number(process.argv[3]);
  const tf = await import('@tensorflow/tfjs');
  const { selectBackend, uploadWeights, forwardNetwork, matMulWithTransposedGradient, convolve } = await import('@modscope/tfjs-runtime');
  await selectBackend({ backend: 'cpu' });
  const { network, data } = await load(64 * (steps + 1));
  const weights = uploadWeights(network, { trainable: true });
  const optimizer = tf.train.adam(0.001);
  const size = data.inputs.length / data.count;
  const step = (b) =>
    optimizer.minimize(() =>
      tf.tidy(() => {
        const x = tf.tensor(data.inputs.subarray(b * 64 * size, (b + 1) * 64 * size));
        const logits = forwardNetwork(network, weights, x, 64, { matMul: matMulWithTransposedGradient, conv2d: convolve }).get('dense2');
        const y = tf.oneHot(tf.tensor1d(data.labels.subarray(b * 64, (b + 1) * 64), 'int32'), 10);
        return tf.losses.softmaxCrossEntropy(y, logits);
      }),
    );
  step(0);
  const start = performance.now();
  for (let b = 1; b <= steps; b++) step(b);
  const seconds = (performance.now() - start) / 1000;
  console.log(JSON.stringify({ side: 'cpu, tfjs conv gradients (before)', examples: 64 * steps, seconds }));
} else {
  const wasmExamples = Number(process.argv[2] ?? 60000);
  const cpuExamples = Number(process.argv[3] ?? 1280);
  const nativeSteps = Number(process.argv[4] ?? 3);
  const self = fileURLToPath(import.meta.url);
  const env = { ...process.env, OMP_NUM_THREADS: String(THREADS) };
  const child = (args, extra = {}) => {
    const r = spawnSync(process.execPath, [self, ...args], { env: { ...env, ...extra }, encoding: 'utf8' });
    if (r.status !== 0) {
      console.log(`${args.join(' ')}: failed\n${r.stderr}`);
      return null;
    }
    return JSON.parse(r.stdout.trim().split('\n').at(-1));
  };
  const wasm = child(['--train', String(wasmExamples)], { MODSCOPE_BACKEND: 'wasm' });
  const cpu = child(['--train', String(cpuExamples)], { MODSCOPE_BACKEND: 'cpu' });
  const native = nativeSteps > 0 ? child(['--native', String(nativeSteps)]) : null;
  let torch = null;
  const py = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (py.status !== 0) {
    torch = 'python3-torch is not installed (apt-get install python3-torch); PyTorch skipped';
  } else {
    const r = spawnSync(PYTHON, [fileURLToPath(new URL('./torch-cnn-epoch.py', import.meta.url)), String(THREADS)], {
      env,
      encoding: 'utf8',
    });
    torch = r.status === 0 ? JSON.parse(r.stdout.trim().split('\n').at(-1)) : `PyTorch failed: ${r.stderr.trim().split('\n').at(-1)}`;
  }

  const epoch = (r) => (r.seconds * 60000) / r.examples;
  const fmt = (s) => (s >= 120 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`);
  console.log(
    `one training epoch, cnn-small (conv 3×3×16, pool, conv 3×3×32, pool, dense 64, dense 10), Adam, batch 64, Fashion-MNIST train (60,000)`,
  );
  console.log(`${os.cpus().length} cores here; PyTorch on ${THREADS} threads`);
  const line = (name, r, note) =>
    console.log(
      `${name.padEnd(38)} ${fmt(epoch(r)).padStart(9)} per epoch${r.examples === 60000 ? '' : ` (scaled from ${r.examples} examples: ${r.seconds.toFixed(1)} s)`}${note ?? ''}`,
    );
  if (wasm)
    line(
      'modscope, wasm',
      wasm,
      `; loss ${wasm.loss.toFixed(3)}, accuracy ${(100 * wasm.accuracy).toFixed(1)}%, trained on ${wasm.trainedOn}, CPU ${wasm.cpuSeconds.toFixed(1)} s`,
    );
  if (cpu) line('modscope, cpu (im2col gradients)', cpu, `, trained on ${cpu.trainedOn}`);
  if (native) line('cpu, tfjs conv gradients (before)', native, `: ${(native.seconds / (native.examples / 64)).toFixed(2)} s per step`);
  if (typeof torch === 'string') console.log(torch);
  else
    line(
      `PyTorch ${torch.version}, ${torch.threads} threads`,
      torch,
      `; loss ${torch.loss.toFixed(3)}, accuracy ${(100 * torch.accuracy).toFixed(1)}%`,
    );
  if (wasm) {
    const ratios = [
      cpu && `${(epoch(cpu) / epoch(wasm)).toFixed(1)}× faster than cpu with the same gradients`,
      native && `${(epoch(native) / epoch(wasm)).toFixed(0)}× faster than the cpu fallback it replaces`,
      typeof torch === 'object' && torch && `${(epoch(wasm) / epoch(torch)).toFixed(1)}× PyTorch's time`,
    ].filter(Boolean);
    console.log(`wasm: ${ratios.join('; ')} (cpu figures extrapolated from the steps timed)`);
    console.log(`target: wasm epoch < 3 min: ${epoch(wasm) < 180 ? 'met' : 'NOT met'}`);
  }
}
