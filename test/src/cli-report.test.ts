// `modscope report` and the `--report FILE` option of the analysis commands: the page is written, and a
// results file that is malformed, from an older modscope or not a modscope result fails in one line.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectCleanFailure, fixture, runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'modscope-cli-report-'));
const model = fixture('clusterability/control.onnx');

describe('modscope cluster --report and modscope report', () => {
  it('writes the same page from --report as from the --json file', () => {
    const r = runCli([
      'cluster',
      model,
      '--k',
      '4',
      '--shuffles',
      '4',
      '--workers',
      '0',
      '--json',
      join(dir, 'cluster.json'),
      '--report',
      join(dir, 'direct.html'),
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`wrote ${join(dir, 'direct.html')}`);
    const fromFile = runCli(['report', join(dir, 'cluster.json'), '--out', join(dir, 'report.html'), '--title', 'control']);
    expect(fromFile.stderr).toBe('');
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toMatch(/wrote .*report\.html \(1 result/);
    const direct = readFileSync(join(dir, 'direct.html'), 'utf8');
    const report = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(report).toContain('<title>control</title>');
    for (const html of [direct, report]) expect(html).toContain('data-kind="modscope/cluster"');
    expect(direct).toContain('data-source="cluster.json"');
    expect(report).toContain(`data-source="${join(dir, 'cluster.json')}"`);
  });

  it('keeps stdout pure JSON with --json - and still writes the report', () => {
    const r = runCli(['cluster', model, '--k', '4', '--shuffles', '0', '--json', '-', '--report', join(dir, 'quiet.html')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'modscope/cluster', version: 1 });
    expect(readFileSync(join(dir, 'quiet.html'), 'utf8')).toContain('data-kind="modscope/cluster"');
  });
});

describe('--report on lesion and compare', () => {
  for (const [command, extra] of [
    ['lesion', ['--random', '4']],
    ['compare', ['--permutations', '19']],
  ] as const) {
    it(`modscope ${command} --report writes the page of its result`, () => {
      const out = join(dir, `${command}.html`);
      const r = runCli([command, model, '--data', 'fashion-mnist', '--limit', '300', '--k', '4', ...extra, '--report', out]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`wrote ${out}`);
      const html = readFileSync(out, 'utf8');
      expect(html).toContain(`data-kind="modscope/${command}"`);
      expect(html).toContain(`data-source="${command}.json"`);
    });
  }
});

describe('modscope report on bad results files: one line, non-zero exit', () => {
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const fail = (file: string) => expectCleanFailure(runCli(['report', file, '--out', join(dir, 'bad.html')]));

  it('a file that is not JSON', () => {
    expect(fail(write('truncated.json', '{"kind": "modscope/lesion", '))).toMatch(
      /truncated\.json is not a valid modscope result file: it is not valid JSON/,
    );
  });

  it('a result missing a field names the field', () => {
    expect(fail(write('malformed.json', JSON.stringify({ kind: 'modscope/compare', version: 1, model: 'm' })))).toMatch(
      /malformed\.json is not a valid modscope compare result \(version 1\) file: partitions is missing/,
    );
  });

  it('an unversioned cluster result from an older modscope says to run the command again', () => {
    expect(fail(write('old.json', JSON.stringify({ ncut: 9.9, labels: [[0, 1]], k: 2 })))).toMatch(
      /old\.json .*before results were versioned.*modscope cluster MODEL --json FILE/,
    );
  });

  it('an older version of a known kind', () => {
    expect(fail(write('v0.json', JSON.stringify({ kind: 'modscope/lesion', version: 0 })))).toMatch(
      /v0\.json: lesion result version 0 is older than this report supports/,
    );
  });

  it('a foreign JSON file', () => {
    expect(fail(write('foreign.json', JSON.stringify({ kind: 'something/else', data: [] })))).toMatch(
      /foreign\.json .*kind 'something\/else' is not one this report knows/,
    );
  });

  it('a missing file', () => {
    expect(fail(join(dir, 'nope.json'))).toMatch(/nope\.json/);
  });
});
