import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { root } from './run-cli.js';

describe('the installed modscope command (what `npx modscope` runs after npm ci && npm run build)', () => {
  it('is linked into the root node_modules/.bin and runs the built CLI', () => {
    const bin = `${root}node_modules/.bin/modscope`;
    expect(existsSync(bin)).toBe(true);
    const r = spawnSync(bin, ['--version'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('0.1.0');
  });
});
