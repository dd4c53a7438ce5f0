import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSystemError } from './fs-errors.js';
import { writeAtomically, writeOutputFile } from './output-file.js';

describe('writeAtomically', () => {
  it('keeps the old file and leaves no temporary file when the write fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modscope-atomic-'));
    const out = join(dir, 'result.json');
    writeFileSync(out, 'old');
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    const failed = writeAtomically(out, async (temp) => {
      writeFileSync(temp, 'half');
      throw full;
    });
    await expect(failed).rejects.toBeInstanceOf(FileSystemError);
    await expect(failed).rejects.toThrow(`cannot write ${out}: no space left on device.`);
    expect(readFileSync(out, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['result.json']);
  });

  it('passes an error about another file (an input read during the write) on unchanged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modscope-atomic-'));
    const missing = Object.assign(new Error('ENOENT'), { code: 'ENOENT', syscall: 'open', path: '/in/results.json' });
    await expect(
      writeAtomically(join(dir, 'r.html'), async () => {
        throw missing;
      }),
    ).rejects.toBe(missing);
  });

  it('replaces the file whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modscope-atomic-'));
    const out = join(dir, 'result.json');
    writeFileSync(out, 'old and longer');
    await writeOutputFile(out, 'new');
    expect(readFileSync(out, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['result.json']);
  });
});
