import { InvalidArgumentError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { parseCorpusSpec } from './corpus-domain.js';

describe('parseCorpusSpec', () => {
  it('reads name=path[,path...]', () => {
    expect(parseCorpusSpec('en=a.txt,dir/b.txt')).toEqual({ name: 'en', files: ['a.txt', 'dir/b.txt'] });
    expect(parseCorpusSpec('de=/x/y=z')).toEqual({ name: 'de', files: ['/x/y=z'] });
  });

  it('names a lone file after itself, without its extension', () => {
    expect(parseCorpusSpec('/usr/share/games/fortunes/computers')).toEqual({
      name: 'computers',
      files: ['/usr/share/games/fortunes/computers'],
    });
    expect(parseCorpusSpec('texts/kjv.txt')).toEqual({ name: 'kjv', files: ['texts/kjv.txt'] });
  });

  it('refuses an empty name or path in one line', () => {
    expect(() => parseCorpusSpec('=a.txt')).toThrow(InvalidArgumentError);
    expect(() => parseCorpusSpec('=a.txt')).toThrow(
      "@modscope/text: cannot read the corpus domain '=a.txt': the domain name before = is empty. Write a domain as name=path[,path...]",
    );
    expect(() => parseCorpusSpec('en=a.txt,')).toThrow('a file path after = is empty');
    expect(() => parseCorpusSpec('en=')).toThrow('a file path after = is empty');
    expect(() => parseCorpusSpec('')).toThrow('it names no file');
  });
});
