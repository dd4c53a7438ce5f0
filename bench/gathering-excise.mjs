// The excision of aggression (method §10, issue 18) over seeds: is the README's one-pair result — module pruning
// halves P(fire | other in range) where random units do nothing, and fine-tuning plus a relearning attack bring
// it back while the never-trained floor stays low — a property of the recipe or of seed 0?
//
// Design:
// - Per seed (`--seeds`, default 0, 1, 2): a pair trained by `runTrainAgents` of @modscope/agents in
//   `createGatheringEnvironment({ regrowth: 0.02 })` (`--regrowth`) for 1,000 PPO updates (`--updates`), every
//   other setting the default (2 × 64 hidden units, 32 games × 128 steps per update, no beam cost), written to
//   OUT/seed-<s>/ as `modscope train --env gathering --regrowth 0.02 --updates 1000 --seed s` would.
// - Then `runExciseAgents` as `modscope excise OUT/seed-<s> --env gathering --forget behaviour:fire` runs it:
//   the agents read back from their ONNX files (`readTrainedAgents` with @modscope/loader-onnx), measured in
//   the environment they were trained in, fine-tuned in the trusted one (regrowth 0.3, `--trusted-regrowth`),
//   k = 12 (the CLI's default), every method (module, random, magnitude, selective, none), relearning attacks
//   of 5 and 20 updates, the never-trained floor with the recipe of train.json, seed 0, everything else the
//   pipeline's defaults (50 fine-tuning updates, 5 random lesions per module, …). The result is written to
//   OUT/seed-<s>/excise.json (`modscope/agent-excise`).
// - Both are cached: a seed's train.json is reused when its seed, regrowth, updates and settings match, and its
//   excise.json when its excision settings match; delete the folder to run anew. A directory written by the CLI
//   with the same settings (train.json, agent-*/, and the excise result copied to excise.json) is reused too.
// - Printed per seed and as mean ± sd: intact P(fire | in range) and beam rate, the floor's, the units module
//   pruning took (or the finding when no module qualifies), and per method P(fire | in range) after pruning,
//   after fine-tuning, after the 5- and 20-update relearning attacks, and apples after fine-tuning.
// - Verdict, computed from the numbers: whether module pruning lowers P(fire | in range) more than random
//   units of the same layers in every seed; whether after fine-tuning it stays within MARGIN of the floor;
//   whether it comes back under the 20-update attack (to within MARGIN of intact, or above the fine-tuned
//   figure by more than MARGIN) while the floor stays within MARGIN of where it started.
//
// Seeds go to `--workers` worker threads (default 2, one core each: tfjs's wasm backend is single-threaded).
// Writes OUT/gathering-excise.json (every seed's summary, the verdict, timings) and OUT/table.md (what it
// prints). OUT is `out/gathering-excise` (ignored by git) unless `--out` says otherwise.
//
// Run from the repository root after `npx turbo run build --filter=@modscope/agents --filter=@modscope/env-gathering
// --filter=@modscope/loader-onnx`:
//   node bench/gathering-excise.mjs [--seeds 0,1,2] [--updates 1000] [--workers 2]
//   node bench/gathering-excise.mjs --quick      (seed 0, 4 updates, 2 fine-tuning updates: a smoke test)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { readTrainedAgents, runExciseAgents, runTrainAgents } from '@modscope/agents';
import { createGatheringEnvironment } from '@modscope/env-gathering';
import { onnxLoader } from '@modscope/loader-onnx';

const USAGE = `usage: node bench/gathering-excise.mjs [options]
  --seeds LIST            training seeds (default 0,1,2)
  --regrowth R            apple regrowth the pairs are trained and measured in (default 0.02)
  --trusted-regrowth R    apple regrowth of fine-tuning (default 0.3)
  --updates N             PPO updates of training (default 1000)
  --k N                   clusters of each policy's weight-graph partition (default 12, the CLI's)
  --workers N             seeds in parallel, one worker thread each (default 2)
  --out DIR               per-seed directories, JSON and table (default out/gathering-excise)
  --quick                 a smoke test: seed 0, 4 updates, 2 fine-tuning updates, small rollouts, into out/gathering-excise-quick
  -h, --help              this text`;

const METHODS = ['module', 'random', 'magnitude', 'selective', 'none'];
const RELEARN = [5, 20];
const MARGIN = 0.05; // 5 points of P(fire | in range): "within", "stays", "comes back"

const started = performance.now();
function log(what) {
  process.stderr.write(`[${((performance.now() - started) / 60000).toFixed(1).padStart(5)} min] ${what}\n`);
}

// ---------------------------------------------------------------------------------------------------------
// A worker: train one pair (or reuse it), excise aggression (or reuse it).

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

function trainMatches(file, job) {
  if (!existsSync(file)) return false;
  const t = readJson(file);
  const s = t.environment?.settings ?? {};
  return (
    t.environment?.name === 'gathering' &&
    t.ppo?.seed === job.seed &&
    t.ppo?.updates === job.updates &&
    s.regrowth === job.regrowth &&
    s.beamCost === 0 &&
    t.ppo?.games === job.train.games &&
    JSON.stringify(t.ppo?.hidden) === '[64,64]'
  );
}

function exciseMatches(file, job) {
  if (!existsSync(file)) return false;
  const e = readJson(file);
  return (
    e.kind === 'modscope/agent-excise' &&
    e.environment?.settings?.regrowth === job.regrowth &&
    e.trusted?.settings?.regrowth === job.trustedRegrowth &&
    e.updates === job.excise.updates &&
    e.agents?.every((a) => a.partition?.k === job.k) &&
    JSON.stringify(e.methods?.map((m) => m.method)) === JSON.stringify(METHODS) &&
    JSON.stringify([...new Set(e.relearning?.map((r) => r.updates))]) === JSON.stringify(job.excise.relearn) &&
    (e.floor?.updates ?? null) === job.updates
  );
}

async function runJob(job) {
  const post = (progress) => parentPort.postMessage({ progress });
  mkdirSync(job.dir, { recursive: true });
  const trainFile = join(job.dir, 'train.json');
  const exciseFile = join(job.dir, 'excise.json');
  let trainSeconds = null;
  let trainReused = true;
  if (!trainMatches(trainFile, job)) {
    trainReused = false;
    const since = performance.now();
    let lastPosted = 0;
    await runTrainAgents({
      environment: createGatheringEnvironment({ regrowth: job.regrowth }),
      out: job.dir,
      seed: job.seed,
      updates: job.updates,
      ...job.train,
      onProgress: ({ update, updates }) => {
        if (performance.now() - lastPosted < 60_000 && update !== updates) return;
        lastPosted = performance.now();
        post(`train update ${update}/${updates}`);
      },
    });
    trainSeconds = (performance.now() - since) / 1000;
  } else trainSeconds = readJson(trainFile).seconds;
  let exciseSeconds = null;
  let exciseReused = true;
  if (!exciseMatches(exciseFile, job)) {
    exciseReused = false;
    const since = performance.now();
    const trained = await readTrainedAgents(job.dir, (path) => onnxLoader.load(path).then((m) => m.network));
    const run = await runExciseAgents({
      agents: trained.agents,
      environment: createGatheringEnvironment({ regrowth: job.regrowth }),
      trusted: createGatheringEnvironment({ regrowth: job.trustedRegrowth }),
      forget: 'fire',
      model: job.dir,
      k: job.k,
      methods: METHODS,
      relearn: job.excise.relearn,
      seed: 0,
      floor: trained.floor,
      ...job.excise.options,
      onStage: (stage) => post(`excise: ${stage}`),
    });
    exciseSeconds = (performance.now() - since) / 1000;
    writeFileSync(exciseFile, `${JSON.stringify(run, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))}\n`);
  }
  return { trainSeconds, trainReused, exciseSeconds, exciseReused };
}

// ---------------------------------------------------------------------------------------------------------
// One seed's figures from its excise.json.

const num = (x) => (typeof x === 'number' && Number.isFinite(x) ? x : Number.NaN);

function summarize(seed, e, timing, [short, long]) {
  const relearnEnd = (model, updates) => {
    const r = e.relearning.find((x) => x.model === model && x.updates === updates);
    return r ? num(r.curve.at(-1).forget) : Number.NaN;
  };
  const methods = Object.fromEntries(
    e.methods.map((m) => [
      m.method,
      {
        units: m.units,
        pruned: num(m.pruned.forget),
        tuned: num(m.stats.finalForget),
        relearn5: relearnEnd(m.method, short),
        relearn20: relearnEnd(m.method, long),
        apples: num(m.stats.finalRetain),
      },
    ]),
  );
  const chosen = e.agents.map((a) => a.modules.filter((m) => m.chosen).map((m) => m.size));
  return {
    seed,
    intact: { fireInRange: num(e.intact.forget), beam: num(e.intact.rate), apples: num(e.intact.retain) },
    floor: e.floor
      ? {
          fireInRange: num(e.floor.figures.forget),
          beam: num(e.floor.figures.rate),
          apples: num(e.floor.figures.retain),
          comparable: e.floor.comparable,
          relearn5: relearnEnd('never-trained', short),
          relearn20: relearnEnd('never-trained', long),
        }
      : null,
    finding: e.finding ?? null,
    moduleUnits: chosen.flat().reduce((s, x) => s + x, 0),
    modules: chosen,
    methods,
    ...timing,
    // a reused excision's time: the sum of its stages (the pipeline's `timings`)
    exciseSeconds: timing.exciseSeconds ?? Object.values(e.timings ?? {}).reduce((sum, x) => sum + x, 0),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Statistics and text.

const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
function meanSd(values) {
  const xs = values.filter(Number.isFinite);
  if (xs.length === 0) return { mean: Number.NaN, sd: Number.NaN, n: 0 };
  const m = mean(xs);
  return { mean: m, sd: xs.length < 2 ? Number.NaN : Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1)), n: xs.length };
}
const pct = (x) => (Number.isFinite(x) ? (100 * x).toFixed(1) : '—');
const fix = (x) => (Number.isFinite(x) ? x.toFixed(1) : '—');
function pm(values, format) {
  const { mean: m, sd, n } = meanSd(values);
  if (n === 0) return '—';
  return n < 2 ? format(m) : `${format(m)} ± ${format(sd)}`;
}
const markdownTable = (header, rows) =>
  [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

const METHOD_NAMES = {
  module: 'module pruning',
  random: 'random units',
  magnitude: 'lowest magnitude (live)',
  selective: 'selective pruning',
  none: 'no pruning',
};

function tables(seeds, [short, long]) {
  const header = [
    'method',
    'P(fire \\| in range) after pruning',
    'after fine-tuning',
    `+ ${short} updates under scarcity`,
    `+ ${long} updates under scarcity`,
    'apples after fine-tuning',
  ];
  const cell = (get, format = pct) => pm(seeds.map(get), format);
  const rows = [['intact', cell((s) => s.intact.fireInRange), '', '', '', cell((s) => s.intact.apples, fix)]];
  for (const m of METHODS) {
    if (!seeds.some((s) => s.methods[m])) continue;
    rows.push([
      METHOD_NAMES[m],
      cell((s) => s.methods[m]?.pruned ?? Number.NaN),
      cell((s) => s.methods[m]?.tuned ?? Number.NaN),
      cell((s) => s.methods[m]?.relearn5 ?? Number.NaN),
      cell((s) => s.methods[m]?.relearn20 ?? Number.NaN),
      cell((s) => s.methods[m]?.apples ?? Number.NaN, fix),
    ]);
  }
  rows.push([
    'never-trained floor',
    cell((s) => s.floor?.fireInRange ?? Number.NaN),
    '',
    cell((s) => s.floor?.relearn5 ?? Number.NaN),
    cell((s) => s.floor?.relearn20 ?? Number.NaN),
    cell((s) => s.floor?.apples ?? Number.NaN, fix),
  ]);
  const perSeedHeader = [
    'seed',
    'intact P(fire \\| in range)',
    'intact beam',
    'floor P(fire \\| in range)',
    'floor beam',
    'module units',
    ...METHODS.map((m) => `${m}: pruned → tuned → +${short} → +${long}`),
    'apples tuned (module, random, none)',
    'train / excise s',
  ];
  const perSeed = seeds.map((s) => [
    s.seed,
    pct(s.intact.fireInRange),
    pct(s.intact.beam),
    pct(s.floor?.fireInRange ?? Number.NaN),
    pct(s.floor?.beam ?? Number.NaN),
    s.finding ? `0 (finding)` : `${s.moduleUnits} (${s.modules.map((a) => a.join('+') || '0').join(', ')})`,
    ...METHODS.map((m) => {
      const x = s.methods[m];
      return x ? `${pct(x.pruned)} → ${pct(x.tuned)} → ${pct(x.relearn5)} → ${pct(x.relearn20)}` : '—';
    }),
    ['module', 'random', 'none'].map((m) => fix(s.methods[m]?.apples ?? Number.NaN)).join(', '),
    `${s.trainSeconds === null ? '—' : s.trainSeconds.toFixed(0)}${s.trainReused ? ' (reused)' : ''} / ${s.exciseSeconds === null ? '—' : s.exciseSeconds.toFixed(0)}${s.exciseReused ? ' (reused)' : ''}`,
  ]);
  const summary = [
    `intact: P(fire | in range) ${pm(
      seeds.map((s) => s.intact.fireInRange),
      pct,
    )}%, beam rate ${pm(
      seeds.map((s) => s.intact.beam),
      pct,
    )}%; floor: P(fire | in range) ${pm(
      seeds.map((s) => s.floor?.fireInRange ?? Number.NaN),
      pct,
    )}%, beam rate ${pm(
      seeds.map((s) => s.floor?.beam ?? Number.NaN),
      pct,
    )}%; module units ${pm(
      seeds.map((s) => s.moduleUnits),
      (x) => x.toFixed(1),
    )}`,
  ];
  return { means: markdownTable(header, rows), perSeed: markdownTable(perSeedHeader, perSeed), summary };
}

function verdict(seeds, { updates, relearn }) {
  const withModule = seeds.filter((s) => !s.finding && s.methods.module && s.methods.random);
  const lines = [];
  const findings = seeds.filter((s) => s.finding).map((s) => s.seed);
  if (findings.length > 0) lines.push(`No module qualified in seed(s) ${findings.join(', ')} (finding: nothing pruned).`);
  if (withModule.length === 0) return { lines: [...lines, 'No seed has module pruning to compare.'], tests: {} };
  const drop = (s, m) => s.intact.fireInRange - s.methods[m].pruned;
  const beatsRandom = withModule.map((s) => drop(s, 'module') > drop(s, 'random'));
  const beatsRandomTuned = withModule.map((s) => s.methods.module.tuned < s.methods.random.tuned);
  const nearFloorTuned = withModule.map((s) => s.floor && s.methods.module.tuned <= s.floor.fireInRange + MARGIN);
  const comesBack = withModule.map(
    (s) => s.methods.module.relearn20 >= s.intact.fireInRange - MARGIN || s.methods.module.relearn20 > s.methods.module.tuned + MARGIN,
  );
  const floorStays = withModule.map((s) => s.floor && s.floor.relearn20 <= s.floor.fireInRange + MARGIN);
  const selectiveBeats = withModule.map((s) => s.methods.selective && drop(s, 'selective') > drop(s, 'module'));
  const count = (xs) => `${xs.filter(Boolean).length} of ${xs.length}`;
  const every = (xs) => xs.every(Boolean);
  const n = withModule.length;
  const seedsText = `seed${n > 1 ? 's' : ''} ${withModule.map((s) => s.seed).join(', ')}`;
  lines.push(
    `Module pruning lowers P(fire | in range) more than random units of the same layers in ${count(beatsRandom)} ${seedsText} ` +
      `(drop ${pm(
        withModule.map((s) => drop(s, 'module')),
        pct,
      )} points against ${pm(
        withModule.map((s) => drop(s, 'random')),
        pct,
      )}): ${every(beatsRandom) ? 'yes, in every seed' : 'not in every seed'}.`,
  );
  lines.push(
    `Selective pruning removes more than module pruning in ${count(selectiveBeats)} (drop ${pm(
      withModule.map((s) => drop(s, 'selective')),
      pct,
    )} points).`,
  );
  lines.push(
    `After ${updates} fine-tuning updates in abundance module pruning is below random units in ${count(beatsRandomTuned)}, and within ${pct(MARGIN)} points of the floor in ${count(nearFloorTuned)} ` +
      `(${pm(
        withModule.map((s) => s.methods.module.tuned),
        pct,
      )}% against the floor's ${pm(
        withModule.map((s) => s.floor?.fireInRange ?? Number.NaN),
        pct,
      )}%): ${every(nearFloorTuned) ? 'it stays near the floor' : 'it does not stay at the floor'}.`,
  );
  lines.push(
    `Under the ${relearn.at(-1)}-update relearning attack module pruning's aggression comes back (to within ${pct(MARGIN)} points of intact, or up more than ${pct(MARGIN)} from fine-tuned) in ${count(comesBack)} ` +
      `(${pm(
        withModule.map((s) => s.methods.module.relearn20),
        pct,
      )}% against intact ${pm(
        withModule.map((s) => s.intact.fireInRange),
        pct,
      )}%), while the floor stays within ${pct(MARGIN)} points of where it started in ${count(floorStays)} (${pm(
        withModule.map((s) => s.floor?.relearn20 ?? Number.NaN),
        pct,
      )}%): ` +
      (every(comesBack) && every(floorStays)
        ? 'the capacity is not removed — pruned agents relearn aggression, the floor does not.'
        : every(floorStays)
          ? 'module pruning does not relearn in every seed.'
          : 'the floor relearns too in some seed.'),
  );
  return {
    lines,
    tests: {
      beatsRandom,
      selectiveBeats,
      beatsRandomTuned,
      nearFloorTuned,
      comesBack,
      floorStays,
      margin: MARGIN,
      seeds: withModule.map((s) => s.seed),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Main.

async function main() {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '0,1,2' },
      regrowth: { type: 'string', default: '0.02' },
      'trusted-regrowth': { type: 'string', default: '0.3' },
      updates: { type: 'string', default: '1000' },
      k: { type: 'string', default: '12' },
      workers: { type: 'string', default: '2' },
      out: { type: 'string' },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const quick = values.quick;
  const seedList = (quick ? '0' : values.seeds).split(',').map(Number);
  const out = resolve(values.out ?? (quick ? 'out/gathering-excise-quick' : 'out/gathering-excise'));
  const updates = quick ? 4 : Number(values.updates);
  const base = {
    regrowth: Number(values.regrowth),
    trustedRegrowth: Number(values['trusted-regrowth']),
    updates,
    k: Number(values.k),
    train: quick ? { games: 8, evaluation: { games: 8, episodes: 1 } } : { games: 32 },
    excise: quick
      ? {
          updates: 2,
          relearn: [1, 2],
          options: {
            updates: 2,
            evaluateEvery: 1,
            games: 8,
            measure: { games: 8, episodes: 1 },
            record: { games: 8, episodes: 1 },
            random: 2,
          },
        }
      : { updates: 50, relearn: RELEARN, options: {} },
  };
  const workers = Math.max(1, Number(values.workers));
  mkdirSync(out, { recursive: true });
  log(
    `seeds ${seedList.join(', ')}, regrowth ${base.regrowth}, ${updates} updates, trusted ${base.trustedRegrowth}, k ${base.k}, ${workers} worker(s), into ${out}`,
  );

  const load = [loadavg()[0]];
  const loadTimer = setInterval(() => load.push(loadavg()[0]), 30_000);
  const queue = seedList.map((seed) => ({ ...base, seed, dir: join(out, `seed-${seed}`) }));
  const timings = new Map();
  async function drain() {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const since = performance.now();
      log(`seed ${job.seed}: start`);
      const result = await new Promise((resolvePromise, reject) => {
        const worker = new Worker(new URL(import.meta.url), { workerData: job });
        worker.on('message', (m) => {
          if (m.progress) log(`seed ${job.seed}: ${m.progress}`);
          else if (m.error) reject(new Error(`seed ${job.seed}: ${m.error}`));
          else resolvePromise(m.result);
        });
        worker.on('error', reject);
      });
      timings.set(job.seed, { ...result, wallSeconds: (performance.now() - since) / 1000 });
      log(`seed ${job.seed}: done in ${((performance.now() - since) / 60000).toFixed(1)} min`);
    }
  }
  await Promise.all(Array.from({ length: Math.min(workers, queue.length) }, drain));
  clearInterval(loadTimer);
  const wallSeconds = (performance.now() - started) / 1000;

  const seeds = seedList.map((seed) =>
    summarize(seed, readJson(join(out, `seed-${seed}`, 'excise.json')), timings.get(seed), base.excise.relearn),
  );
  const t = tables(seeds, base.excise.relearn);
  const v = verdict(seeds, base.excise);
  const loads = `load average ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)}`;
  const timing = `wall time ${(wallSeconds / 60).toFixed(1)} min with ${workers} worker(s), ${loads}`;
  const markdown = [
    `Gathering, pairs trained at regrowth ${base.regrowth} for ${updates} PPO updates (seeds ${seedList.join(', ')}); \`runExciseAgents\` with --forget behaviour:fire, trusted regrowth ${base.trustedRegrowth}, k ${base.k}, ${base.excise.updates} fine-tuning updates, relearning ${base.excise.relearn.join(' and ')} updates under scarcity, the floor from train.json. P(fire | other in range) in %, mean ± sd over seeds, apples per episode.`,
    '',
    ...t.summary,
    '',
    t.means,
    '',
    t.perSeed,
    '',
    ...v.lines.map((l) => `- ${l}`),
    '',
    timing,
    '',
  ].join('\n');
  process.stdout.write(markdown);
  writeFileSync(join(out, 'table.md'), markdown);
  const jsonFile = join(out, 'gathering-excise.json');
  const json = { settings: { ...base, seeds: seedList, methods: METHODS }, seeds, verdict: v, wallSeconds, loadAverages: load };
  writeFileSync(jsonFile, `${JSON.stringify(json, (_, x) => (typeof x === 'number' && !Number.isFinite(x) ? null : x), 1)}\n`);
  log(`wrote ${jsonFile}, ${join(out, 'table.md')}`);
}

if (!isMainThread) {
  runJob(workerData).then(
    (result) => parentPort.postMessage({ result }),
    (error) => parentPort.postMessage({ error: error?.stack ?? String(error) }),
  );
} else {
  await main();
}
