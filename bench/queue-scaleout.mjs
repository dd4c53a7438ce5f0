// The job queue against worker threads on one machine, and a simulated scale-out (issue 19, item 6).
//   1. Overhead per piece: trivial pieces (a handler returning seed + payload at once) through @modscope/queue
//      (BullMQ on a loopback redis-server, one worker process: bench/queue-bench-worker.mjs) against the same
//      round trip to a node worker thread (postMessage and reply): all pieces at once (throughput) and one at a
//      time (latency); then a 1 MB payload, put once in the queue's side storage and fetched by the worker
//      (context.blob) against the same bytes copied to a thread.
//   2. Real pieces: `modscope cluster MODEL --shuffles 20` (both nulls: 40 shuffles) locally with --workers 1
//      and 2 (worker threads) against --queue with N = 1, 2, 4 fresh `modscope worker` processes, each N run
//      twice: cold (every worker fetches the graph and compiles the partitioner with its first piece) and warm
//      (the same workers again). The shuffle stage's time (the result's timings.shuffles), the whole process,
//      the CPU time of every process involved, the speed-up against N = 1 and against the threads, and whether
//      every queued result equals the local one apart from timings.
// The N worker processes share this machine's cores (os.availableParallelism(), printed): past N = cores the
// curve flattens, and what it shows there is the queue's overhead, not what N machines would give.
// Run from the repository root after `npx turbo run build --filter=./apps/cli`; needs Debian's redis-server.
//   node bench/queue-scaleout.mjs [--repeats N] [--out out/queue-scaleout]      (node … --help for the rest)
// Writes OUT/queue-scaleout.json (every figure and run) and OUT/cluster-*.json (each run's result).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { createQueueExecutor } from '@modscope/queue';
import { startRedisServer } from '@modscope/queue/testing';

const USAGE = `usage: node bench/queue-scaleout.mjs [options]
  --model FILE          the model of the real pieces (default fixtures/mlp-fashion.onnx)
  --shuffles N          shuffles per null of cluster (default 20: 40 pieces)
  --queue-workers LIST  numbers of modscope worker processes (default 1,2,4)
  --repeats N           rounds of every cluster configuration, the order reversed each round (default 1)
  --pieces N            trivial pieces of the throughput measurement (default 2000)
  --latency N           trivial pieces sent one at a time (default 100)
  --blob-mb N           the side-storage payload in MB (default 1)
  --skip-real           only the overhead measurements
  --out DIR             the JSON of the figures and each run's cluster result (default out/queue-scaleout)
  -h, --help            this text`;

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'fixtures/mlp-fashion.onnx' },
    shuffles: { type: 'string', default: '20' },
    'queue-workers': { type: 'string', default: '1,2,4' },
    repeats: { type: 'string', default: '1' },
    pieces: { type: 'string', default: '2000' },
    latency: { type: 'string', default: '100' },
    'blob-mb': { type: 'string', default: '1' },
    'skip-real': { type: 'boolean', default: false },
    out: { type: 'string', default: 'out/queue-scaleout' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const MODSCOPE = 'apps/cli/bin/modscope.js';
const BENCH_WORKER = 'bench/queue-bench-worker.mjs';
const BENCH_QUEUE = 'bench-overhead'; // the overhead pieces' queue; cluster --queue uses modscope's default
const shuffles = Number(args.shuffles);
const queueWorkers = args['queue-workers'].split(',').map(Number);
const repeats = Number(args.repeats);
const pieceCount = Number(args.pieces);
const latencyCount = Number(args.latency);
const blobBytes = Math.round(Number(args['blob-mb']) * 1024 * 1024);
const cores = availableParallelism();

const started = performance.now();
const log = (what) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${what}\n`);
const load = () => loadavg().map((x) => Number(x.toFixed(2)));
const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
async function timed(run) {
  const t0 = performance.now();
  const value = await run();
  return { ms: performance.now() - t0, value };
}

// ---- child processes: every one is tracked, stopped at the end, and killed if this process exits early ----

const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Starts `node ARGS`; `ready` resolves once its output contains `readyText` (null: resolves at once). */
function start(nodeArgs, readyText, label) {
  const child = spawn(process.execPath, nodeArgs, { stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} not ready after 120 s:\n${output}`)), 120_000);
    const take = (chunk) => {
      output += chunk;
      if (readyText !== null && output.includes(readyText)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited (${code ?? signal}) before it was ready:\n${output}`));
    });
    if (readyText === null) {
      clearTimeout(timer);
      resolve();
    }
  });
  ready.catch(() => {}); // awaited by the caller; a late exit must not be an unhandled rejection
  return { child, ready, exited, output: () => output };
}

/** SIGTERM (the worker finishes its piece and closes), SIGKILL after `ms`; resolves once it has exited. */
async function stop(proc, ms = 15_000) {
  const { child, exited } = proc;
  if (child.exitCode === null && child.signalCode === null) {
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.kill('SIGTERM');
    await exited;
    clearTimeout(timer);
  }
}

/** Runs `node ARGS` to its end; its output, or an error with that output when it fails. */
async function runToEnd(nodeArgs, label) {
  const run = start(nodeArgs, null, label);
  run.child.stdin.end();
  const { code, signal } = await run.exited;
  if (code !== 0) throw new Error(`${label} failed (${code ?? signal}):\n${run.output()}`);
  return run.output();
}

/**
 * A preload that prints the process's CPU time (all its threads: getrusage of the process) as it exits, so a
 * child's CPU seconds are known however it ends; the load average makes wall times noisy, CPU time less so.
 */
const CPU_AT_EXIT = `data:text/javascript,process.on('exit',()=>{const u=process.resourceUsage();process.stderr.write('\\ncpu-seconds '+(u.userCPUTime+u.systemCPUTime)/1e6+'\\n')})`;
const cpuAtExit = (output) => Number(/^cpu-seconds ([\d.e-]+)$/m.exec(output)?.[1] ?? Number.NaN);

/** A running process's CPU seconds so far, from /proc (Linux; NaN elsewhere). */
function cpuNow(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ, 100 on Linux)
  } catch {
    return Number.NaN;
  }
}

// ---- 1. overhead per piece ----

const THREAD = `
const { parentPort } = require('node:worker_threads');
function byteSum(bytes) {
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) sum = (sum + bytes[i]) >>> 0;
  return sum;
}
parentPort.on('message', ({ id, piece }) => {
  const value = piece.kind === 'bench/blob' ? { bytes: piece.payload.length, sum: byteSum(piece.payload) } : piece.seed + piece.payload;
  parentPort.postMessage({ id, value });
});`;

/** A worker thread answering pieces as the bench worker does: `send(piece)` → its result. */
function startThread() {
  const worker = new Worker(THREAD, { eval: true });
  const pending = new Map();
  let next = 0;
  worker.on('message', ({ id, value }) => {
    pending.get(id).resolve(value);
    pending.delete(id);
  });
  worker.on('error', (error) => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  });
  const send = (piece) =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, piece });
    });
  return { send, runAll: (pieces) => Promise.all(pieces.map(send)), terminate: () => worker.terminate() };
}

function byteSum(bytes) {
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) sum = (sum + bytes[i]) >>> 0;
  return sum;
}

const echoPieces = (n) => Array.from({ length: n }, (_, i) => ({ kind: 'bench/echo', payload: i, seed: 7 }));
function checkEcho(results, what) {
  if (!results.every((value, i) => value === i + 7)) throw new Error(`${what}: a trivial piece came back wrong.`);
}

async function overhead(url) {
  const worker = start([BENCH_WORKER, url, BENCH_QUEUE, '1'], 'ready', 'bench worker');
  const executor = createQueueExecutor({ url, name: BENCH_QUEUE });
  const thread = startThread();
  try {
    await worker.ready;
    checkEcho(await executor.run(echoPieces(100)), 'queue warm-up');
    checkEcho(await thread.runAll(echoPieces(100)), 'thread warm-up');

    log(`overhead: ${pieceCount} trivial pieces at once, queue then thread`);
    const queueBulk = await timed(() => executor.run(echoPieces(pieceCount)));
    checkEcho(queueBulk.value, 'queue');
    const threadBulk = await timed(() => thread.runAll(echoPieces(pieceCount)));
    checkEcho(threadBulk.value, 'thread');

    log(`overhead: ${latencyCount} trivial pieces one at a time`);
    const queueOne = [];
    const threadOne = [];
    for (let i = 0; i < latencyCount; i++) {
      const piece = { kind: 'bench/echo', payload: i, seed: 7 };
      const q = await timed(() => executor.run([piece]));
      if (q.value[0] !== i + 7) throw new Error('queue: a trivial piece came back wrong.');
      queueOne.push(q.ms);
      const t = await timed(() => thread.send(piece));
      if (t.value !== i + 7) throw new Error('thread: a trivial piece came back wrong.');
      threadOne.push(t.ms);
    }

    log(`overhead: a ${(blobBytes / 2 ** 20).toFixed(1)} MB payload`);
    const bytes = new Uint8Array(randomBytes(blobBytes));
    const sum = byteSum(bytes);
    const put = await timed(() => executor.put(bytes));
    const blobPiece = { kind: 'bench/blob', payload: put.value, seed: 0 };
    const first = await timed(() => executor.run([blobPiece]));
    const again = await timed(() => executor.run([blobPiece]));
    for (const { value } of [first, again]) {
      if (value[0].bytes !== blobBytes || value[0].sum !== sum) throw new Error('queue: the side-storage payload came back wrong.');
    }
    const threadBlob = [];
    for (let i = 0; i < 3; i++) {
      const t = await timed(() => thread.send({ kind: 'bench/blob', payload: bytes, seed: 0 }));
      if (t.value.bytes !== blobBytes || t.value.sum !== sum) throw new Error('thread: the payload came back wrong.');
      threadBlob.push(t.ms);
    }
    return {
      pieces: pieceCount,
      queue: { bulkMs: queueBulk.ms, oneAtATimeMs: queueOne },
      thread: { bulkMs: threadBulk.ms, oneAtATimeMs: threadOne },
      blob: { bytes: blobBytes, putMs: put.ms, firstPieceMs: first.ms, keptPieceMs: again.ms, threadCopyMs: threadBlob },
    };
  } finally {
    await thread.terminate();
    await executor.close();
    await stop(worker);
  }
}

// ---- 2. real pieces: the shuffle test of cluster ----

async function cluster(label, extra, repeat) {
  const file = join(args.out, `cluster-${label}-r${repeat}.json`);
  const loadBefore = load();
  const whole = await timed(() =>
    runToEnd(
      ['--import', CPU_AT_EXIT, MODSCOPE, 'cluster', args.model, '--shuffles', String(shuffles), '--json', file, ...extra],
      `cluster (${label})`,
    ),
  );
  const result = JSON.parse(readFileSync(file, 'utf8'));
  const { graph, partition, shuffles: shuffleMs } = result.timings;
  return {
    label,
    repeat,
    loadBefore,
    wholeS: whole.ms / 1000,
    clusterCpuS: cpuAtExit(whole.value),
    graphS: graph / 1000,
    partitionS: partition / 1000,
    shufflesS: shuffleMs / 1000,
    file,
  };
}

/**
 * N fresh `modscope worker` processes, then two runs on them: cold (each worker fetches and decodes the graph
 * and compiles the partitioner with its first piece) and warm (the same workers again: graph and partitioner
 * kept, as a long-lived pool running one model's tests).
 */
async function queued(url, n, repeat) {
  const workers = Array.from({ length: n }, (_, i) =>
    start([MODSCOPE, 'worker', '--queue', url], 'worker: taking pieces from', `modscope worker ${i + 1}/${n}`),
  );
  try {
    await Promise.all(workers.map((worker) => worker.ready));
    const runs = [];
    for (const temperature of ['cold', 'warm']) {
      log(
        `cluster --shuffles ${shuffles}: --queue, ${n} worker process(es), ${temperature}, run ${repeat + 1}/${repeats} (load ${load().join(' ')})`,
      );
      const before = workers.map((worker) => cpuNow(worker.child.pid));
      const run = await cluster(`queue-${n}-${temperature}`, ['--queue', url], repeat);
      // the workers' CPU during the run: the shuffles, the queue's work and (cold) the graph and partitioner
      run.workersCpuS = workers.reduce((sum, worker, i) => sum + cpuNow(worker.child.pid) - before[i], 0);
      runs.push(run);
    }
    return runs;
  } finally {
    await Promise.all(workers.map((worker) => stop(worker)));
  }
}

/** The result without its timings, as text: what must be identical between a local and a queued run. */
const withoutTimings = (file) =>
  JSON.stringify(JSON.parse(readFileSync(file, 'utf8')), (key, value) => (key === 'timings' ? undefined : value));
function differingKeys(a, b) {
  const x = JSON.parse(a);
  const y = JSON.parse(b);
  return [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((key) => JSON.stringify(x[key]) !== JSON.stringify(y[key]));
}

async function real(url) {
  const local = (n) => async (repeat) => {
    log(`cluster --shuffles ${shuffles}: local, --workers ${n}, run ${repeat + 1}/${repeats} (load ${load().join(' ')})`);
    return [await cluster(`threads-${n}`, ['--workers', String(n)], repeat)];
  };
  const steps = [local(1), local(2), ...queueWorkers.map((n) => (repeat) => queued(url, n, repeat))];
  const rows = [
    { label: 'threads-1', name: 'local, --workers 1 (threads)', base: 'queue-1-cold' },
    { label: 'threads-2', name: 'local, --workers 2 (threads)', base: 'queue-1-cold' },
    ...['cold', 'warm'].flatMap((temperature) =>
      queueWorkers.map((n) => ({
        label: `queue-${n}-${temperature}`,
        name: `--queue, ${n} worker process${n > 1 ? 'es' : ''}, ${temperature}`,
        n,
        base: `queue-1-${temperature}`,
      })),
    ),
  ];
  const runs = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const step of repeat % 2 === 0 ? steps : [...steps].reverse()) runs.push(...(await step(repeat)));
  }
  const reference = withoutTimings(runs.find((run) => run.label === 'threads-1').file);
  const summary = rows.map(({ label, name, n, base }) => {
    const own = runs.filter((run) => run.label === label);
    const texts = own.map((run) => withoutTimings(run.file));
    const differing = [...new Set(texts.flatMap((text) => (text === reference ? [] : differingKeys(reference, text))))];
    return {
      label,
      name,
      base,
      ...(n !== undefined ? { workerProcesses: n } : {}),
      shufflesS: median(own.map((run) => run.shufflesS)),
      shufflesBestS: Math.min(...own.map((run) => run.shufflesS)),
      wholeS: median(own.map((run) => run.wholeS)),
      cpuS: median(own.map((run) => run.clusterCpuS + (run.workersCpuS ?? 0))),
      identical: differing.length === 0,
      differing,
    };
  });
  const of = (label) => summary.find((row) => row.label === label)?.shufflesS;
  for (const row of summary) {
    row.speedUpVsQueue1 = of(row.base) !== undefined ? of(row.base) / row.shufflesS : null;
    row.speedUpVsThreads1 = of('threads-1') / row.shufflesS;
    row.speedUpVsThreads2 = of('threads-2') / row.shufflesS;
  }
  return { runs, summary };
}

// ---- output ----

const f = (x, digits = 1) => (x === null || x === undefined ? '—' : x.toFixed(digits));
const us = (ms) => ms * 1000;

function printOverhead(o) {
  const rows = [
    ['queue (BullMQ, 1 worker process)', o.queue],
    ['worker thread (postMessage)', o.thread],
  ];
  console.log(`\n1. Overhead per piece: trivial pieces (seed + payload), ${o.pieces} at once and ${latencyCount} one at a time`);
  console.log('side                                  µs/piece at once   pieces/s   one at a time: median µs   best µs');
  for (const [name, side] of rows) {
    console.log(
      `${name.padEnd(36)} ${f(us(side.bulkMs / o.pieces)).padStart(17)} ${f((o.pieces / side.bulkMs) * 1000, 0).padStart(10)} ${f(us(median(side.oneAtATimeMs)), 0).padStart(26)} ${f(us(Math.min(...side.oneAtATimeMs)), 0).padStart(9)}`,
    );
  }
  const ratio = o.queue.bulkMs / o.thread.bulkMs;
  console.log(
    `queue / thread: ${f(ratio, 0)}× per piece at once, ${f(median(o.queue.oneAtATimeMs) / median(o.thread.oneAtATimeMs), 0)}× one at a time`,
  );
  const b = o.blob;
  console.log(
    `\n${f(b.bytes / 2 ** 20)} MB payload: queue put (SHA-256 + SET) ${f(b.putMs)} ms; first piece (GET, hash check, sum) ${f(b.firstPieceMs)} ms;`,
  );
  console.log(
    `  a later piece (payload kept by the worker) ${f(b.keptPieceMs)} ms; worker thread (copied each time, sum) ${f(median(b.threadCopyMs))} ms per piece`,
  );
}

function printReal(r) {
  console.log(
    `\n2. cluster ${args.model} --shuffles ${shuffles} (${2 * shuffles} shuffles), median of ${repeats} run(s) each; vs queue N=1: of the same temperature (threads: cold)`,
  );
  console.log(
    'configuration                         shuffles s   best s   whole s   CPU s   per shuffle ms   vs queue N=1   vs 1 thread   vs 2 threads   identical',
  );
  for (const row of r.summary) {
    console.log(
      `${row.name.padEnd(36)} ${f(row.shufflesS, 2).padStart(10)} ${f(row.shufflesBestS, 2).padStart(8)} ${f(row.wholeS, 2).padStart(9)} ${f(row.cpuS, 1).padStart(7)} ${f((row.shufflesS * 1000) / (2 * shuffles), 0).padStart(16)} ${`${f(row.speedUpVsQueue1, 2)}×`.padStart(14)} ${`${f(row.speedUpVsThreads1, 2)}×`.padStart(13)} ${`${f(row.speedUpVsThreads2, 2)}×`.padStart(14)}   ${row.identical ? 'yes' : `no (${row.differing.join(', ')})`}`,
    );
  }
  const queuedRows = r.summary.filter((row) => row.workerProcesses !== undefined);
  console.log(
    `identical (every queued result equals local --workers 1 apart from timings): ${queuedRows.every((row) => row.identical) ? 'yes' : 'no'}`,
  );
  console.log(
    '"shuffles s" is timings.shuffles: the drawing of the strongest edges, then every shuffle (queued: the graph put once, then the pieces);',
  );
  console.log(
    '"whole s" the cluster process from start to end; "CPU s" its CPU time (all threads) plus the worker processes\' during the run.',
  );
}

// ---- main ----

let redis;
const onSignal = async (signal) => {
  log(`${signal}: stopping the workers and redis`);
  for (const child of children) child.kill('SIGKILL');
  await redis?.stop();
  process.exit(130);
};
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);

mkdirSync(args.out, { recursive: true });
const loadStart = load();
const cpu = cpus()[0]?.model ?? 'unknown';
const coreLine =
  cores <= 2
    ? `This machine has ${cores} cores (os.availableParallelism()): the N worker processes share them, so the curve flattens past N = ${cores}; past that it measures the queue's overhead, not what N machines would give.`
    : `This machine has ${cores} cores (os.availableParallelism()): the N worker processes share them, so the curve flattens past N = ${cores}.`;
console.log(`queue scale-out, ${new Date().toISOString()}, ${cpu}, load average ${loadStart.join(' ')} (1, 5, 15 min)`);
console.log(coreLine);
let overheadFigures;
let realFigures;
try {
  redis = await startRedisServer();
  log(`redis-server at ${redis.url}`);
  overheadFigures = await overhead(redis.url);
  printOverhead(overheadFigures);
  if (!args['skip-real']) {
    realFigures = await real(redis.url);
    printReal(realFigures);
  }
} finally {
  await Promise.all([...children].map((child) => stop({ child, exited: new Promise((resolve) => child.once('exit', resolve)) })));
  await redis?.stop();
}
const loadEnd = load();
console.log(`\nload average at the end ${loadEnd.join(' ')}. ${coreLine}`);
const jsonFile = join(args.out, 'queue-scaleout.json');
writeFileSync(
  jsonFile,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: { cores, cpu, loadStart, loadEnd },
      settings: { model: args.model, shuffles, queueWorkers, repeats, pieces: pieceCount, latency: latencyCount, blobBytes },
      overhead: overheadFigures,
      real: realFigures ?? null,
    },
    null,
    2,
  )}\n`,
);
log(`wrote ${jsonFile}`);
