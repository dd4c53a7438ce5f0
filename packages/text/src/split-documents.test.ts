import { readFile } from 'node:fs/promises';
import { InvalidArgumentError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { splitDocuments } from './split-documents.js';

describe('splitDocuments', () => {
  it('splits at lines holding only the separator, keeping each document’s own line breaks', () => {
    expect(splitDocuments('one\n  two\n%\nthree\n%\n')).toEqual(['one\n  two', 'three']);
    expect(splitDocuments('a\r\nb\r\n%\r\nc')).toEqual(['a\r\nb', 'c']);
    expect(splitDocuments('50%\n%%\nx', '%%')).toEqual(['50%', 'x']);
  });

  it('drops blank documents', () => {
    expect(splitDocuments('%\n\n%\n  \n%\nonly\n%\n%\n')).toEqual(['only']);
    expect(splitDocuments('')).toEqual([]);
  });

  it('refuses a separator that is not one non-empty line', () => {
    expect(() => splitDocuments('a', '')).toThrow(InvalidArgumentError);
    expect(() => splitDocuments('a', '%\n')).toThrow(
      '@modscope/text: a document separator must be a non-empty line without line breaks, got "%\\n".',
    );
  });

  it('reads a fortune file as its fortunes', async () => {
    const text = await readFile('/usr/share/games/fortunes/computers', 'utf8');
    const fortunes = splitDocuments(text);
    expect(fortunes.length).toBe(text.split('\n').filter((l) => l === '%').length + (text.endsWith('%\n') ? 0 : 1));
    expect(fortunes[0]).toBe("!07/11 PDP a ni deppart m'I  !pleH");
    expect(fortunes.every((f) => !f.includes('\n%\n'))).toBe(true);
  });
});
