import { describe, expect, it } from 'vitest';
import { createRandom } from '@modscope/core';
import { findJsonSyntaxError } from './json-syntax-error.js';

describe('findJsonSyntaxError', () => {
  it.each([
    ['{"a": ', 'unexpected end of input, expected a value', 1, 7],
    ['{"a": 1} x', "unexpected 'x'", 1, 10],
    ['{"a": 1} {}', "unexpected '{' after the end of the JSON value", 1, 10],
    ['{"a": 1,}', "unexpected '}', expected a property name in double quotes", 1, 9],
    ['{"a":\n  [1 2]}', "unexpected '2', expected ','", 2, 6],
    ['[1,]', "unexpected ']', expected a value", 1, 4],
    ['{"a":"b\nc"}', 'unterminated string', 1, 6],
    ['"\\x"', 'invalid escape in a string', 1, 1],
    ['\uFEFF{}', 'unexpected character U+FEFF', 1, 1],
    ['', 'unexpected end of input, expected a value', 1, 1],
    ['// note\n{}', 'a comment, which JSON does not allow', 1, 1],
  ])('%j: %s at %i:%i', (text, what, line, column) => {
    expect(findJsonSyntaxError(text)).toEqual({ what, line, column });
  });

  it('finds nothing in valid JSON', () => {
    for (const text of ['null', ' {} ', '[[], {"a": [1, -2.5e3, true, false, null, "\\u00e9\\n"]}]']) {
      expect(findJsonSyntaxError(text)).toBeUndefined();
    }
  });

  it('finds an error in every text JSON.parse rejects (random short texts)', () => {
    const random = createRandom(15);
    const pieces = ['{', '}', '[', ']', ',', ':', '"', 'a', '1', '0', '-', '.', 'e', 'true', 'null', ' ', '\\', 'u', '\n'];
    for (let n = 0; n < 20_000; n++) {
      let text = '';
      const length = random.int(10);
      for (let k = 0; k < length; k++) text += pieces[random.int(pieces.length)];
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      if (!valid && findJsonSyntaxError(text) === undefined) expect.fail(`finds nothing wrong in ${JSON.stringify(text)}`);
    }
  });

  it('gives up without throwing on nesting deeper than the parser recurses (the caller keeps JSON.parse’s message)', () => {
    expect(findJsonSyntaxError('['.repeat(100_000))).toBeUndefined();
  });
});
