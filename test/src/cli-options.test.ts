// Option values the CLI refuses before any work: each a usage error (exit 2) in one line stating the allowed
// range, with no output file written; and the shuffle test's progress bar on a terminal.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectCleanFailure, fixture, root, runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'modscope-cli-options-'));
const model = fixture('clusterability/control.onnx');

/** Runs `args` with `--json FILE`, expects a one-line usage error, and that FILE was not written. */
function usageError(args: string[]): string {
  const json = join(dir, `${args.join('_').replace(/\W+/g, '_')}.json`);
  const r = runCli([...args, '--json', json]);
  const line = expectCleanFailure(r);
  expect(r.code).toBe(2);
  expect(existsSync(json)).toBe(false);
  return line;
}

describe('cluster --nulls', () => {
  it('empty: no null model is no test at all', () => {
    expect(usageError(['cluster', model, '--nulls', ''])).toBe(
      'modscope: --nulls names no null model. Use a comma-separated list of: layer, layer-nonzero (--shuffles 0 skips the test).',
    );
  });

  it('a null model named twice', () => {
    expect(usageError(['cluster', model, '--nulls', 'layer,layer'])).toBe(
      "modscope: --nulls names 'layer' twice. Name each null model once.",
    );
  });
});

describe('numeric options state the allowed range', () => {
  const cases: Array<[string[], RegExp]> = [
    [['cluster', model, '--workers', '1000'], /'--workers <n>' argument '1000' is invalid\. expected an integer from 0 to 64 /],
    [['cluster', model, '--workers', '65'], /expected an integer from 0 to 64 /],
    [
      ['cluster', model, '--shuffles', '1e7'],
      /'--shuffles <n>' argument '1e7' is invalid\. expected an integer from 0 to 10,000 \(0 skips the test\)/,
    ],
    [['cluster', model, '--shuffles', '10001'], /expected an integer from 0 to 10,000 /],
    [['cluster', model, '--shuffles', ''], /'--shuffles <n>' argument '' is invalid/],
    [['cluster', model, '--k', '0'], /'--k <n>' argument '0' is invalid\. expected an integer ≥ 1\./],
    [['cluster', model, '--k', '2.5'], /expected an integer ≥ 1\./],
    [['cluster', model, '--seed', '-1'], /'--seed <n>' argument '-1' is invalid\. expected an integer from 0 to 4,294,967,295\./],
    [['cluster', model, '--seed', '4294967296'], /expected an integer from 0 to 4,294,967,295\./],
    [['cluster', model, '--seed', ''], /'--seed <n>' argument '' is invalid/],
    [['cluster', model, '--prune', '1'], /'--prune <sparsity>' argument '1' is invalid\. expected a fraction in \[0, 1\)/],
    [['cluster', model, '--prune', ' '], /expected a fraction in \[0, 1\)/],
    [['compare', model, '--data', 'two-task', '--permutations', '100001'], /expected an integer from 1 to 100,000\./],
    [['lesion', model, '--data', 'two-task', '--limit', '0x10'], /'--limit <n>' argument '0x10' is invalid\. expected an integer ≥ 1\./],
    [['lesion', model, '--data', 'two-task', '--mean', ''], /expected finite numbers separated by commas/],
    [['excise', model, '--data', 'two-task', '--forget', 'class:1', '--forget-target', '1.5'], /expected a fraction in \[0, 1\]/],
  ];
  for (const [args, message] of cases) {
    it(args.slice(2).join(' '), () => {
      const line = usageError(args);
      expect(line).toMatch(/^modscope: option /);
      expect(line).toMatch(message);
      expect(line).toMatch(/\(run with --help for usage\)$/);
    });
  }

  it('the bounds themselves are accepted', () => {
    const r = runCli(['cluster', model, '--k', '4', '--shuffles', '0', '--workers', '64', '--seed', '4294967295', '--json', '-']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).seed).toBe(4294967295);
  });
});

describe('the shuffle test shows its progress on a terminal', () => {
  it('counts the shuffles up while they run, also in the main thread (--workers 0)', () => {
    // script(1) gives the CLI a pseudo-terminal, as a user's shell would
    const command = `${process.execPath} apps/cli/dist/bin.js cluster ${model} --k 4 --nulls layer --shuffles 12 --workers 0`;
    const r = spawnSync('script', ['-qfec', command, '/dev/null'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(0);
    const counts = new Set([...r.stdout.matchAll(/shuffles\s+\[[^\]]*\] \d+% \| (\d+)\/12/g)].map((m) => Number(m[1])));
    expect(counts.has(12)).toBe(true);
    // not just 0 and 12: the bar moved while the shuffles ran
    expect([...counts].filter((n) => n > 0 && n < 12).length).toBeGreaterThan(3);
  });
});
