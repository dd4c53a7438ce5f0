// The CNN relearning experiment (method §6, issue 14 item 6): per seed, two Fashion-MNIST `cnn-small`
// networks trained by modscope's own training pipeline (`runTrain` of @modscope/training-run, as
// `modscope train --arch cnn-small` runs it): a clean one, from which a class is excised, and a backdoored
// one (`--poison trigger:target=T`), from which the trigger is excised. Each goes through `runExcise` of
// @modscope/excision (what `modscope excise` calls): weight-graph modules, module pruning until the forget
// metric is at the never-trained floor, the same-count baselines (random, lowest-magnitude, selective,
// none), retain-only fine-tuning with curves, the never-trained floor trained with the model's own recipe
// (`floorRecipeOf`: its train.json), and the default mixed relearning attack (n forget examples + 9 retain
// examples each) from every method's fine-tuned network and from the floor (`relearnFrom: 'all'`, the
// default). Writes, into the output directory: the models (seed-N/clean, seed-N/backdoor), each excise
// result (seed-N/<capability>.excise.json, `modscope/excise`, with every start's relearning curves), its
// scale and timings (seed-N/<capability>.bench.json), `table.md` (also printed) and `report.html`
// (@modscope/report, the relearning curves of every method against the floor).
// Results of a seed are reused when they exist at the same scale, so seeds can run in parallel processes
// into one directory and a last run over all seeds writes the combined table and report.
// Run from the repository root after `npm run build`:
//   node bench/cnn-relearning.mjs --out DIR [--seeds 0,1,2] [--limit 20000] [--epochs 1] [--test-limit 2000]
//     [--steps 200] [--evaluate-every 20] [--relearn 10,100] [--relearn-steps 50] [--class 7] [--target 0]
// A check that it works end to end in about a minute (a few hundred images, a few steps; numbers meaningless):
//   node bench/cnn-relearning.mjs --out DIR --tiny        (or MODSCOPE_BENCH_TINY=1)
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDataset } from '@modscope/datasets';
import { floorRecipeOf, runExcise } from '@modscope/excision';
import { parseForgetSpec, RELEARN_RETAIN_PER_EXAMPLE } from '@modscope/intervention-prune';
import { onnxLoader } from '@modscope/loader-onnx';
import { writeResultsReport } from '@modscope/report';
import { runTrain } from '@modscope/training-run';

const USAGE = `usage: node bench/cnn-relearning.mjs --out DIR [options]
  --out DIR             output directory (created): models, results, table.md, report.html
  --seeds LIST          seeds, comma-separated (default 0,1,2)
  --limit N             training examples, for training and fine-tuning (default 20000; 0 = all 60,000)
  --epochs N            training epochs of each model, and so of the never-trained floor (default 1)
  --test-limit N        test examples the metrics are measured on (default 2000)
  --steps N             retain-only fine-tuning steps after pruning (default 200)
  --evaluate-every N    steps between points of the fine-tuning curves (default 20)
  --relearn LIST        forget examples of each relearning attack (default 10,100)
  --relearn-steps N     steps of each relearning attack (default 50)
  --relearn-mix N       retain examples mixed in per forget example (default ${RELEARN_RETAIN_PER_EXAMPLE})
  --class C             the class to excise (default 7, Sneaker)
  --target C            the backdoor's target class (default 0)
  --poison-fraction F   share of training images that carry the trigger (default 0.1)
  --capabilities LIST   class, trigger or both (default class,trigger)
  --tiny                a check that the bench works end to end, in about a minute: the defaults become
                        seed 0, 600 training and 300 test images, 10 retain steps (curve every 5), relearning
                        n = 10, 50 for 5 steps (options given still win); also MODSCOPE_BENCH_TINY=1
  -h, --help            this text`;

// --tiny: the same pipeline at a scale that only shows it runs (a few hundred images, a few steps)
const tiny = process.argv.includes('--tiny') || process.env.MODSCOPE_BENCH_TINY === '1';
const DEFAULTS = {
  seeds: '0,1,2',
  limit: '20000',
  'test-limit': '2000',
  steps: '200',
  'evaluate-every': '20',
  relearn: '10,100',
  'relearn-steps': '50',
  ...(tiny
    ? { seeds: '0', limit: '600', 'test-limit': '300', steps: '10', 'evaluate-every': '5', relearn: '10,50', 'relearn-steps': '5' }
    : {}),
};

function fail(message) {
  process.stderr.write(`cnn-relearning: ${message} (--help for usage)\n`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      out: { type: 'string' },
      seeds: { type: 'string', default: DEFAULTS.seeds },
      limit: { type: 'string', default: DEFAULTS.limit },
      epochs: { type: 'string', default: '1' },
      'test-limit': { type: 'string', default: DEFAULTS['test-limit'] },
      steps: { type: 'string', default: DEFAULTS.steps },
      'evaluate-every': { type: 'string', default: DEFAULTS['evaluate-every'] },
      relearn: { type: 'string', default: DEFAULTS.relearn },
      'relearn-steps': { type: 'string', default: DEFAULTS['relearn-steps'] },
      'relearn-mix': { type: 'string', default: String(RELEARN_RETAIN_PER_EXAMPLE) },
      class: { type: 'string', default: '7' },
      target: { type: 'string', default: '0' },
      'poison-fraction': { type: 'string', default: '0.1' },
      capabilities: { type: 'string', default: 'class,trigger' },
      tiny: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
} catch (error) {
  fail(error.message.split('\n')[0]);
}
const o = parsed.values;
if (o.help) {
  console.log(USAGE);
  process.exit(0);
}

function int(name, min, max = Number.MAX_SAFE_INTEGER) {
  const value = Number(o[name]);
  if (!/^\d+$/.test(o[name].trim()) || value < min || value > max)
    fail(`--${name} '${o[name]}' must be a whole number from ${min} to ${max}`);
  return value;
}
function ints(name, min) {
  const list = o[name].split(',').map((s) => s.trim());
  if (list.length === 0 || list.some((s) => !/^\d+$/.test(s) || Number(s) < min))
    fail(`--${name} '${o[name]}' must be whole numbers ≥ ${min}, comma-separated`);
  return [...new Set(list.map(Number))];
}
if (!o.out) fail('--out DIR is required');
const fraction = Number(o['poison-fraction']);
if (!(fraction > 0 && fraction <= 1)) fail(`--poison-fraction '${o['poison-fraction']}' must lie in (0, 1]`);
const capabilities = o.capabilities.split(',').map((s) => s.trim());
if (capabilities.length === 0 || capabilities.some((c) => c !== 'class' && c !== 'trigger'))
  fail(`--capabilities '${o.capabilities}' must name class, trigger or both`);
const scale = {
  arch: 'cnn-small',
  data: 'fashion-mnist',
  limit: int('limit', 0, 60000),
  epochs: int('epochs', 1, 100),
  testLimit: int('test-limit', 1, 10000),
  steps: int('steps', 0),
  evaluateEvery: int('evaluate-every', 1),
  relearn: ints('relearn', 1),
  relearnSteps: int('relearn-steps', 1),
  relearnMix: int('relearn-mix', 0),
  forgetClass: int('class', 0, 9),
  target: int('target', 0, 9),
  poisonFraction: fraction,
};
const seeds = ints('seeds', 0);
const out = resolve(o.out);
if (existsSync(out) && !statSync(out).isDirectory()) fail(`--out '${o.out}' is a file, not a directory`);
mkdirSync(out, { recursive: true });

// The trigger `modscope train --poison` plants by default: a 4×4 patch of 1 in the bottom-right corner.
const TRIGGER = 'row=24,col=24,size=4,value=1';
const BASELINES = ['random', 'magnitude', 'selective', 'none'];
const METHOD_LABEL = {
  module: 'module pruning',
  random: 'random units',
  magnitude: 'lowest magnitude',
  selective: 'selective pruning',
  none: 'no pruning',
  'never-trained': 'never-trained floor',
};

const t0 = performance.now();
const seconds = (since) => (performance.now() - since) / 1000;
const log = (line) => console.log(`[${seconds(t0).toFixed(0).padStart(5)} s] ${line}`);
const json = (v) => `${JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? null : x), 2)}\n`;
const pct = (x) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : (100 * x).toFixed(1));
const sameScale = (a) => JSON.stringify(a) === JSON.stringify(scale);

console.log(
  `CNN relearning experiment: ${scale.arch} on ${scale.data}, seeds ${seeds.join(', ')}; capabilities ${capabilities.join(', ')}\n` +
    `scale: ${scale.epochs} training epoch(s) on ${scale.limit || 60000} training examples (models and never-trained floor), ` +
    `metrics on ${scale.testLimit} test examples, ${scale.steps} retain fine-tuning steps (curve every ${scale.evaluateEvery}), ` +
    `relearning attack n = ${scale.relearn.join(', ')} forget examples + ${scale.relearnMix} retain each, ${scale.relearnSteps} steps; ` +
    `class ${scale.forgetClass}; backdoor ${TRIGGER} → class ${scale.target} on ${100 * scale.poisonFraction}% of training images\n` +
    `output: ${out}`,
);

const limit = scale.limit ? { limit: scale.limit } : {};
const test = await loadDataset(scale.data, { split: 'test', limit: scale.testLimit });
const train = await loadDataset(scale.data, { split: 'train', ...limit });

/** One model, trained by `runTrain` (reused from an earlier run at the same scale). */
async function model(dir, seed, poison) {
  const record = join(dir, 'train.json');
  const key = { ...scale, seed, poison: poison ?? null };
  const keyFile = join(dir, 'bench-scale.json');
  if (existsSync(record) && existsSync(keyFile) && readFileSync(keyFile, 'utf8') === json(key)) {
    log(`${dir}: reusing the model trained earlier at this scale`);
    return JSON.parse(readFileSync(record, 'utf8'));
  }
  const began = performance.now();
  let last = 0;
  const result = await runTrain({
    data: scale.data,
    out: dir,
    arch: scale.arch,
    epochs: scale.epochs,
    seed,
    testLimit: scale.testLimit,
    ...limit,
    ...(poison ? { poison, trigger: TRIGGER } : {}),
    onProgress: (p) => {
      if (performance.now() - last > 30000) {
        last = performance.now();
        log(`  training ${dir.split('/').pop()}: step ${p.step}/${p.steps}`);
      }
    },
  });
  writeFileSync(keyFile, json(key));
  log(
    `trained ${dir} in ${seconds(began).toFixed(0)} s on ${result.backend}: test accuracy ${pct(result.testAccuracy)}%` +
      (poison ? `, attack success ${pct(result.attackSuccess)}%` : ''),
  );
  return result;
}

// The format of seed-N/*.bench.json: 2 since the relearning attack from every method is in the excise result.
const BENCH_FORMAT = 2;

/** One capability of one seed: `runExcise`, the relearning attack from every method included (reused at the same scale). */
async function experiment(seed, capability, modelDir) {
  const name = capability === 'class' ? `class-${scale.forgetClass}` : 'trigger';
  const label = `seed ${seed}, ${name}`;
  const resultFile = join(out, `seed-${seed}`, `${name}.excise.json`);
  const benchFile = join(out, `seed-${seed}`, `${name}.bench.json`);
  if (existsSync(resultFile) && existsSync(benchFile)) {
    const bench = JSON.parse(readFileSync(benchFile, 'utf8'));
    if (bench.format === BENCH_FORMAT && sameScale(bench.scale)) {
      log(`${label}: reusing the results of an earlier run at this scale`);
      return { seed, capability, name, result: JSON.parse(readFileSync(resultFile, 'utf8')), bench, resultFile };
    }
  }
  const began = performance.now();
  const modelPath = join(modelDir, 'model.onnx');
  const { network } = await onnxLoader.load(modelPath);
  const spec = parseForgetSpec(capability === 'class' ? `class:${scale.forgetClass}` : 'trigger', {
    ...(capability === 'trigger' ? { trigger: TRIGGER, target: scale.target } : {}),
    inputShape: test.inputShape,
  });
  const floorRecipe = await floorRecipeOf(modelPath);
  const result = await runExcise(
    { network, model: `${scale.arch} seed ${seed} (${capability === 'class' ? 'clean' : 'backdoored'})`, test, train },
    {
      forget: spec,
      steps: scale.steps,
      evaluateEvery: scale.evaluateEvery,
      relearn: scale.relearn,
      relearnSteps: scale.relearnSteps,
      relearnMix: scale.relearnMix,
      relearnFrom: 'all',
      seed,
      ...(floorRecipe ? { floorRecipe } : {}),
      onStage: (s) => log(`${label}: ${s}`),
    },
  );
  result.timings.total = Math.round(seconds(began) * 10) / 10;
  const relearnSeconds = Object.entries(result.timings)
    .filter(([stage]) => stage.startsWith('relearning attack: '))
    .reduce((sum, [, t]) => sum + t, 0);
  const bench = {
    kind: 'bench/cnn-relearning',
    format: BENCH_FORMAT,
    scale,
    seed,
    capability: name,
    floorRecipe: floorRecipe ?? null,
    seconds: { total: seconds(began), relearning: relearnSeconds },
  };
  writeFileSync(resultFile, json(result));
  writeFileSync(benchFile, json(bench));
  log(`${label}: done in ${bench.seconds.total.toFixed(0)} s (relearning attacks ${relearnSeconds.toFixed(0)} s of it)`);
  return { seed, capability, name, result: JSON.parse(json(result)), bench: JSON.parse(json(bench)), resultFile };
}

const runs = [];
const seedSeconds = {};
for (const seed of seeds) {
  const began = performance.now();
  const dir = join(out, `seed-${seed}`);
  mkdirSync(dir, { recursive: true });
  for (const capability of capabilities) {
    const modelDir = join(dir, capability === 'class' ? 'clean' : 'backdoor');
    await model(modelDir, seed, capability === 'trigger' ? `trigger:target=${scale.target},fraction=${scale.poisonFraction}` : undefined);
    runs.push(await experiment(seed, capability, modelDir));
  }
  seedSeconds[seed] = seconds(began);
  log(`seed ${seed}: ${seedSeconds[seed].toFixed(0)} s in this process`);
}

// ---- the table -------------------------------------------------------------------------------------
const mean = (xs) => {
  const v = xs.filter((x) => x !== null && x !== undefined && Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN;
};
const sd = (xs) => {
  const v = xs.filter((x) => x !== null && x !== undefined && Number.isFinite(x));
  if (v.length < 2) return Number.NaN;
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
};
const cell = (xs) => {
  const m = mean(xs);
  if (!Number.isFinite(m)) return '—';
  const s = sd(xs);
  return Number.isFinite(s) ? `${pct(m)} ± ${pct(s)}` : pct(m);
};
const unitsCell = (xs) =>
  Math.min(...xs) === Math.max(...xs) ? String(xs[0]) : `${Math.round(mean(xs))} (${Math.min(...xs)}–${Math.max(...xs)})`;
const lastForget = (r) => r?.curve?.at(-1)?.forget;
const lastRetain = (r) => r?.curve?.at(-1)?.retain;

function capabilityTable(name) {
  const rs = runs.filter((r) => r.name === name);
  if (rs.length === 0) return '';
  const first = rs[0].result;
  const attacks = (r, model, n) => r.result.relearning.find((x) => x.model === model && x.examples === n);
  const degenerate = (model, n) => rs.filter((r) => attacks(r, model, n)?.degenerate).length;
  const relearnHeads = scale.relearn.flatMap((n) => [`relearn n=${n}: forget`, `n=${n}: retain`]);
  const lines = [
    `### ${first.forget}: ${first.forgetMetric} (forget) and ${first.retainMetric ?? 'retain accuracy'} (retain), % — mean ± sd over ${rs.length} seed${rs.length === 1 ? '' : 's'} (${rs.map((r) => r.seed).join(', ')})`,
    '',
    `| model | units pruned | forget after pruning | retain after pruning | forget after ${scale.steps} retain steps | retain after ${scale.steps} retain steps | ${relearnHeads.join(' | ')} |`,
    `| --- | ---: | ---: | ---: | ---: | ---: | ${relearnHeads.map(() => '---:').join(' | ')} |`,
    `| intact | 0 | ${cell(rs.map((r) => r.result.intact.forget))} | ${cell(rs.map((r) => r.result.intact.retain))} | | | ${relearnHeads.map(() => '').join(' | ')} |`,
  ];
  const relearnCells = (model) =>
    scale.relearn
      .flatMap((n) => {
        const d = degenerate(model, n);
        return [
          cell(rs.map((r) => lastForget(attacks(r, model, n)))) + (d ? ` (${d} degenerate)` : ''),
          cell(rs.map((r) => lastRetain(attacks(r, model, n)))),
        ];
      })
      .join(' | ');
  for (const method of ['module', ...BASELINES]) {
    const ms = rs.map((r) => r.result.methods.find((m) => m.method === method)).filter(Boolean);
    if (ms.length === 0) continue;
    lines.push(
      `| ${METHOD_LABEL[method]} | ${unitsCell(ms.map((m) => m.units))} | ${cell(ms.map((m) => m.forget))} | ${cell(ms.map((m) => m.retain))} | ${cell(ms.map((m) => m.stats.finalForget))} | ${cell(ms.map((m) => m.stats.finalRetain))} | ${relearnCells(method)} |`,
    );
  }
  const floors = rs.map((r) => r.result.floor).filter(Boolean);
  if (floors.length) {
    const notComparable = floors.filter((f) => f.comparable === false).length;
    lines.push(
      `| never-trained floor${notComparable ? ` (${notComparable} of ${floors.length} not comparable)` : ''} | — | ${cell(floors.map((f) => f.forget))} | ${cell(floors.map((f) => f.retain))} | | | ${relearnCells('never-trained')} |`,
    );
  }
  lines.push('', 'Per seed:', '');
  for (const r of rs) {
    const f = r.result.floor;
    const m = r.result.methods.find((x) => x.method === 'module');
    lines.push(
      `- seed ${r.seed}: intact forget ${pct(r.result.intact.forget)}, retain ${pct(r.result.intact.retain)}; modules chosen ${r.result.chosen.map((c) => `${c.layer}#${c.cluster} (${c.size})`).join(', ')}; ` +
        `module pruning ${m ? `${m.units} units, forget ${pct(m.forget)} → ${pct(m.stats.finalForget)} after fine-tuning (steps to half recovery ${m.stats.stepsToHalf ?? 'never'})` : '—'}; ` +
        (f
          ? `floor (${f.epochs} epoch${f.epochs === 1 ? '' : 's'}, ${f.training}) forget ${pct(f.forget)}, retain ${pct(f.retain)}, retain gap ${pct(f.retainGap)} points${f.comparable === false ? ', NOT COMPARABLE (no floor)' : ''}`
          : 'no floor') +
        `; ${r.bench.seconds.total.toFixed(0)} s`,
    );
  }
  return lines.join('\n');
}

const names = [...new Set(runs.map((r) => r.name))];
const table = [
  `## CNN excision and relearning (Fashion-MNIST, ${scale.arch})`,
  '',
  `Seeds ${seeds.join(', ')}. Scale: ${scale.epochs} training epoch(s) on ${scale.limit || 60000} training examples (each model and its never-trained floor); ` +
    `metrics on the first ${scale.testLimit} test examples; ${scale.steps} retain-only fine-tuning steps (Adam, batch 64, masks held); ` +
    `relearning attack: n forget training examples + ${scale.relearnMix} retain examples each, ${scale.relearnSteps} steps, from each method's network after its retain fine-tuning and from the floor. ` +
    `Relearning columns give the forget and retain metric at the end of the attack; a run whose retain metric fell by more than 10 points is counted as degenerate.`,
  '',
  ...names.flatMap((n) => [capabilityTable(n), '']),
].join('\n');
console.log(`\n${table}`);
writeFileSync(join(out, 'table.md'), `${table}\n`);

const written = await writeResultsReport(
  runs.map((r) => r.result),
  join(out, 'report.html'),
  {
    sources: runs.map((r) => `seed-${r.seed}/${r.name}.excise.json`),
    title: `modscope: CNN excision and relearning (${scale.arch}, Fashion-MNIST, seeds ${seeds.join(', ')})`,
  },
);
for (const w of written.warnings) console.error(`warning: ${w}`);
console.log(
  `\nwrote ${join(out, 'table.md')} and ${written.path} (${runs.length} excise results, each with every method's relearning curves)`,
);
console.log(
  `time: ${Object.entries(seedSeconds)
    .map(([s, t]) => `seed ${s} ${t.toFixed(0)} s`)
    .join(', ')}; total ${seconds(t0).toFixed(0)} s`,
);
