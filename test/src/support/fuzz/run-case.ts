import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { root } from '../../run-cli.js';
import type { FuzzCase } from './cases.js';

/** How a run ended: `ok` and `clean-failure` are acceptable, everything else is a defect. */
export type Outcome =
  | 'ok'
  | 'clean-failure'
  | 'hang'
  | 'signal'
  | 'stack-trace'
  | 'multi-line-error'
  | 'raw-internal-message'
  | 'input-changed'
  | 'partial-output'
  | 'output-lost'
  | 'stray-file';

export const ACCEPTABLE: readonly Outcome[] = ['ok', 'clean-failure'];

/** Messages that come from inside the program (the engine, onnxruntime, a catch-all), never meant for a user. */
const RAW_INTERNAL = [
  /unexpected error/i,
  /Cannot read propert/,
  /Cannot set propert/,
  /is not a function/,
  /is not iterable/,
  /Invalid (typed )?array length/,
  /Array buffer allocation failed/,
  /Maximum call stack/,
  /ONNXRuntimeError/,
  /\[object Object\]/,
  /node:internal/,
  /\bERR_[A-Z_]+\b/,
  /\bE(ACCES|ISDIR|NOENT|NOSPC|NOTDIR|PERM):/,
  /\b(TypeError|RangeError|ReferenceError|SyntaxError)\b/,
];
const STACK_FRAME = /^\s+at .*(:\d+:\d+\)?|\(native\))$/m;

export interface CaseResult {
  outcome: Outcome;
  code: number | null;
  signal: string | null;
  stderr: string;
  seconds: number;
  detail?: string;
}

const hash = (path: string) => (existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : 'absent');
const listing = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();

/** Whether `text` is a whole file of `format`: JSON that parses, HTML that closes. */
function whole(text: string, format: 'json' | 'html'): boolean {
  if (format === 'html') return text.trimEnd().endsWith('</html>');
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Runs one case as a user would (the built CLI, a fresh process) and judges how it ended. */
async function runCase(c: FuzzCase, timeoutMs: number): Promise<CaseResult> {
  const inputsBefore = c.inputs.map(hash);
  const outputBefore = c.output && existsSync(c.output.path) ? readFileSync(c.output.path, 'utf8') : undefined;
  const filesBefore = listing(c.dir);
  const started = performance.now();
  const run = await new Promise<{ code: number | null; signal: string | null; stderr: string; timedOut: boolean }>((resolve) => {
    const child = spawn(process.execPath, [join(root, 'apps/cli/dist/bin.js'), ...c.args], {
      cwd: c.dir,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stderr = '';
    let timedOut = false;
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 100_000) stderr += d;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, timedOut });
    });
  });
  const seconds = (performance.now() - started) / 1000;
  const result = (outcome: Outcome, detail?: string): CaseResult => ({
    outcome,
    code: run.code,
    signal: run.signal,
    stderr: run.stderr,
    seconds,
    ...(detail ? { detail } : {}),
  });
  if (run.timedOut) return result('hang', `no end after ${timeoutMs / 1000} s`);
  if (run.signal) return result('signal', run.signal);
  if (STACK_FRAME.test(run.stderr)) return result('stack-trace');
  const changed = c.inputs.filter((path, i) => hash(path) !== inputsBefore[i]);
  if (changed.length > 0) return result('input-changed', changed.join(', '));
  if (c.output) {
    const now = existsSync(c.output.path) ? readFileSync(c.output.path, 'utf8') : undefined;
    if (run.code === 0 && (now === undefined || !whole(now, c.output.format))) return result('partial-output', c.output.path);
    if (run.code !== 0 && now !== outputBefore) return result(now === undefined ? 'output-lost' : 'partial-output', c.output.path);
  }
  const expected = new Set([...filesBefore, ...(c.output && run.code === 0 ? [relative(c.dir, c.output.path)] : [])]);
  const stray = listing(c.dir).filter((f) => !expected.has(f));
  if (stray.length > 0) return result('stray-file', stray.join(', '));
  if (run.code === 0) return result('ok');
  const lines = run.stderr.trimEnd().split('\n');
  if (lines.length !== 1 || !lines[0]!.startsWith('modscope: ')) return result('multi-line-error');
  const raw = RAW_INTERNAL.find((pattern) => pattern.test(lines[0]!));
  if (raw) return result('raw-internal-message', String(raw));
  return result('clean-failure');
}

/** Runs `cases` with at most `parallel` processes at a time; results in the cases' order. */
export async function runCases(
  cases: readonly (() => FuzzCase)[],
  options: { parallel: number; timeoutMs: number },
): Promise<{ case: FuzzCase; result: CaseResult }[]> {
  const out: { case: FuzzCase; result: CaseResult }[] = new Array(cases.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < cases.length; i = next++) {
      const c = cases[i]!();
      out[i] = { case: c, result: await runCase(c, options.timeoutMs) };
    }
  };
  await Promise.all(Array.from({ length: options.parallel }, lane));
  return out;
}
