import { queueStatus } from '@modscope/queue';
import { writeOutputFile } from '../output-file.js';
import { jsonText, print, printJson, table } from '../output.js';

export interface WorkersOptions {
  queue: string;
  json?: string;
}

const ago = (iso: string, now: number) => `${Math.max(0, Math.round((now - Date.parse(iso)) / 1000))} s ago`;

/** The workers alive on the queue (their heartbeats) and its pieces by state. */
export async function workersCommand(options: WorkersOptions): Promise<void> {
  const status = await queueStatus({ url: options.queue });
  if (options.json === '-') return printJson(status);
  const { waiting, active, completed, failed } = status.counts;
  const now = Date.now();
  const lines = [
    `${options.queue}: ${waiting} pieces waiting, ${active} running, ${completed + failed} finished and not yet read by their run`,
    '',
    status.workers.length === 0
      ? `no worker alive; start one with: modscope worker --queue ${options.queue}`
      : table(
          ['host', 'pid', 'concurrency', 'running', 'done', 'failed', 'started', 'last heartbeat'],
          status.workers.map((w) => [w.host, w.pid, w.concurrency, w.running, w.done, w.failed, ago(w.started, now), ago(w.seen, now)]),
        ),
  ];
  print(lines.join('\n'));
  if (options.json) {
    await writeOutputFile(options.json, jsonText(status));
    print(`\nwrote ${options.json}`);
  }
}
