import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorruptFileError, MissingFileError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { createCharTokenizer, parseCharVocabulary, readCharTokenizer } from './char-tokenizer.js';

const tokenizer = createCharTokenizer({ chars: ['\u0000', 'a', 'b', 'ü', '😀', '\n'], unknown: 0 });

describe('createCharTokenizer', () => {
  it('gives each character its index in chars', () => {
    expect(Array.from(tokenizer.encode('ab\nüa'))).toEqual([1, 2, 5, 3, 1]);
    expect(tokenizer.vocabSize).toBe(6);
  });

  it('counts a code point outside the BMP (two UTF-16 units) as one token', () => {
    expect('😀'.length).toBe(2);
    expect(Array.from(tokenizer.encode('a😀b'))).toEqual([1, 4, 2]);
    expect(Array.from(tokenizer.encode('𝔘'))).toEqual([0]); // unlisted, also one token
  });

  it('maps characters not listed to unknown, without normalizing', () => {
    const other = createCharTokenizer({ chars: ['a', '?', 'ü'], unknown: 1 });
    // "u" + combining diaeresis is two code points, neither listed; the precomposed ü is listed
    expect(Array.from(other.encode('u\u0308ü€a'))).toEqual([1, 1, 2, 1, 0]);
  });

  it('decodes ids back to text, U+FFFD for ids outside the vocabulary', () => {
    expect(tokenizer.decode(tokenizer.encode('ab😀\nü'))).toBe('ab😀\nü');
    expect(tokenizer.decode([1, 6, -1, 2])).toBe('a\uFFFD\uFFFDb');
  });
});

describe('parseCharVocabulary', () => {
  const fails = (text: string) => {
    try {
      parseCharVocabulary(text, 'vocab.json');
    } catch (error) {
      expect(error).toBeInstanceOf(CorruptFileError);
      const message = (error as Error).message;
      expect(message).not.toContain('\n');
      expect(message).toMatch(/^vocab\.json is not a valid character vocabulary file: /);
      expect(message).toContain('Write it as JSON with "chars"');
      return message;
    }
    throw new Error('expected it to throw');
  };

  it('accepts a valid file', () => {
    expect(parseCharVocabulary('{"chars": ["\\u0000", "a", "😀"], "unknown": 0}')).toEqual({ chars: ['\u0000', 'a', '😀'], unknown: 0 });
  });

  it('names the problem of each malformed file in one line', () => {
    expect(fails('{"chars": ["a",')).toContain('it is not JSON');
    expect(fails('{"unknown": 0}')).toContain('file: chars: missing (expected array)');
    expect(fails('{"chars": [], "unknown": 0}')).toContain('chars: must list at least one character');
    expect(fails('{"chars": ["a", "bc"], "unknown": 0}')).toContain('chars[1]: must be exactly one character (one Unicode code point)');
    expect(fails('{"chars": ["a", ""], "unknown": 0}')).toContain('chars[1]: must be exactly one character');
    expect(fails('{"chars": ["a", 7], "unknown": 0}')).toContain('chars[1]: expected string, received number');
    expect(fails('{"chars": ["a", "b", "a"], "unknown": 0}')).toContain('chars[2]: repeats chars[0] ("a")');
    expect(fails('{"chars": ["a", "b"], "unknown": 2}')).toContain('unknown: is 2, past the last index of chars (1)');
    expect(fails('{"chars": ["a", "b"], "unknown": 0.5}')).toContain('unknown: must be an integer token id');
    expect(fails('{"chars": ["a", "b"], "unknown": -1}')).toContain('unknown: must be a token id ≥ 0');
    expect(fails('{"chars": ["a", "b"]}')).toContain('unknown: missing (expected number)');
  });
});

describe('readCharTokenizer', () => {
  it('reads a vocabulary file and names the tokenizer after it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modscope-text-'));
    const path = join(dir, 'vocab.json');
    await writeFile(path, JSON.stringify({ chars: ['?', 'h', 'i'], unknown: 0 }));
    const t = await readCharTokenizer(path);
    expect(t.name).toBe(`chars:${path}`);
    expect(Array.from(t.encode('hi!'))).toEqual([1, 2, 0]);
    await expect(readCharTokenizer(join(dir, 'nope.json'))).rejects.toThrow(MissingFileError);
    await writeFile(path, '{"chars": "abc", "unknown": 0}');
    await expect(readCharTokenizer(path)).rejects.toThrow(
      `${path} is not a valid character vocabulary file: chars: expected array, received string`,
    );
  });
});
