import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe('modscope demo (the README main job)', () => {
  it('trains, exports, reloads and evaluates the built-in two-task model', () => {
    const out = mkdtempSync(join(tmpdir(), 'modscope-demo-'));
    const r = runCli(['demo', '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as {
      model: { format: string; layers: Array<{ kind: string }> };
      evaluation: { accuracy: number; count: number };
      tasks: Array<{ task: number; accuracy: number }>;
    };
    expect(existsSync(join(out, 'model.onnx'))).toBe(true);
    expect(existsSync(join(out, 'tfjs', 'model.json'))).toBe(true);
    expect(result.model.format).toBe('onnx');
    expect(result.model.layers.filter((l) => l.kind === 'dense')).toHaveLength(3);
    expect(result.evaluation.count).toBe(2000);
    expect(result.tasks).toHaveLength(2);
    for (const t of result.tasks) expect(t.accuracy).toBeGreaterThan(0.9);
  });

  it('is deterministic for a seed', () => {
    const a = runCli(['demo', '--out', mkdtempSync(join(tmpdir(), 'modscope-demo-')), '--json', '--seed', '3']);
    const b = runCli(['demo', '--out', mkdtempSync(join(tmpdir(), 'modscope-demo-')), '--json', '--seed', '3']);
    const acc = (s: string) => (JSON.parse(s) as { evaluation: { confusion: number[][] } }).evaluation.confusion;
    expect(acc(a.stdout)).toEqual(acc(b.stdout));
  });
});
