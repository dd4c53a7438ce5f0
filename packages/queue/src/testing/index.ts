// @modscope/queue/testing: a throwaway redis-server on a loopback port, and a way to deliver pieces twice.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Queue } from 'bullmq';
import { closeWithin, connection } from '../connection.js';
import { runWorker, type WorkerOptions } from '../worker.js';

export interface RedisServer {
  url: string;
  port: number;
  /** Stops it (SIGTERM; with `appendonly`, what it holds is on disk). */
  stop(): Promise<void>;
  /** Kills it (SIGKILL), as a crash would. */
  kill(): Promise<void>;
}

export interface RedisServerOptions {
  /** The port (default a free one); give the port of a stopped server to restart it. */
  port?: number;
  /** Keep an append-only file in this directory, fsynced on every write, so a restart keeps the queue. Default none: a restart loses everything. */
  appendonly?: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts `redis-server` on loopback and resolves once it accepts connections. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  const persistence = options.appendonly
    ? ['--dir', options.appendonly, '--appendonly', 'yes', '--appendfsync', 'always']
    : ['--appendonly', 'no'];
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited with code ${code}: ${out}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
  });
  child.removeAllListeners('exit');
  const end = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  return { url: `redis://127.0.0.1:${port}`, port, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') };
}

/**
 * Puts up to `count` finished pieces of queue `name` back in the queue, as an at-least-once delivery does
 * when a worker's lock lapses: they are run again. Returns their job ids.
 */
export async function redeliver(options: { url: string; name?: string }, count: number): Promise<string[]> {
  const queue = new Queue(options.name ?? 'modscope', { connection: connection(options.url) });
  queue.on('error', () => {});
  try {
    const jobs = await queue.getJobs('completed', 0, count - 1);
    await Promise.all(jobs.map((job) => job.retry('completed')));
    return jobs.map((job) => job.id!);
  } finally {
    await closeWithin(queue, 2000);
  }
}

/** A worker in this process, taking pieces once this resolves; `stop()` stops it gracefully and waits. */
export async function startWorker(options: Omit<WorkerOptions, 'signal' | 'onReady'>): Promise<{ stop(): Promise<void> }> {
  const controller = new AbortController();
  let ready!: () => void;
  const started = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const running = runWorker({ ...options, signal: controller.signal, onReady: ready });
  await Promise.race([started, running]);
  return {
    stop: async () => {
      controller.abort();
      await running;
    },
  };
}
