// Whole processes, timed side by side: what a user waits for, start-up included (issue 13, item 7).
//   - `modscope inspect` on the 784-256×4-10 MLP, next to bare `node` and `modscope --version`;
//   - `modscope cluster <MLP> --prune 0.9 --shuffles 20` (both nulls, default workers: none on 2 cores) vs the same shuffle
//     test with scikit-learn as one python3 process (bench/sklearn-clusterability.py: start, read the
//     model's weights, prune, cluster, 20 shuffles × the same nulls).
// Targets: inspect < 0.3 s; cluster ≥ 10× faster than the scikit-learn process.
// Needs Debian's python3-sklearn. Run from the repository root after `npm run build`:
//   node bench/startup.mjs [model.onnx]      (RUNS=7 quick runs, CLUSTER_RUNS=3, SHUFFLES=20 by default)
// Each command runs RUNS times; modscope and scikit-learn alternate run by run, so that the machine's drifting
// speed reaches both alike. Medians and bests; the speed-up is the median of the run-by-run ratios.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnxLoader } from '@modscope/loader-onnx';

const modelPath = process.argv[2] ?? 'fixtures/clusterability/control.onnx';
const runs = Number(process.env.RUNS ?? 7);
const clusterRuns = Number(process.env.CLUSTER_RUNS ?? 3);
const shuffles = Number(process.env.SHUFFLES ?? 20);
const python = process.env.PYTHON ?? '/usr/bin/python3';
const modscope = 'apps/cli/bin/modscope.js';
const k = 12;
const prune = 0.9;
const seed = 0;

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Runs a command to its end; its wall time in seconds and its stdout. Fails loudly when it fails. */
function timed(command, args) {
  const started = performance.now();
  const child = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = (performance.now() - started) / 1000;
  if (child.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${child.status}):\n${child.stderr}`);
  return { seconds, stdout: child.stdout };
}

/** The dense kernels of the model as raw float32 files, for the python side to read as its input. */
async function exportKernels(path) {
  const { network } = await onnxLoader.load(path);
  const dense = network.layers.filter((layer) => layer.kind === 'dense');
  if (dense.length !== network.layers.filter((layer) => layer.kind === 'conv2d' || layer.kind === 'dense').length)
    throw new Error(`${path}: the scikit-learn side handles MLPs only (dense layers).`);
  const dir = mkdtempSync(join(tmpdir(), 'modscope-startup-'));
  const layers = dense.map((layer, i) => {
    const file = `kernel-${i}.f32`;
    writeFileSync(join(dir, file), Buffer.from(layer.kernel.buffer, layer.kernel.byteOffset, layer.kernel.byteLength));
    return { file, rows: layer.kernelShape[0], cols: layer.kernelShape[1] };
  });
  writeFileSync(join(dir, 'layers.json'), JSON.stringify(layers));
  return dir;
}

const node = process.execPath;
const quick = [
  ['node -e 0 (bare start)', [node, ['-e', '0']]],
  ['modscope --version', [node, [modscope, '--version']]],
  ['modscope inspect', [node, [modscope, 'inspect', modelPath]]],
];
const quickTimes = quick.map(() => []);
timed(node, [modscope, 'inspect', modelPath]); // warm the file cache once
for (let run = 0; run < runs; run++) {
  for (const [i, [, [command, args]]] of quick.entries()) quickTimes[i].push(timed(command, args).seconds);
}

const kernels = await exportKernels(modelPath);
const clusterArgs = [modscope, 'cluster', modelPath, '--prune', String(prune), '--shuffles', String(shuffles), '--k', String(k)];
const sklearnArgs = ['bench/sklearn-clusterability.py', kernels, String(k), String(prune), String(shuffles), String(seed)];
const ours = [];
const theirs = [];
const ratios = [];
let ourResult;
let theirResult;
for (let run = 0; run < clusterRuns; run++) {
  const a = timed(node, [...clusterArgs, '--seed', String(seed), '--json', '-']);
  const b = timed(python, sklearnArgs);
  ours.push(a.seconds);
  theirs.push(b.seconds);
  ratios.push(b.seconds / a.seconds);
  ourResult = JSON.parse(a.stdout);
  theirResult = JSON.parse(b.stdout);
}
rmSync(kernels, { recursive: true, force: true });

const s = (x) => `${x.toFixed(2)} s`;
console.log(`whole processes, model ${modelPath}; median / best of ${runs} runs (cluster: ${clusterRuns} runs, alternating)\n`);
console.log('command                      median      best');
for (const [i, [name]] of quick.entries()) {
  console.log(`${name.padEnd(26)} ${s(median(quickTimes[i])).padStart(8)}  ${s(Math.min(...quickTimes[i])).padStart(8)}`);
}
const inspect = median(quickTimes[2]);
console.log(`\ninspect: ${s(inspect)} (target < 0.3 s: ${inspect < 0.3 ? 'met' : 'not met'})`);

console.log(`\nshuffle test, ${prune * 100}%-pruned, k = ${k}, ${shuffles} shuffles × 2 nulls (layer, layer-nonzero)`);
console.log('side                                        median      best   n-cut   layer mean   layer-nonzero mean');
const nullMean = (result, name) => result.nulls?.[name]?.mean?.toFixed(3) ?? '—';
const row = (name, times, result) =>
  console.log(
    `${name.padEnd(42)} ${s(median(times)).padStart(8)}  ${s(Math.min(...times)).padStart(8)}  ${result.ncut.toFixed(3).padStart(6)}  ${nullMean(result, 'layer').padStart(11)}  ${nullMean(result, 'layer-nonzero').padStart(19)}`,
  );
row('modscope cluster (default workers)', ours, ourResult);
row(`scikit-learn ${theirResult.sklearn} (python3, one process)`, theirs, theirResult);
const ratio = median(ratios);
console.log(`\nspeed-up (median of run-by-run ratios): ${ratio.toFixed(1)}× (target ≥ 10×: ${ratio >= 10 ? 'met' : 'not met'})`);
