import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { isMainThread, Worker } from 'node:worker_threads';
import { ModscopeError } from '@modscope/core';
import type { KMeansSession } from './kmeans-wasm.js';

/**
 * Parallel k-means restarts. A job lives in one SharedArrayBuffer: a header of counters, the data, every
 * run's uniforms, and a result slot per helper thread. The calling thread posts the job to the helpers and
 * works on it too; each thread claims the next unclaimed run with an atomic add, keeps the best of its own
 * runs (lowest inertia, then lowest run index), and the caller blocks until no helper holds a run. The
 * winner is the best over all threads by the same rule, so the result is the one a single thread gives,
 * whichever thread ran which run.
 */

/** Header (Int32 slots): the next run to claim, and how many threads hold a run. */
const NEXT = 0;
const INFLIGHT = 1;
const HEADER_BYTES = 16;
/** How long the caller waits for a helper to finish the run it holds before giving up. */
const HELPER_TIMEOUT_MS = 120_000;

export interface PoolJob {
  type: 'kmeans';
  buffer: SharedArrayBuffer;
  n: number;
  d: number;
  /** Row stride of the float32 rows. */
  dp: number;
  k: number;
  nInit: number;
  uLength: number;
  maxIter: number;
  tolAbs: number;
  dataAt: number;
  uniformsAt: number;
  slotAt: number;
  slotBytes: number;
  slot: number;
}

const align8 = (bytes: number) => Math.ceil(bytes / 8) * 8;

/** Bytes of one result slot: inertia (f64), run and iterations (i32), labels (n × i32), centers (k × dp f32). */
function slotBytes(n: number, dp: number, k: number): number {
  return align8(16 + n * 4) + k * dp * 4;
}

/** Writes a run's result into a slot. */
function writeSlot(
  buffer: SharedArrayBuffer,
  at: number,
  n: number,
  dp: number,
  k: number,
  inertia: number,
  run: number,
  result: ReturnType<KMeansSession['result']>,
): void {
  new Float64Array(buffer, at, 1)[0] = inertia;
  const ints = new Int32Array(buffer, at + 8, 2);
  ints[0] = run;
  ints[1] = result.iterations;
  new Int32Array(buffer, at + 16, n).set(result.labels);
  new Float32Array(buffer, at + align8(16 + n * 4), k * dp).set(result.centers);
}

/** Claims and runs runs of a job until none is left, keeping the best in the job's slot. */
export function work(job: PoolJob, open: (rows: Float32Array) => KMeansSession): void {
  const header = new Int32Array(job.buffer, 0, 4);
  Atomics.add(header, INFLIGHT, 1);
  try {
    let session: KMeansSession | undefined;
    let bestInertia = Infinity;
    const at = job.slotAt + job.slot * job.slotBytes;
    for (;;) {
      const run = Atomics.add(header, NEXT, 1);
      if (run >= job.nInit) break;
      session ??= open(new Float32Array(job.buffer, job.dataAt, job.n * job.dp));
      const inertia = session.run(
        new Float64Array(job.buffer, job.uniformsAt + run * job.uLength * 8, job.uLength),
        job.maxIter,
        job.tolAbs,
      );
      // a thread claims its runs in increasing order: on a tie the earlier run is already kept
      if (inertia < bestInertia) {
        bestInertia = inertia;
        writeSlot(job.buffer, at, job.n, job.dp, job.k, inertia, run, session.result());
      }
    }
  } finally {
    Atomics.sub(header, INFLIGHT, 1);
    Atomics.notify(header, INFLIGHT);
  }
}

let helpers: Worker[] = [];
/** The helpers' script; null where there can be none: off the main thread, or running from source. */
let script: URL | null | undefined;

/**
 * Helper threads for `wanted` threads in all (created as first needed, never keeping the process alive):
 * at most the machine's parallelism less one, and 15. None off the main thread (a worker's work is
 * already one of many) or where the worker script is missing (running from source).
 */
function pool(wanted: number): Worker[] {
  if (script === undefined) {
    const url = new URL('./kmeans-worker.js', import.meta.url);
    script = isMainThread && url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : null;
  }
  if (script === null) return [];
  const count = Math.max(0, Math.min(wanted, availableParallelism(), 16) - 1);
  while (helpers.length < count) {
    try {
      const worker = new Worker(script);
      worker.unref();
      worker.on('error', () => {
        helpers = helpers.filter((h) => h !== worker);
      });
      helpers.push(worker);
    } catch {
      script = null;
      break;
    }
  }
  return helpers.slice(0, count);
}

/** Threads a parallel k-means would use now (1 where there are no helpers). */
export function kmeansThreads(wanted: number): number {
  return 1 + pool(wanted).length;
}

/**
 * Runs `nInit` restarts on this thread and up to `threads − 1` helpers; returns the winning run's slot
 * content, or null when no helper is available (the caller then runs them itself).
 */
export function parallelRuns(
  rows: Float32Array,
  n: number,
  d: number,
  k: number,
  uniforms: Float64Array[],
  maxIter: number,
  tolAbs: number,
  threads: number,
  open: (rows: Float32Array) => KMeansSession,
): { inertia: number; run: number; iterations: number; labels: Int32Array; centers: Float32Array } | null {
  const workers = pool(threads);
  if (workers.length === 0) return null;
  const nInit = uniforms.length;
  const uLength = uniforms[0]!.length;
  const dp = Math.ceil(d / 4) * 4;
  const dataAt = HEADER_BYTES;
  const uniformsAt = align8(dataAt + n * dp * 4);
  const slotAt = uniformsAt + nInit * uLength * 8;
  const bytesPerSlot = slotBytes(n, dp, k);
  const slots = workers.length + 1;
  const buffer = new SharedArrayBuffer(slotAt + slots * bytesPerSlot);
  new Float32Array(buffer, dataAt, n * dp).set(rows.subarray(0, n * dp));
  for (const [run, u] of uniforms.entries()) new Float64Array(buffer, uniformsAt + run * uLength * 8, uLength).set(u);
  for (let s = 0; s < slots; s++) new Float64Array(buffer, slotAt + s * bytesPerSlot, 1)[0] = Infinity;
  const job = (slot: number): PoolJob => ({
    type: 'kmeans',
    buffer,
    n,
    d,
    dp,
    k,
    nInit,
    uLength,
    maxIter,
    tolAbs,
    dataAt,
    uniformsAt,
    slotAt,
    slotBytes: bytesPerSlot,
    slot,
  });
  for (const [w, worker] of workers.entries()) worker.postMessage(job(w + 1));
  work(job(0), open);
  // wait for the helpers still holding a run; one that never got the message holds none
  const header = new Int32Array(buffer, 0, 4);
  const deadline = performance.now() + HELPER_TIMEOUT_MS;
  for (let v = Atomics.load(header, INFLIGHT); v !== 0; v = Atomics.load(header, INFLIGHT)) {
    Atomics.wait(header, INFLIGHT, v, 50);
    if (performance.now() > deadline) {
      // a helper died holding a run (one run takes milliseconds): give up on the helpers for good
      for (const worker of helpers) void worker.terminate();
      helpers = [];
      script = null;
      throw new ModscopeError({
        code: 'kmeans-helper-lost',
        message: `a k-means helper thread held a run for over ${HELPER_TIMEOUT_MS / 1000} s and was stopped.`,
        hint: 'Run again (the helpers are off for this process), or pass threads: 1.',
      });
    }
  }
  let best = -1;
  let bestInertia = Infinity;
  let bestRun = -1;
  for (let s = 0; s < slots; s++) {
    const at = slotAt + s * bytesPerSlot;
    const inertia = new Float64Array(buffer, at, 1)[0]!;
    const run = new Int32Array(buffer, at + 8, 1)[0]!;
    if (inertia === Infinity) continue;
    if (best < 0 || inertia < bestInertia || (inertia === bestInertia && run < bestRun)) {
      best = s;
      bestInertia = inertia;
      bestRun = run;
    }
  }
  const at = slotAt + best * bytesPerSlot;
  return {
    inertia: bestInertia,
    run: bestRun,
    iterations: new Int32Array(buffer, at + 12, 1)[0]!,
    labels: new Int32Array(buffer, at + 16, n).slice(),
    centers: new Float32Array(buffer, at + align8(16 + n * 4), k * dp).slice(),
  };
}
