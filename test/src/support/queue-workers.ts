// Worker processes of the built CLI (`modscope worker`) and a submitter that can be signalled, for the queue tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { root } from '../run-cli.js';

const bin = `${root}apps/cli/dist/bin.js`;

export interface CliProcess {
  child: ChildProcess;
  /** Its stdout and stderr so far. */
  output: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Every process started here, killed when the test process exits (a test that timed out leaves none behind). */
const started = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Starts the CLI with these arguments, without waiting for it. */
export function spawnCli(args: readonly string[], env: Record<string, string> = {}): CliProcess {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, ...env } });
  started.add(child);
  child.once('exit', () => started.delete(child));
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    err += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, stderr: () => err, exited };
}

/** Starts `modscope worker` and resolves once it says it is taking pieces. */
export async function startWorker(url: string, env: Record<string, string> = {}, args: readonly string[] = []): Promise<CliProcess> {
  const worker = spawnCli(['worker', '--queue', url, ...args], env);
  const since = Date.now();
  while (!worker.output().includes('worker: taking pieces')) {
    if (worker.child.exitCode !== null || Date.now() - since > 30_000) throw new Error(`the worker did not start:\n${worker.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return worker;
}

/** Stops workers gracefully and waits for them. */
export async function stopWorkers(...workers: CliProcess[]): Promise<void> {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
}

/** A result file without its wall-clock timings. */
export const resultText = (path: string) => {
  const result = JSON.parse(readFileSync(path, 'utf8'));
  delete result.timings;
  return JSON.stringify(result);
};

/** Resolves when `condition` holds, polled every 50 ms; rejects after `ms`. */
export async function until(condition: () => boolean | Promise<boolean>, ms = 60_000, what = 'the condition'): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
