// The method's §4/§7 findings, measured with the CLI: train the Fashion-MNIST MLP 784-256×4-10 as a
// control and with dropout, L1, clusterable initialization and the spectral regularizer (all pruned to 90%
// on the polynomial schedule, as the papers compare them), then `modscope cluster MODEL --shuffles N` on
// each. Prints one table: n-cut, mean/z/p of the `layer` and `layer-nonzero` nulls, test accuracy, and
// seconds per model (training, clustering) and per training step. Run from the repository root after
// `npx turbo run build --filter=modscope...`:
//   node bench/train-clusterability.mjs [epochs=5] [shuffles=20] [--only control,dropout,...] [--l1 5e-5,1e-4] [--out DIR] [--limit N]
// (--only takes: control, control-unpruned, dropout, l1, clusterable-init, spectral-reg)
// Models and results are kept in DIR (default out/train-clusterability, git-ignored); a model whose train.json
// and cluster.json are already there with the same settings is not trained again.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const bin = join(root, 'apps/cli/dist/bin.js');

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
};
const only = flag('--only')?.split(',');
const outDir = resolve(flag('--out') ?? join(root, 'out/train-clusterability'));
const limit = flag('--limit');
/** L1 weights to train, one network each: the finding depends on the weight (see bench/README.md). */
const l1s = (flag('--l1') ?? '5e-5,1e-4').split(',');
const epochs = Number(args[0] ?? 5);
const shuffles = Number(args[1] ?? 20);

/** The networks compared: name and the `modscope train` options besides data, epochs and output. */
const MODELS = [
  ['control', ['--prune', '0.9']],
  ['control-unpruned', []],
  ['dropout', ['--prune', '0.9', '--dropout', '0.5']],
  ...l1s.map((l1) => [l1 === '5e-5' ? 'l1' : `l1-${l1}`, ['--prune', '0.9', '--l1', l1]]),
  ['clusterable-init', ['--prune', '0.9', '--clusterable-init']],
  ['spectral-reg', ['--prune', '0.9', '--spectral-reg']],
];

function cli(argv) {
  const r = spawnSync(process.execPath, [bin, ...argv], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`modscope ${argv.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

const fixed = (x, d = 3) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '—');
const rows = [];
mkdirSync(outDir, { recursive: true });
for (const [name, options] of MODELS) {
  if (only && !only.includes(name.startsWith('l1') ? 'l1' : name)) continue;
  const dir = join(outDir, `${name}-e${epochs}${limit ? `-n${limit}` : ''}`);
  const trainArgs = [
    'train',
    '--data',
    'fashion-mnist',
    '--epochs',
    String(epochs),
    ...options,
    ...(limit ? ['--limit', limit] : []),
    '--out',
    dir,
    '--json',
  ];
  const clusterPath = join(dir, `cluster-s${shuffles}.json`);
  let trained;
  if (
    existsSync(join(dir, 'train.json')) &&
    JSON.stringify(JSON.parse(readFileSync(join(dir, 'train.json'), 'utf8')).argv) === JSON.stringify(trainArgs)
  ) {
    trained = JSON.parse(readFileSync(join(dir, 'train.json'), 'utf8'));
  } else {
    process.stderr.write(`training ${name}: modscope ${trainArgs.join(' ')}\n`);
    trained = JSON.parse(cli(trainArgs));
    trained.argv = trainArgs;
    writeFileSync(join(dir, 'train.json'), `${JSON.stringify(trained, null, 2)}\n`);
  }
  let cluster;
  let clusterSeconds;
  if (existsSync(clusterPath)) {
    ({ cluster, clusterSeconds } = JSON.parse(readFileSync(clusterPath, 'utf8')));
  } else {
    process.stderr.write(`clustering ${name}: modscope cluster ${join(dir, 'model.onnx')} --shuffles ${shuffles}\n`);
    const started = performance.now();
    cluster = JSON.parse(cli(['cluster', join(dir, 'model.onnx'), '--shuffles', String(shuffles), '--json', '-']));
    clusterSeconds = (performance.now() - started) / 1000;
    delete cluster.drawing;
    writeFileSync(clusterPath, `${JSON.stringify({ cluster, clusterSeconds }, null, 2)}\n`);
  }
  const row = {
    name,
    ncut: cluster.ncut,
    layer: cluster.nulls.layer,
    nonzero: cluster.nulls['layer-nonzero'],
    accuracy: trained.testAccuracy,
    trainSeconds: trained.seconds,
    perStep: trained.seconds / trained.steps,
    clusterSeconds,
    backend: trained.backend,
  };
  rows.push(row);
  process.stderr.write(
    `${name}: n-cut ${fixed(row.ncut)}, layer ${fixed(row.layer.mean)} (z ${fixed(row.layer.z, 2)}, p ${fixed(row.layer.p)}), ` +
      `layer-nonzero ${fixed(row.nonzero.mean)} (z ${fixed(row.nonzero.z, 2)}, p ${fixed(row.nonzero.p)}), accuracy ${(100 * row.accuracy).toFixed(2)}%\n`,
  );
}

const header = ['network', 'n-cut', 'layer mean', 'z', 'p', 'nonzero mean', 'z', 'p', 'test acc', 'train s', 's/step', 'cluster s'];
const cells = rows.map((r) => [
  r.name,
  fixed(r.ncut),
  fixed(r.layer.mean),
  fixed(r.layer.z, 2),
  fixed(r.layer.p),
  fixed(r.nonzero.mean),
  fixed(r.nonzero.z, 2),
  fixed(r.nonzero.p),
  `${(100 * r.accuracy).toFixed(2)}%`,
  r.trainSeconds.toFixed(0),
  r.perStep.toFixed(3),
  r.clusterSeconds.toFixed(0),
]);
const widths = header.map((h, c) => Math.max(h.length, ...cells.map((r) => r[c].length)));
const line = (r) => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ');
console.log(
  `Fashion-MNIST 784-256×4-10, ${epochs} epochs${limit ? ` on ${limit} examples` : ''}, Adam 0.001, batch 64; k = 12, ${shuffles} shuffles per null; backend ${rows[0]?.backend ?? '—'}`,
);
console.log(line(header));
console.log(widths.map((w) => '─'.repeat(w)).join('  '));
for (const r of cells) console.log(line(r));
