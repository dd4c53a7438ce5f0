// Output paths of every command (`--json`, `--report`, `report --out`, `train|demo --out DIR`, `lesion --feature-viz DIR`):
// checked before any work, no directory above an output created, no input or other output replaced, written atomically,
// and file-system failures in one line naming the path and the problem in words.
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectCleanFailure, fixture, runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'modscope-cli-outputs-'));
const model = fixture('clusterability/control.onnx');
const fast = ['--k', '4', '--shuffles', '0'];
const hash = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
/** A fresh directory for one test, so that "nothing was created" can be read off its listing. */
const fresh = (name: string) => mkdtempSync(join(dir, `${name}-`));

describe('an output whose directory does not exist: exit 1, one line naming the path and the fix, nothing created', () => {
  const cases: Array<[string, (missing: string) => string[]]> = [
    ['cluster --json', (m) => ['cluster', model, ...fast, '--json', join(m, 'c.json')]],
    ['cluster --report', (m) => ['cluster', model, ...fast, '--report', join(m, 'c.html')]],
    ['report --out', (m) => ['report', fixture('clusterability/control.onnx'), '--out', join(m, 'r.html')]],
    ['train --out DIR', (m) => ['train', '--data', 'two-task', '--out', join(m, 'net')]],
    ['demo --out DIR', (m) => ['demo', '--out', join(m, 'demo')]],
    ['lesion --feature-viz DIR', (m) => ['lesion', model, '--data', 'two-task', '--feature-viz', join(m, 'features')]],
  ];
  for (const [name, args] of cases) {
    it(name, () => {
      const base = fresh('missing');
      const missing = join(base, 'no', 'such');
      const r = runCli(args(missing));
      expect(expectCleanFailure(r)).toMatch(
        /^modscope: cannot (write|create) .*no\/such\/\w+(\.\w+)?: no such file or directory\. Create the directory .*no\/such first/,
      );
      expect(r.code).toBe(1);
      expect(readdirSync(base)).toEqual([]);
    });
  }

  it('is found before the work starts: before the model is even read', () => {
    const base = fresh('order');
    const line = expectCleanFailure(runCli(['cluster', 'no-such-model.onnx', '--json', join(base, 'no', 'c.json')]));
    expect(line).toMatch(/cannot write .*c\.json: no such file or directory/);
  });
});

describe('an output that names a directory, or a directory output that names a file', () => {
  it('--json DIR: "is a directory", exit 1, the directory unchanged', () => {
    const out = fresh('isdir');
    const r = runCli(['cluster', model, ...fast, '--json', out]);
    expect(expectCleanFailure(r)).toMatch(
      /^modscope: cannot write .*isdir-\w+: is a directory\. Name a file for --json, e\.g\. .*result\.json\.$/,
    );
    expect(r.code).toBe(1);
    expect(readdirSync(out)).toEqual([]);
  });

  it('train --out FILE: exit 1, the file unchanged', () => {
    const file = join(fresh('train'), 'notes.txt');
    writeFileSync(file, 'keep me');
    const r = runCli(['train', '--data', 'two-task', '--out', file]);
    expect(expectCleanFailure(r)).toMatch(/^modscope: cannot create .*notes\.txt: already exists\. --out names a directory/);
    expect(r.code).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });
});

describe('an output that would replace an input or another output: usage error (exit 2), nothing changed', () => {
  it('cluster --json MODEL', () => {
    // a copy: were the check to fail, the fixture would be lost
    const copy = join(fresh('model'), 'control.onnx');
    copyFileSync(model, copy);
    const before = hash(copy);
    const r = runCli(['cluster', copy, ...fast, '--json', copy]);
    expect(expectCleanFailure(r)).toMatch(
      /^modscope: --json .*control\.onnx would replace the model .*control\.onnx\. Choose another path for --json\.$/,
    );
    expect(r.code).toBe(2);
    expect(hash(copy)).toBe(before);
  });

  it('report X.json --out X.json keeps the results', () => {
    const results = join(fresh('report'), 'cluster.json');
    expect(runCli(['cluster', model, ...fast, '--json', results]).code).toBe(0);
    const before = hash(results);
    const r = runCli(['report', results, '--out', results]);
    expect(expectCleanFailure(r)).toMatch(/^modscope: --out .*cluster\.json would replace the results file .*cluster\.json\./);
    expect(r.code).toBe(2);
    expect(hash(results)).toBe(before);
  });

  it('lesion --partition FILE --json FILE keeps the partition', () => {
    const partition = join(fresh('partition'), 'cluster.json');
    expect(runCli(['cluster', model, ...fast, '--json', partition]).code).toBe(0);
    const before = hash(partition);
    const r = runCli(['lesion', model, '--data', 'two-task', '--partition', partition, '--json', partition]);
    expect(expectCleanFailure(r)).toMatch(/^modscope: --json .*cluster\.json would replace the --partition file /);
    expect(r.code).toBe(2);
    expect(hash(partition)).toBe(before);
  });

  it('--json and --report naming the same file', () => {
    const base = fresh('same');
    const r = runCli(['cluster', model, ...fast, '--json', join(base, 'out'), '--report', join(base, 'out')]);
    expect(expectCleanFailure(r)).toMatch(/^modscope: --json and --report both name .*out: one would replace the other\./);
    expect(r.code).toBe(2);
    expect(readdirSync(base)).toEqual([]);
  });

  it('an empty path', () => {
    const r = runCli(['cluster', model, ...fast, '--report', '']);
    expect(expectCleanFailure(r)).toBe('modscope: --report names no path. Give --report a path.');
    expect(r.code).toBe(2);
  });
});

describe('file-system failures: one line with the path and the problem in words, exit 1', () => {
  it('a directory that takes no new files (permission denied, also for root)', () => {
    const r = runCli(['cluster', model, ...fast, '--json', '/proc/sys/modscope.json']);
    expect(expectCleanFailure(r)).toMatch(/^modscope: cannot write \/proc\/sys\/modscope\.json: permission denied\. Check the permissions/);
    expect(r.code).toBe(1);
    expect(existsSync('/proc/sys/modscope.json')).toBe(false);
  });

  it('a full disk (no space left on device)', () => {
    const r = runCli(['cluster', model, ...fast, '--json', '/dev/full']);
    expect(expectCleanFailure(r)).toMatch(/^modscope: cannot write \/dev\/full: no space left on device\. Free some space/);
    expect(r.code).toBe(1);
    expect(lstatSync('/dev/full').isCharacterDevice()).toBe(true);
  });
});

describe('writes are atomic and keep links', () => {
  it('replaces an existing --json file whole, through a symbolic link, leaving no temporary file', () => {
    const base = fresh('atomic');
    writeFileSync(join(base, 'real.json'), 'old');
    symlinkSync('real.json', join(base, 'link.json'));
    mkdirSync(join(base, 'sub'));
    const r = runCli(['cluster', model, ...fast, '--json', join(base, 'link.json'), '--report', join(base, 'sub', 'page.html')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(lstatSync(join(base, 'link.json')).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(join(base, 'real.json'), 'utf8')).kind).toBe('modscope/cluster');
    expect(readdirSync(base).sort()).toEqual(['link.json', 'real.json', 'sub']);
    expect(readdirSync(join(base, 'sub'))).toEqual(['page.html']);
  });
});
