import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorruptFileError, MissingFileError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { sampleCluster, sampleLesion } from './sample-results.js';
import { writeReport, writeResultsReport } from './write-report.js';

const dir = mkdtempSync(join(tmpdir(), 'modscope-report-'));
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b550000000a49444154789c63600000000200015de5d7d80000000049454e44ae426082',
  'hex',
);

describe('writeReport', () => {
  it('reads results files, embeds images named relative to the results file, and writes the page', async () => {
    mkdirSync(join(dir, 'run', 'features'), { recursive: true });
    writeFileSync(join(dir, 'run', 'features', 'a.png'), PNG);
    writeFileSync(join(dir, 'run', 'lesion.json'), JSON.stringify(sampleLesion()));
    writeFileSync(join(dir, 'cluster.json'), JSON.stringify(sampleCluster()));
    const out = join(dir, 'out', 'report.html');
    const written = await writeReport([join(dir, 'cluster.json'), join(dir, 'run', 'lesion.json')], out, { title: 'Two runs' });
    expect(written).toMatchObject({ path: out, results: 2 });
    expect(written.warnings).toEqual([expect.stringMatching(/features\/b\.png \(named in .*lesion\.json\) not found/)]);
    const html = readFileSync(out, 'utf8');
    expect(written.bytes).toBe(Buffer.byteLength(html));
    expect(html).toContain('<title>Two runs</title>');
    expect(html).toContain(`<img src="data:image/png;base64,${PNG.toString('base64')}"`);
  });

  it('names a missing or unreadable file', async () => {
    await expect(writeReport([join(dir, 'nope.json')], join(dir, 'x.html'))).rejects.toThrow(MissingFileError);
    writeFileSync(join(dir, 'broken.json'), '{"kind": "modscope/lesion", ');
    await expect(writeReport([join(dir, 'broken.json')], join(dir, 'x.html'))).rejects.toThrow(CorruptFileError);
    await expect(writeReport([join(dir, 'broken.json')], join(dir, 'x.html'))).rejects.toThrow(
      /broken\.json is not a valid modscope result file: it is not valid JSON/,
    );
    await expect(writeReport([], join(dir, 'x.html'))).rejects.toThrow(/no results files given/);
  });
});

describe('writeResultsReport', () => {
  it('writes the page of results in memory, with images found from imageDir', async () => {
    mkdirSync(join(dir, 'mem', 'features'), { recursive: true });
    writeFileSync(join(dir, 'mem', 'features', 'a.png'), PNG);
    const out = join(dir, 'mem', 'report.html');
    const written = await writeResultsReport([sampleLesion()], out, { sources: ['lesion.json'], imageDir: join(dir, 'mem') });
    expect(written).toMatchObject({ path: out, results: 1 });
    expect(written.warnings).toEqual([expect.stringMatching(/features\/b\.png \(named in lesion\.json\) not found/)]);
    expect(readFileSync(out, 'utf8')).toContain(`<img src="data:image/png;base64,${PNG.toString('base64')}"`);
  });

  it('names the result that is not one', async () => {
    await expect(writeResultsReport([{ ncut: 1, labels: [] }], join(dir, 'y.html'), { sources: ['old.json'] })).rejects.toThrow(
      /old\.json is not a valid modscope result file: it has no 'kind'/,
    );
  });
});
