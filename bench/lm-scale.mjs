// Scale of `modscope cluster` on GPT-style language models (issue 16 item 8), in one run:
// 1. a scaling table over GPT-2-small-shaped models of 1, 2, 4, 8 and 12 blocks (random weights, written by
//    bench/make-gpt2-small.py into a temporary folder, each deleted after use): the residual view's nodes and
//    edges, the whole-process wall time and peak RSS of `modscope cluster MODEL --k 12 --shuffles 0 --json FILE`
//    (a child process under /usr/bin/time), and the phase timings from its JSON;
// 2. the 12-block targets: whole process < 60 s, peak RSS < 4 GB;
// 3. `--shuffles 20` (both nulls) on the 12-block model: its `timings.shuffles` against 10 minutes;
// 4. scikit-learn's SpectralClustering (precomputed, arpack, k-means with modscope's n_init: 100 above 2,000
//    nodes) on the same residual-view graph, exported as raw CSR, with a 10-minute limit, and both n-cuts.
// Run from the repository root after `npm run build` (needs Debian's python3-torch, python3-onnx and
// python3-sklearn, all for /usr/bin/python3):
//   node bench/lm-scale.mjs
// Environment: BLOCKS (block counts, default 1,2,4,8,12; the shuffles and scikit-learn run on the largest,
// the targets are printed when it is 12),
// SKIP_SHUFFLES=1, SKIP_SKLEARN=1, SHUFFLES (default 20), SKLEARN_LIMIT_S (default 600),
// SKLEARN_MEMORY_GB (scikit-learn's address-space limit, default 8), GPT2_SMALL (an existing 12-block
// model to use instead of generating one; it is not deleted), PYTHON (default /usr/bin/python3).
// Internally, `node bench/lm-scale.mjs --export-graph MODEL DIR` writes the graph for scikit-learn in a
// process of its own, so that this one holds no model while the others run.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const python = process.env.PYTHON ?? '/usr/bin/python3';
const k = 12;

if (process.argv[2] === '--export-graph') {
  // the residual-view graph of MODEL, degree-0 nodes removed, as raw CSR in DIR
  const [, , , modelPath, dir] = process.argv;
  const { buildLanguageModelGraph, removeIsolatedNodes } = await import('@modscope/graph');
  const { onnxLoader } = await import('@modscope/loader-onnx');
  const { network } = await onnxLoader.load(modelPath);
  const graph = removeIsolatedNodes(buildLanguageModelGraph(network).graph);
  const bytes = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  writeFileSync(join(dir, 'indptr.i32'), bytes(graph.indptr));
  writeFileSync(join(dir, 'indices.i32'), bytes(graph.indices));
  writeFileSync(join(dir, 'weights.f64'), bytes(graph.weights));
  writeFileSync(join(dir, 'original.json'), JSON.stringify(Array.from(graph.originalIndex)));
  process.exit(0);
}

const blocks = (process.env.BLOCKS ?? '1,2,4,8,12').split(',').map(Number);
const skipShuffles = process.env.SKIP_SHUFFLES === '1';
const skipSklearn = process.env.SKIP_SKLEARN === '1';
const shuffles = Number(process.env.SHUFFLES ?? 20);
const sklearnLimit = Number(process.env.SKLEARN_LIMIT_S ?? 600);
const sklearnMemory = Number(process.env.SKLEARN_MEMORY_GB ?? 8);
const given12 = process.env.GPT2_SMALL;
const work = mkdtempSync(join(tmpdir(), 'modscope-lm-scale-'));
const s = (ms) => (ms / 1000).toFixed(1);
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');
const log = (line = '') => console.log(line);

/** The path of a model of `n` blocks, generated unless GPT2_SMALL names the 12-block one. */
function model(n) {
  if (n === 12 && given12) return { path: given12, generated: 0, owned: false };
  const path = join(work, `gpt2-${n}.onnx`);
  const t = performance.now();
  const r = spawnSync(python, ['bench/make-gpt2-small.py', path, '--blocks', String(n)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`make-gpt2-small.py --blocks ${n} failed:\n${r.stderr}`);
  return { path, generated: performance.now() - t, owned: true };
}

/** `modscope cluster` as a whole process under /usr/bin/time: wall seconds, peak RSS (bytes), its JSON. */
function cluster(path, extra) {
  const json = join(work, 'cluster.json');
  const timeFile = join(work, 'time.txt');
  const args = [
    '-f',
    '%e %M',
    '-o',
    timeFile,
    'node',
    'apps/cli/bin/modscope.js',
    'cluster',
    path,
    '--k',
    String(k),
    '--json',
    json,
    ...extra,
  ];
  const r = spawnSync('/usr/bin/time', args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`modscope cluster ${path} ${extra.join(' ')} failed:\n${r.stderr}`);
  const [wall, kb] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  const result = JSON.parse(readFileSync(json, 'utf8'));
  rmSync(json);
  return { wall, rss: kb * 1024, result };
}

log(`modscope cluster on GPT-2-small-shaped language models (random weights), residual view, k = ${k}`);
log(`${new Date().toISOString()}; ${cpus().length} cores (${cpus()[0]?.model}); load average at start ${load()}`);
log(`blocks ${blocks.join(', ')}; models in ${work}\n`);

const rows = [];
const largest = Math.max(...blocks);
let big; // the largest model, kept for the shuffles and scikit-learn
log('blocks   nodes      edges   whole process s   peak RSS MB   graph s   partition s   drawing s   generation s   load avg (1 min)');
for (const n of blocks) {
  const m = model(n);
  const c = cluster(m.path, ['--shuffles', '0']);
  const t = c.result.timings;
  const row = { n, nodes: c.result.nodes, edges: c.result.edges, ...c, load: loadavg()[0] };
  rows.push(row);
  log(
    `${String(n).padStart(6)} ${String(row.nodes).padStart(7)} ${String(row.edges).padStart(10)} ${c.wall.toFixed(1).padStart(17)} ${(c.rss / 2 ** 20).toFixed(0).padStart(13)} ${s(t.graph).padStart(9)} ${s(t.partition).padStart(13)} ${s(t.shuffles).padStart(11)} ${(m.owned ? s(m.generated) : 'given').padStart(14)} ${row.load.toFixed(2).padStart(18)}`,
  );
  if (n === largest) big = { ...m, n, wall: c.wall, result: c.result };
  else if (m.owned) rmSync(m.path);
}
log('(drawing: `timings.shuffles` of a run without shuffles, which is the drawing of the strongest edges)');

const twelve = rows.find((r) => r.n === 12);
if (twelve) {
  const met = (ok) => (ok ? 'met' : 'NOT MET');
  log(`\n12 blocks, whole process: ${twelve.wall.toFixed(1)} s (target < 60 s: ${met(twelve.wall < 60)})`);
  log(`12 blocks, peak RSS: ${(twelve.rss / 2 ** 30).toFixed(2)} GB (target < 4 GB: ${met(twelve.rss < 4 * 2 ** 30)})`);
}

if (big && !skipShuffles) {
  log(`\n${shuffles} shuffles of both nulls on the ${largest}-block model (load average before: ${load()})`);
  const c = cluster(big.path, ['--shuffles', String(shuffles)]);
  const t = c.result.timings;
  log(
    `whole process ${c.wall.toFixed(1)} s, peak RSS ${(c.rss / 2 ** 30).toFixed(2)} GB; timings: graph ${s(t.graph)} s, partition ${s(t.partition)} s, shuffles (with the drawing) ${s(t.shuffles)} s`,
  );
  log(`shuffles: ${s(t.shuffles)} s (target < 600 s: ${t.shuffles < 600_000 ? 'met' : 'NOT MET'}); load average after: ${load()}`);
  for (const [name, nul] of Object.entries(c.result.nulls))
    log(
      `  ${name}: n-cut ${c.result.ncut.toFixed(4)} vs mean ${nul.mean.toFixed(4)} ± ${nul.std.toFixed(4)} (z ${nul.z?.toFixed(2)}, p ${nul.p.toFixed(3)}, n ${nul.n})`,
    );
}

if (big && !skipSklearn) {
  const nInit = big.result.nodes > 2000 ? 100 : 25;
  log(
    `\nscikit-learn SpectralClustering(affinity='precomputed', eigen_solver='arpack', assign_labels='kmeans', n_init=${nInit}), k = ${k}, same graph, limit ${sklearnLimit} s, ${sklearnMemory} GB address space`,
  );
  const dir = join(work, 'graph');
  rmSync(dir, { recursive: true, force: true });
  spawnSync('mkdir', [dir]);
  const ex = spawnSync(process.execPath, [process.argv[1], '--export-graph', big.path, dir], { encoding: 'utf8' });
  if (ex.status !== 0) throw new Error(`exporting the graph failed:\n${ex.stderr}`);
  if (big.owned) rmSync(big.path);
  big.path = undefined;
  const fit = await sklearnFit(dir, nInit);
  const ours = big.result.ncut;
  if (fit.seconds === undefined) {
    log(
      `scikit-learn: ${fit.error}; modscope's partition (in the scaling table): ${s(big.result.timings.partition)} s, n-cut ${ours.toFixed(4)}`,
    );
  } else {
    // both n-cuts on the exported graph: modscope's labels from its JSON (per layer, per unit, in node order)
    const { normalizedCut } = await import('@modscope/metrics');
    const graph = readGraph(dir);
    const flat = big.result.labels.flat();
    const original = JSON.parse(readFileSync(join(dir, 'original.json'), 'utf8'));
    const oursLabels = Int32Array.from(original, (i) => flat[i]);
    const oursCut = normalizedCut(graph, oursLabels);
    const skCut = normalizedCut(graph, Int32Array.from(fit.labels));
    const partition = big.result.timings.partition / 1000;
    log(
      `scikit-learn ${fit.sklearn}: ${fit.seconds.toFixed(1)} s for the fit (load average after: ${load()}); modscope's partition: ${partition.toFixed(1)} s (${(fit.seconds / partition).toFixed(1)}×), whole process ${big.wall.toFixed(1)} s`,
    );
    log(`n-cut: modscope ${oursCut.toFixed(4)} (its JSON: ${ours.toFixed(4)}), scikit-learn ${skCut.toFixed(4)}`);
  }
  rmSync(dir, { recursive: true, force: true });
} else if (big?.owned && big.path) rmSync(big.path);

rmSync(work, { recursive: true, force: true });
log(`\nload average at the end: ${load()}`);

function readGraph(dir) {
  const i32 = (f) => {
    const b = readFileSync(join(dir, f));
    return new Int32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  };
  const indptr = i32('indptr.i32');
  const b = readFileSync(join(dir, 'weights.f64'));
  const weights = new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  return { nodeCount: indptr.length - 1, indptr, indices: i32('indices.i32'), weights };
}

/** One scikit-learn fit, timed from the moment its graph is read, killed after `sklearnLimit` seconds. */
function sklearnFit(dir, nInit) {
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['bench/sklearn-spectral-once.py', dir, String(k), String(nInit), '0', String(sklearnMemory)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let timer;
    let answer;
    child.stderr.on('data', (d) => (stderr += d));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const msg = JSON.parse(line);
      if (msg.ready) {
        timer = setTimeout(() => {
          answer = { error: `did not finish in ${sklearnLimit / 60} minutes` };
          child.kill('SIGKILL');
        }, sklearnLimit * 1000);
      } else answer = msg;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (answer) resolve(answer);
      else reject(new Error(`scikit-learn side failed (code ${code}; apt-get install python3-sklearn?):\n${stderr.slice(-2000)}`));
    });
  });
}
