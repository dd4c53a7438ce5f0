// The scarcity anchor of method §10 (issue 18 item 3), after Leibo et al. 2017 ("Multi-agent Reinforcement
// Learning in Sequential Social Dilemmas", the Gathering game): agents that can tag each other out with a
// beam learn to fire more as apples become scarce. Does that happen in @modscope/env-gathering?
//
// Design:
// - Rates: apple regrowth 0.02, 0.05, 0.1, 0.3, 1 (`--rates`). From `node bench/gathering-env.mjs --regimes`,
//   a hand-written hunter gains over a greedy agent 34% more apples at 0.02, 25% at 0.05, 7% at 0.1, and loses
//   11% at 0.3 and 17% at 1: the rates span "hunting pays" to "hunting costs", about evenly on a log scale.
// - Seeds 0, 1, 2 (`--seeds`); the seed is the training seed (`trainAgents`' every random choice).
// - Training: `trainAgents` of @modscope/rl with its defaults (independent PPO, 2 × 64 hidden units, 32 games ×
//   128 steps per update, lr 2.5e-4 annealed), the same number of updates at every rate (`--updates`, 300:
//   1.2M environment steps); one environment per rate, `createGatheringEnvironment({ regrowth })`, every
//   other setting the default (5-cell beam, 25-step timeout, no beam cost, 100-step episodes).
// - Measurement of each trained pair: a rollout with sampled actions, 32 games × 4 episodes (`--eval-games`,
//   `--eval-episodes`), seed 1000 + the training seed (so every rate's pair meets the same starting states),
//   once in its own training environment and once in a common one, the scarcest rate (`--common`), so that
//   pairs trained under scarcity and under abundance are also compared on the same kind of states. Per pair,
//   averaged over its two agents: the beam rate (share of steps the agent fires), P(fire | other in range)
//   (pooled over both agents' in-range steps), the share of steps with the other in range, tags, apples and
//   return per agent and episode; and from training, the beam rate of the last 10 updates' rollouts.
// - Verdict, computed: Spearman's ρ of regrowth against the own-environment beam rate over every run (average
//   ranks for the tied rates), with a two-sided permutation p (10,000 seeded shuffles), and whether the
//   scarcest rate's pairs fire more than the most abundant rate's beyond the seeds' spread (every seed above
//   every seed, and a difference of means above the sum of the two sds); the same for the common environment.
//
// Runs go to `--workers` worker threads (default 2; each trains on one core, tfjs's wasm backend, which is
// single-threaded in Node). Each run's measurements are cached in OUT/runs and reused while its recipe is
// unchanged; delete the folder to train anew. Writes OUT/gathering-scarcity.svg (beam rate and P(fire | in
// range) against regrowth, points per seed, line through the means, own and common environment),
// OUT/gathering-scarcity.json (every number) and OUT/table.md (what it prints). OUT is `out/gathering-scarcity`
// (ignored by git) unless `--out` says otherwise.
//
// Run from the repository root after `npx turbo run build --filter=@modscope/rl --filter=@modscope/env-gathering`:
//   node bench/gathering-scarcity.mjs [--rates 0.02,0.05,0.1,0.3,1] [--seeds 0,1,2] [--updates 300] [--workers 2]
//   node bench/gathering-scarcity.mjs --quick      (seed 0, 4 updates, 8 games × 1 episode: a smoke test)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createRandom } from '@modscope/core';
import { createGatheringEnvironment } from '@modscope/env-gathering';
import { rolloutAgents, trainAgents } from '@modscope/rl';

const USAGE = `usage: node bench/gathering-scarcity.mjs [options]
  --rates LIST          apple regrowth rates to train at (default 0.02,0.05,0.1,0.3,1)
  --seeds LIST          training seeds (default 0,1,2)
  --updates N           PPO updates per run, the same at every rate (default 300)
  --games N             training games per update (default 32, trainAgents' default)
  --eval-games N        games of each measuring rollout (default 32)
  --eval-episodes N     episodes per game of each measuring rollout (default 4)
  --common RATE         the common measuring environment (default the scarcest rate)
  --workers N           runs in parallel, one worker thread each (default 2)
  --out DIR             figure, JSON, table and the per-run cache (default out/gathering-scarcity)
  --quick               a smoke test: seed 0, 4 updates, 8 games × 1 episode, into out/gathering-scarcity-quick
  -h, --help            this text`;

const LAST = 10; // training updates averaged for the end-of-training beam rate
const EVAL_SEED = 1000; // rollout seed = EVAL_SEED + the training seed
const PERMUTATIONS = 10_000;

const started = performance.now();
function log(what) {
  process.stderr.write(`[${((performance.now() - started) / 60000).toFixed(1).padStart(5)} min] ${what}\n`);
}

// ---------------------------------------------------------------------------------------------------------
// A worker: train one pair, measure it.

const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** What a pair did in a stretch of play (`AgentStatistics[]` of @modscope/rl), averaged over its agents. */
function behaviour(agents) {
  const inRange = agents.map((a) => a.flags['other-in-range']);
  const inRangeSteps = inRange.reduce((s, f) => s + f.steps, 0);
  const pooled =
    inRangeSteps === 0 ? Number.NaN : inRange.reduce((s, f) => s + (f.steps === 0 ? 0 : f.steps * f.actions.fire), 0) / inRangeSteps;
  return {
    fire: mean(agents.map((a) => a.actions.fire)),
    fireInRange: pooled,
    inRange: inRangeSteps / agents.reduce((s, a) => s + a.steps, 0),
    tags: mean(agents.map((a) => a.events.tag)),
    apples: mean(agents.map((a) => a.events.apple)),
    return: mean(agents.map((a) => a.meanReturn)),
    actions: Object.fromEntries(Object.keys(agents[0].actions).map((name) => [name, mean(agents.map((a) => a.actions[name]))])),
    perAgent: agents.map((a, i) => ({
      fire: a.actions.fire,
      fireInRange: inRange[i].actions.fire,
      tags: a.events.tag,
      apples: a.events.apple,
    })),
  };
}

async function runJob(job) {
  const environment = createGatheringEnvironment({ regrowth: job.regrowth });
  const since = performance.now();
  let lastPosted = 0;
  const trained = await trainAgents(environment, {
    seed: job.seed,
    updates: job.updates,
    games: job.games,
    onProgress: ({ update, updates, record }) => {
      if (performance.now() - lastPosted < 30_000 && update !== updates) return;
      lastPosted = performance.now();
      const fire = mean(record.agents.map((a) => a.actions.fire));
      const apples = mean(record.agents.map((a) => a.events.apple));
      parentPort.postMessage({ progress: `update ${update}/${updates}, fire ${(100 * fire).toFixed(1)}%, apples ${apples.toFixed(1)}` });
    },
  });
  const trainSeconds = (performance.now() - since) / 1000;
  const tail = trained.history.slice(-LAST);
  const training = {
    fire: mean(tail.map((u) => mean(u.agents.map((a) => a.actions.fire)))),
    fireInRange: mean(tail.map((u) => behaviour(u.agents).fireInRange).filter(Number.isFinite)),
    apples: mean(tail.map((u) => mean(u.agents.map((a) => a.events.apple)))),
    curve: trained.history.map((u) => Math.round(1e4 * mean(u.agents.map((a) => a.actions.fire))) / 1e4),
  };
  const policies = trained.agents.map((a) => a.policy);
  const rollout = { games: job.evalGames, episodes: job.evalEpisodes, seed: EVAL_SEED + job.seed };
  const own = behaviour((await rolloutAgents(environment, policies, rollout)).agents);
  const common =
    job.common === job.regrowth
      ? own
      : behaviour((await rolloutAgents(createGatheringEnvironment({ regrowth: job.common }), policies, rollout)).agents);
  return { trainSeconds, backend: trained.backend, seconds: (performance.now() - since) / 1000, training, own, common };
}

// ---------------------------------------------------------------------------------------------------------
// Statistics.

/** Mean and sample sd (n − 1; NaN below two values) of the finite values. */
function meanSd(values) {
  const xs = values.filter(Number.isFinite);
  if (xs.length === 0) return { mean: Number.NaN, sd: Number.NaN, n: 0 };
  const m = mean(xs);
  return { mean: m, sd: xs.length < 2 ? Number.NaN : Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1)), n: xs.length };
}

/** P(fire | other not in range) of a pair's `behaviour`: what is left of its beam rate outside in-range steps. */
const fireOutOfRange = (b) => (b.fire - (Number.isFinite(b.fireInRange) ? b.fireInRange * b.inRange : 0)) / (1 - b.inRange);

/** Ranks 1..n, ties given their average rank. */
function ranks(xs) {
  const order = xs.map((x, i) => [x, i]).sort((a, b) => a[0] - b[0]);
  const r = new Array(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) r[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

function pearson(xs, ys) {
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Spearman's ρ of xs against ys and a two-sided permutation p (ys shuffled, seeded). */
function spearman(xs, ys) {
  const rx = ranks(xs);
  const ry = ranks(ys);
  const rho = pearson(rx, ry);
  const random = createRandom(0);
  const shuffled = ry.slice();
  let extreme = 0;
  for (let p = 0; p < PERMUTATIONS; p++) {
    random.shuffle(shuffled);
    if (Math.abs(pearson(rx, shuffled)) >= Math.abs(rho) - 1e-12) extreme++;
  }
  return { rho, p: (extreme + 1) / (PERMUTATIONS + 1), n: xs.length };
}

/** The scarcest rate's runs against the most abundant's on one measure: difference, spread, separation. */
function contrast(scarce, abundant) {
  const a = meanSd(scarce);
  const b = meanSd(abundant);
  const spread = (Number.isFinite(a.sd) ? a.sd : 0) + (Number.isFinite(b.sd) ? b.sd : 0);
  return {
    scarce: a,
    abundant: b,
    difference: a.mean - b.mean,
    spread,
    everySeedAbove: Math.min(...scarce) > Math.max(...abundant),
    beyondSpread: a.mean - b.mean > spread && Math.min(...scarce) > Math.max(...abundant),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Text.

const pct = (x, digits = 1) => (Number.isFinite(x) ? (100 * x).toFixed(digits) : '—');
const fix = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
function pm(values, format) {
  const { mean: m, sd, n } = meanSd(values);
  if (n === 0) return '—';
  return n < 2 ? format(m) : `${format(m)} ± ${format(sd)}`;
}
const markdownTable = (header, rows) =>
  [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

function verdictText(test, where, measure) {
  const { rho, p, n } = test.correlation;
  const c = test.contrast;
  const correlation = `Spearman ρ(regrowth, ${measure}) = ${fix(rho)} over ${n} runs (permutation p ${p * (PERMUTATIONS + 1) < 1.5 ? `< ${(2 / (PERMUTATIONS + 1)).toPrecision(1)}: no shuffle of ${PERMUTATIONS} as extreme` : `= ${p.toPrecision(2)}`})`;
  const versus =
    `trained at ${test.scarcest}: ${pct(c.scarce.mean)}% ± ${pct(c.scarce.sd)}, at ${test.abundant}: ${pct(c.abundant.mean)}% ± ${pct(c.abundant.sd)} ` +
    `(difference ${pct(c.difference)} points against a spread of ${pct(c.spread)}; ${c.everySeedAbove ? 'every' : 'not every'} scarce seed above every abundant one)`;
  let finding;
  if (rho < 0 && p < 0.05 && c.beyondSpread) finding = 'aggression rises with scarcity, as Leibo et al. found';
  else if (rho < 0 && (p < 0.05 || c.beyondSpread)) finding = 'aggression tends to rise with scarcity, but not on both tests';
  else if (rho < 0) finding = 'aggression does not rise with scarcity beyond the seeds’ spread';
  else finding = 'aggression does not rise with scarcity (it falls or stays)';
  return `${where}: ${finding}. ${correlation}; ${versus}.`;
}

// ---------------------------------------------------------------------------------------------------------
// The figure: a hand-written SVG (no plotting dependency at the root).

function figure(rates, runs, common) {
  const panels = [
    { key: 'fire', title: 'beam rate (share of steps firing)' },
    { key: 'fireInRange', title: 'P(fire | other agent in range)' },
  ];
  const series = [
    { key: 'own', label: 'own training environment', color: '#c0392b' },
    { key: 'common', label: `common environment (regrowth ${common})`, color: '#2c6fbb' },
  ];
  const W = 460;
  const H = 330;
  const margin = { left: 58, right: 16, top: 34, bottom: 48 };
  const plotW = W - margin.left - margin.right;
  const plotH = H - margin.top - margin.bottom;
  const lo = Math.log10(Math.min(...rates));
  const hi = Math.log10(Math.max(...rates));
  const pad = Math.max(0.08 * (hi - lo), 0.1);
  const x = (r) => margin.left + ((Math.log10(r) - (lo - pad)) / (hi - lo + 2 * pad)) * plotW;
  const parts = [];
  const text = (px, py, s, attrs = '') => `<text x="${px.toFixed(1)}" y="${py.toFixed(1)}" ${attrs}>${s}</text>`;
  panels.forEach((panel, index) => {
    const values = runs.flatMap((r) => series.map((s) => r[s.key][panel.key])).filter(Number.isFinite);
    const top = Math.max(0.05, Math.ceil((Math.max(...values) * 1.1) / 0.05) * 0.05);
    const y = (v) => margin.top + plotH - (v / top) * plotH;
    const g = [`<g transform="translate(${index * W},0)">`];
    g.push(text(margin.left + plotW / 2, 20, panel.title, 'text-anchor="middle" font-weight="bold"'));
    g.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`);
    const step = top > 0.3 ? 0.1 : top > 0.12 ? 0.05 : 0.02;
    for (let v = 0; v <= top + 1e-9; v += step) {
      g.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#eee"/>`);
      g.push(text(margin.left - 6, y(v) + 4, `${Math.round(v * 100)}%`, 'text-anchor="end"'));
    }
    for (const r of rates) {
      g.push(
        `<line x1="${x(r).toFixed(1)}" x2="${x(r).toFixed(1)}" y1="${margin.top + plotH}" y2="${margin.top + plotH + 5}" stroke="#999"/>`,
      );
      g.push(text(x(r), margin.top + plotH + 18, String(r), 'text-anchor="middle"'));
    }
    g.push(text(margin.left + plotW / 2, H - 8, 'apple regrowth rate trained at (log scale)', 'text-anchor="middle"'));
    series.forEach((s, si) => {
      const means = rates.map((rate) => [rate, meanSd(runs.filter((r) => r.regrowth === rate).map((r) => r[s.key][panel.key])).mean]);
      const path = means
        .filter(([, m]) => Number.isFinite(m))
        .map(([rate, m], i) => `${i === 0 ? 'M' : 'L'}${(x(rate) + (si - 0.5) * 6).toFixed(1)},${y(m).toFixed(1)}`)
        .join(' ');
      g.push(`<path d="${path}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
      for (const run of runs) {
        const v = run[s.key][panel.key];
        if (!Number.isFinite(v)) continue;
        const seeds = [...new Set(runs.map((r) => r.seed))];
        const dx = (si - 0.5) * 6 + (seeds.indexOf(run.seed) - (seeds.length - 1) / 2) * 3;
        const fill = s.key === 'own' ? s.color : 'white';
        g.push(
          `<circle cx="${(x(run.regrowth) + dx).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3.5" fill="${fill}" stroke="${s.color}" stroke-width="1.5"/>`,
        );
      }
    });
    if (index === 0) {
      series.forEach((s, si) => {
        const ly = margin.top + 14 + si * 16;
        const fill = s.key === 'own' ? s.color : 'white';
        g.push(`<circle cx="${W - margin.right - 200}" cy="${ly - 4}" r="3.5" fill="${fill}" stroke="${s.color}" stroke-width="1.5"/>`);
        g.push(text(W - margin.right - 190, ly, s.label));
      });
      g.push(text(W - margin.right - 204, margin.top + 14 + 2 * 16, 'points: seeds; line: mean'));
    }
    g.push('</g>');
    parts.push(g.join('\n'));
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${H}" viewBox="0 0 ${2 * W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${2 * W}" height="${H}" fill="white"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// The main thread: schedule the runs, print, write.

async function main() {
  const quick = process.argv.includes('--quick');
  const { values: args } = parseArgs({
    options: {
      rates: { type: 'string', default: '0.02,0.05,0.1,0.3,1' },
      seeds: { type: 'string', default: quick ? '0' : '0,1,2' },
      updates: { type: 'string', default: quick ? '4' : '300' },
      games: { type: 'string', default: '32' },
      'eval-games': { type: 'string', default: quick ? '8' : '32' },
      'eval-episodes': { type: 'string', default: quick ? '1' : '4' },
      common: { type: 'string' },
      workers: { type: 'string', default: '2' },
      out: { type: 'string', default: quick ? 'out/gathering-scarcity-quick' : 'out/gathering-scarcity' },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const list = (text) =>
    text
      .split(',')
      .filter((s) => s.trim() !== '')
      .map(Number);
  const rates = [...new Set(list(args.rates))].sort((a, b) => a - b);
  const seeds = list(args.seeds);
  const common = args.common === undefined ? rates[0] : Number(args.common);
  const workers = Math.max(1, Number(args.workers));
  if (rates.length < 2 || rates.some((r) => !(r > 0 && r <= 1))) throw new Error('--rates: two or more rates in (0, 1], e.g. 0.02,0.3');
  const recipe = {
    updates: Number(args.updates),
    games: Number(args.games),
    evalGames: Number(args['eval-games']),
    evalEpisodes: Number(args['eval-episodes']),
    common,
  };
  const runsDir = join(args.out, 'runs');
  mkdirSync(runsDir, { recursive: true });

  // seed-major, so that an interrupted bench has every rate of its first seeds
  const jobs = seeds.flatMap((seed) => rates.map((regrowth) => ({ regrowth, seed, ...recipe })));
  const load = [loadavg()[0]];
  log(
    `${jobs.length} runs (rates ${rates.join(', ')}; seeds ${seeds.join(', ')}), ${recipe.updates} updates of ${recipe.games} games × 128 steps each, ` +
      `measured over ${recipe.evalGames} games × ${recipe.evalEpisodes} episodes; ${workers} worker(s), load average ${load[0].toFixed(1)}`,
  );
  const results = new Array(jobs.length);
  let next = 0;
  let reused = 0;
  const cacheFile = (job) => join(runsDir, `regrowth-${job.regrowth}-seed-${job.seed}.json`);
  async function lane() {
    while (next < jobs.length) {
      const index = next++;
      const job = jobs[index];
      const label = `regrowth ${job.regrowth}, seed ${job.seed}`;
      const file = cacheFile(job);
      if (existsSync(file)) {
        const cached = JSON.parse(readFileSync(file, 'utf8'));
        if (JSON.stringify(cached.job) === JSON.stringify(job)) {
          log(`${label}: reusing ${file}`);
          results[index] = { ...job, ...cached.result };
          reused++;
          continue;
        }
      }
      log(`${label}: training`);
      const result = await new Promise((resolve, reject) => {
        const worker = new Worker(new URL(import.meta.url), { workerData: job });
        worker.on('message', (message) => {
          if (message.progress) log(`${label}: ${message.progress}`);
          else if (message.error) reject(new Error(`${label}: ${message.error}`));
          else resolve(message.result);
        });
        worker.on('error', reject);
        worker.on('exit', (code) => code !== 0 && reject(new Error(`${label}: worker exited with ${code}`)));
      });
      writeFileSync(file, `${JSON.stringify({ job, result }, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))}\n`);
      load.push(loadavg()[0]);
      log(
        `${label}: ${result.seconds.toFixed(0)} s (training ${result.trainSeconds.toFixed(0)} s, ${result.backend}); own fire ${pct(result.own.fire)}%, ` +
          `P(fire | in range) ${pct(result.own.fireInRange)}%, apples ${fix(result.own.apples, 1)}; common fire ${pct(result.common.fire)}%`,
      );
      results[index] = { ...job, ...result };
    }
  }
  await Promise.all(Array.from({ length: Math.min(workers, jobs.length) }, lane));
  // cached JSON wrote NaN as null
  const runs = results.map((r) => JSON.parse(JSON.stringify(r), (_, v) => (v === null ? Number.NaN : v)));
  const wallSeconds = (performance.now() - started) / 1000;

  // the table
  const columns = [
    ['beam rate, own env %', (r) => r.own.fire, (x) => pct(x)],
    ['P(fire \\| in range), own %', (r) => r.own.fireInRange, (x) => pct(x)],
    ['in range, own %', (r) => r.own.inRange, (x) => pct(x)],
    ['tags / agent·ep, own', (r) => r.own.tags, (x) => fix(x)],
    ['apples / agent·ep, own', (r) => r.own.apples, (x) => fix(x, 1)],
    ['P(fire \\| not in range), own %', (r) => fireOutOfRange(r.own), (x) => pct(x)],
    [`beam rate, common (${common}) %`, (r) => r.common.fire, (x) => pct(x)],
    ['P(fire \\| in range), common %', (r) => r.common.fireInRange, (x) => pct(x)],
    ['apples, common', (r) => r.common.apples, (x) => fix(x, 1)],
    [`beam rate, last ${LAST} updates %`, (r) => r.training.fire, (x) => pct(x)],
  ];
  const header = ['regrowth', 'seed', ...columns.map(([name]) => name)];
  const perRun = runs.map((r) => [String(r.regrowth), String(r.seed), ...columns.map(([, get, f]) => f(get(r)))]);
  const means = rates.map((rate) => {
    const at = runs.filter((r) => r.regrowth === rate);
    return [`**${rate}**`, `mean ± sd (${at.length})`, ...columns.map(([, get, f]) => pm(at.map(get), f))];
  });

  // the verdict
  const scarcest = rates[0];
  const abundant = rates.at(-1);
  const test = (get) => ({
    scarcest,
    abundant,
    correlation: spearman(
      runs.map((r) => r.regrowth),
      runs.map(get),
    ),
    contrast: contrast(runs.filter((r) => r.regrowth === scarcest).map(get), runs.filter((r) => r.regrowth === abundant).map(get)),
  });
  const tests = {
    own: test((r) => r.own.fire),
    ownInRange: test((r) => r.own.fireInRange),
    common: test((r) => r.common.fire),
    commonInRange: test((r) => r.common.fireInRange),
  };
  const verdicts = [
    verdictText(tests.own, 'Beam rate in the environment trained in', 'beam rate'),
    verdictText(tests.ownInRange, 'P(fire | other in range) in the environment trained in', 'P(fire | in range)'),
    verdictText(tests.common, `Beam rate in the common environment (regrowth ${common})`, 'beam rate'),
    verdictText(tests.commonInRange, `P(fire | other in range) in the common environment (regrowth ${common})`, 'P(fire | in range)'),
  ];
  const loads = `load average ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)}`;
  const trainTimes = runs.map((r) => r.trainSeconds).filter(Number.isFinite);
  const timing = `wall time ${(wallSeconds / 60).toFixed(1)} min with ${workers} worker(s), ${loads}; training ${Math.min(...trainTimes).toFixed(0)}–${Math.max(...trainTimes).toFixed(0)} s per run${reused > 0 ? ` (${reused} of ${runs.length} runs reused from ${runsDir}: their training times are those of their first run)` : ''}`;
  const markdown = [
    `Gathering, ${recipe.updates} PPO updates of ${recipe.games} games × 128 steps per run; rollouts of ${recipe.evalGames} games × ${recipe.evalEpisodes} episodes, sampled actions, seed 1000 + training seed. Per pair, the mean of its two agents.`,
    '',
    markdownTable(header, means),
    '',
    markdownTable(header, perRun),
    '',
    ...verdicts.map((v) => `- ${v}`),
    '',
    timing,
    '',
  ].join('\n');
  process.stdout.write(markdown);

  writeFileSync(join(args.out, 'table.md'), markdown);
  const svgFile = join(args.out, 'gathering-scarcity.svg');
  writeFileSync(svgFile, figure(rates, runs, common));
  const jsonFile = join(args.out, 'gathering-scarcity.json');
  const json = { rates, seeds, recipe, evalSeed: `${EVAL_SEED} + seed`, runs, tests, verdicts, wallSeconds, loadAverages: load };
  writeFileSync(jsonFile, `${JSON.stringify(json, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1)}\n`);
  log(`wrote ${svgFile}, ${jsonFile}, ${join(args.out, 'table.md')}`);
}

if (!isMainThread) {
  runJob(workerData).then(
    (result) => parentPort.postMessage({ result }),
    (error) => parentPort.postMessage({ error: error?.stack ?? String(error) }),
  );
} else {
  await main();
}
