import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCharTokenizer } from './char-tokenizer.js';
import { corpusCharVocabulary } from './corpus-char-vocabulary.js';

describe('corpusCharVocabulary', () => {
  it('lists every character of the corpus and the extras once, in code-point order, after the unknown id 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vocab-'));
    await writeFile(join(dir, 'a.txt'), 'baa ü\n');
    await writeFile(join(dir, 'b.txt'), 'cab 😀');
    const vocabulary = await corpusCharVocabulary(
      [
        { name: 'x', files: [join(dir, 'a.txt')] },
        { name: 'y', files: [join(dir, 'b.txt')] },
      ],
      ['HI'],
    );
    expect(vocabulary.chars).toEqual(['\u0000', '\n', ' ', 'H', 'I', 'a', 'b', 'c', 'ü', '😀']);
    expect(vocabulary.unknown).toBe(0);
    const tokenizer = createCharTokenizer(vocabulary);
    expect(tokenizer.decode(tokenizer.encode('cab 😀'))).toBe('cab 😀');
    expect([...tokenizer.encode('z')]).toEqual([0]);
  });
});
