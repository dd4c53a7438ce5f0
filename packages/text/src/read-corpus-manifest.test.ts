import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorruptFileError, MissingFileError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { readCorpusManifest } from './read-corpus-manifest.js';

describe('readCorpusManifest', () => {
  it('resolves relative paths against the manifest directory and keeps absolute ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modscope-text-'));
    await mkdir(join(dir, 'sub'));
    const path = join(dir, 'sub', 'corpus.json');
    await writeFile(
      path,
      JSON.stringify({
        domains: [
          { name: 'en', files: ['en.txt', '../more.txt'] },
          { name: 'de', files: ['/usr/share/games/fortunes/de/computer'] },
        ],
      }),
    );
    expect(await readCorpusManifest(path)).toEqual([
      { name: 'en', files: [join(dir, 'sub', 'en.txt'), join(dir, 'more.txt')] },
      { name: 'de', files: ['/usr/share/games/fortunes/de/computer'] },
    ]);
  });

  it('names what is wrong with a malformed manifest in one line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modscope-text-'));
    const path = join(dir, 'corpus.json');
    const problem = async (content: string) => {
      await writeFile(path, content);
      const error = await readCorpusManifest(path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CorruptFileError);
      const message = (error as Error).message;
      expect(message).not.toContain('\n');
      expect(message).toMatch(new RegExp(`^${path} is not a valid corpus manifest file: .*Write it as JSON: \\{"domains"`));
      return message;
    };
    expect(await problem('{"domains": [')).toContain('it is not JSON');
    expect(await problem('{"domains": []}')).toContain('domains: must list at least one domain');
    expect(await problem('{"domains": [{"name": "en", "files": []}]}')).toContain('domains[0].files: must list at least one file');
    expect(await problem('{"domains": [{"name": "", "files": ["a"]}]}')).toContain('domains[0].name: must not be empty');
    expect(await problem('{"domains": [{"name": "en", "file": ["a"]}]}')).toContain('domains[0].files: missing (expected array)');
    expect(await problem('{"domains": [{"name": "en", "files": ["a"], "tag": 1}]}')).toContain('domains[0]: Unrecognized key: "tag"');
    await expect(readCorpusManifest(join(dir, 'none.json'))).rejects.toThrow(MissingFileError);
  });
});
