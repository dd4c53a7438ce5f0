import { createRequire } from 'node:module';
import { resultJsonText } from '@modscope/results/format';

// cli-progress is required only when a bar is shown: commands that print a table start without it.
const require = createRequire(import.meta.url);

/** Prints to stdout. Commands write through this so tests can capture output. */
export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** A result as the `--json` files hold it (`resultJsonText` of `@modscope/results/format`). */
export const jsonText = resultJsonText;

export function printJson(value: unknown): void {
  process.stdout.write(jsonText(value));
}

/** Left-aligned text columns, right-aligned numbers (also numbers already formatted as strings, e.g. `0.050`). */
export function table(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const isNumber = (v: string | number | undefined) =>
    typeof v === 'number' || (typeof v === 'string' && /^[-+]?(\d+(\.\d+)?|Infinity)$/.test(v));
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((r) => isNumber(r[c])));
  const widths = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** An integer with thousands separators, as `toLocaleString('en-US')` writes it, without loading ICU (about 20 ms). */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function percent(x: number): string {
  return Number.isNaN(x) ? '—' : `${(100 * x).toFixed(2)}%`;
}

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

/** A progress bar on stderr when it is a terminal and output is not JSON; silent otherwise. */
export function progress(label: string, options: { quiet?: boolean } = {}): Progress {
  if (options.quiet || !process.stderr.isTTY) return { update() {}, stop() {} };
  const cliProgress = require('cli-progress') as typeof import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      format: `${label.padEnd(12)} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
