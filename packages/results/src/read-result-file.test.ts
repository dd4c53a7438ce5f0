import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorruptFileError, MissingFileError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { readResultFile } from './read-result-file.js';
import { clusterExample } from './result-examples.js';

const dir = mkdtempSync(join(tmpdir(), 'modscope-results-'));

describe('readResultFile', () => {
  it('reads and checks a result file', async () => {
    writeFileSync(join(dir, 'cluster.json'), `${JSON.stringify(clusterExample(), null, 2)}\n`);
    const result = await readResultFile(join(dir, 'cluster.json'), { kinds: ['modscope/cluster'] });
    expect(result.ncut).toBe(0.4213);
  });

  it('names a missing file, one that is not JSON, and one of the wrong kind', async () => {
    await expect(readResultFile(join(dir, 'nope.json'))).rejects.toThrow(MissingFileError);
    await expect(readResultFile(join(dir, 'nope.json'))).rejects.toThrow(/results file not found: .*nope\.json/);
    writeFileSync(join(dir, 'truncated.json'), '{"kind": "modscope/lesion", ');
    await expect(readResultFile(join(dir, 'truncated.json'))).rejects.toThrow(CorruptFileError);
    await expect(readResultFile(join(dir, 'truncated.json'))).rejects.toThrow(
      /truncated\.json is not a valid modscope result file: it is not valid JSON/,
    );
    await expect(readResultFile(join(dir, 'cluster.json'), { kinds: ['modscope/lesion'] })).rejects.toThrow(
      /cluster\.json is not a valid modscope result file: it is a cluster result \('modscope\/cluster'\), not a lesion result/,
    );
  });
});
