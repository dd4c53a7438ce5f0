import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorruptFileError, InvalidArgumentError, MissingFileError, ModscopeError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { createCharTokenizer } from './char-tokenizer.js';
import { tokenizeCorpus } from './tokenize-corpus.js';

const EN = '/usr/share/games/fortunes/computers';
const DE = ['/usr/share/games/fortunes/de/computer', '/usr/share/games/fortunes/de/wusstensie'];

describe('tokenizeCorpus', () => {
  it('tokenizes real English and German text, one token per code point, files concatenated in order', async () => {
    const en = await readFile(EN, 'utf8');
    const chars = ['\u0000', ...[...new Set(en)].sort()];
    const tokenizer = createCharTokenizer({ chars, unknown: 0 });
    const corpus = await tokenizeCorpus(
      [
        { name: 'en', files: [EN] },
        { name: 'de', files: DE },
      ],
      tokenizer,
    );
    expect(corpus.vocabSize).toBe(chars.length);
    expect(corpus.domains.map((d) => d.name)).toEqual(['en', 'de']);
    const [enTokens, deTokens] = corpus.domains.map((d) => d.tokens);
    expect(enTokens!.length).toBe([...en].length);
    expect(enTokens).not.toContain(0); // every English character is in the vocabulary
    const de = await Promise.all(DE.map((f) => readFile(f, 'utf8')));
    const deText = de.join('');
    expect(deTokens!.length).toBe([...deText].length);
    // characters the English text lacks (ä, ö, ü, ß, …) are unknown; the rest round-trip
    const unknowns = [...deText].filter((c) => !chars.includes(c)).length;
    expect(unknowns).toBeGreaterThan(100);
    expect(deTokens!.filter((t) => t === 0).length).toBe(unknowns);
    expect(deTokens!.subarray(0, [...de[0]!].length)).toEqual(tokenizer.encode(de[0]!));
    expect(tokenizer.decode(deTokens!.subarray([...de[0]!].length))).toBe(
      [...de[1]!].map((c) => (chars.includes(c) ? c : '\u0000')).join(''),
    );
  });

  it('names every bad input in one line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modscope-text-'));
    const tokenizer = createCharTokenizer({ chars: ['?', 'a', 'b'], unknown: 0 });
    const file = async (name: string, content: string | Uint8Array) => {
      const path = join(dir, name);
      await writeFile(path, content);
      return path;
    };
    const good = await file('good.txt', 'abab');
    const error = (domains: Parameters<typeof tokenizeCorpus>[0]): Promise<Error> =>
      tokenizeCorpus(domains, tokenizer).then(
        () => {
          throw new Error('expected tokenizeCorpus to reject');
        },
        (e: unknown) => e as Error,
      );
    const oneLine = (e: Error) => {
      expect(ModscopeError.isInstance(e)).toBe(true);
      expect(e.message).not.toContain('\n');
      return e.message;
    };

    const latin1 = await file('latin1.txt', new Uint8Array([0x61, 0x62, 0x0a, 0x47, 0x72, 0xfc, 0xdf, 0x65]));
    const notUtf8 = await error([{ name: 'de', files: [good, latin1] }]);
    expect(notUtf8).toBeInstanceOf(CorruptFileError);
    expect(oneLine(notUtf8)).toBe(
      `${latin1} is not a valid UTF-8 text file: byte 0xfc at offset 5 (line 2) is not valid UTF-8. Convert the file to UTF-8 (e.g. \`iconv -f latin1 -t utf-8 FILE > FILE.utf8\`) or leave it out of the corpus.`,
    );

    const missing = await error([{ name: 'en', files: [join(dir, 'missing.txt')] }]);
    expect(missing).toBeInstanceOf(MissingFileError);
    expect(oneLine(missing)).toBe(
      `Text file of domain 'en' not found: ${join(dir, 'missing.txt')}. Check the path, or pass the file explicitly.`,
    );

    const directory = await error([{ name: 'en', files: [dir] }]);
    expect((directory as ModscopeError).code).toBe('unreadable-file');
    expect(oneLine(directory)).toBe(
      `@modscope/text: cannot read text file of domain 'en' ${dir} (it is a directory). Pass a readable plain-text file.`,
    );

    if (process.getuid?.() !== 0) {
      const locked = await file('locked.txt', 'ab');
      await chmod(locked, 0);
      expect(oneLine(await error([{ name: 'en', files: [locked] }]))).toContain('(EACCES)');
    }

    const empty = await file('empty.txt', '');
    const emptyDomain = await error([{ name: 'en', files: [empty] }]);
    expect(emptyDomain).toBeInstanceOf(InvalidArgumentError);
    expect(oneLine(emptyDomain)).toBe(
      `@modscope/text: domain 'en' is empty: ${empty} has no text. Give each domain at least one non-empty text file: name=path[,path...] or a corpus manifest.`,
    );
    expect(oneLine(await error([{ name: 'en', files: [] }]))).toBe(
      "@modscope/text: domain 'en' has no files. Give each domain at least one non-empty text file: name=path[,path...] or a corpus manifest.",
    );
    expect(oneLine(await error([]))).toContain('@modscope/text: the corpus has no domains.');
    expect(
      oneLine(
        await error([
          { name: 'en', files: [good] },
          { name: 'en', files: [good] },
        ]),
      ),
    ).toBe("@modscope/text: the corpus names domain 'en' twice. Give each domain one entry listing all its files, or distinct names.");
  });
});
