import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, runCli } from './run-cli.js';
import { fuzzBases, fuzzCase, type FuzzBases } from './support/fuzz/cases.js';
import { ACCEPTABLE, runCases, type Outcome } from './support/fuzz/run-case.js';

// Hostile input (issue 15): the CLI run on mutated ONNX models, TF.js models, IDX data, results files and
// option values, each in a fresh process. Every run must end with exit 0 or one clean line on stderr and
// a non-zero exit: no hang, signal, stack trace, multi-line error or raw internal message, no input file
// changed, no output file partial, lost or left behind. Seeded and deterministic: case i of seed s is
// always the same mutation. A larger run: `npm run fuzz` at the repository root (FUZZ_CASES, FUZZ_SEED).
const SEED = Number(process.env.FUZZ_SEED ?? 1);
const CASES = Number(process.env.FUZZ_CASES ?? 240);
const TIMEOUT_MS = Number(process.env.FUZZ_TIMEOUT_MS ?? 30_000);

let dir: string;
let bases: FuzzBases;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'modscope-fuzz-'));
  const made = fuzzBases(join(dir, 'bases'));
  const clusterJson = join(made.dir, 'cluster.json');
  const lesionJson = join(made.dir, 'lesion.json');
  const model = fixture('resnet-tiny.onnx');
  const cluster = runCli(['cluster', model, '--k', '4', '--shuffles', '3', '--json', clusterJson]);
  expect(cluster.stderr).toBe('');
  const lesion = runCli(['lesion', model, '--partition', clusterJson, '--data', made.idxDir, '--random', '3', '--json', lesionJson]);
  expect(lesion.stderr).toBe('');
  bases = { ...made, clusterJson, lesionJson };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe(`modscope on ${CASES} hostile inputs (seed ${SEED})`, () => {
  it('ends every run with a result or one clean line, and loses no file', { timeout: 60 * 60_000 }, async () => {
    const cases = Array.from({ length: CASES }, (_, i) => () => fuzzCase(SEED, i, join(dir, 'cases'), bases));
    const runs = await runCases(cases, { parallel: 2, timeoutMs: TIMEOUT_MS });
    const counts = new Map<string, number>();
    for (const { case: c, result } of runs) {
      const key = `${c.kind} ${result.outcome}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const seconds = runs.reduce((sum, r) => sum + r.result.seconds, 0);
    console.log(
      `fuzz seed ${SEED}: ${CASES} runs, ${seconds.toFixed(0)} s of CLI time\n` +
        [...counts]
          .sort()
          .map(([key, n]) => `  ${key}: ${n}`)
          .join('\n'),
    );
    const defects = runs
      .filter((r) => !ACCEPTABLE.includes(r.result.outcome as Outcome))
      .map(
        ({ case: c, result }) =>
          `case ${c.index} (${c.kind}: ${c.mutation}) — modscope ${c.args.join(' ')} — ${result.outcome}${result.detail ? ` (${result.detail})` : ''}, exit ${result.code}: ${result.stderr.trim().split('\n').slice(0, 3).join(' | ')}`,
      );
    expect(defects).toEqual([]);
  });
});
