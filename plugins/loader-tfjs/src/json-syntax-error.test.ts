import { describe, expect, it } from 'vitest';
import { createRandom } from '@modscope/core';
import { findJsonSyntaxError } from './json-syntax-error.js';

describe('findJsonSyntaxError', () => {
  it.each([
    ['{"a": ', 'unexpected end of input, expected a value', 1, 7],
    ['{"a": 1} x', "unexpected 'x' after the end of the JSON value", 1, 10],
    ['{"a": 1,}', "unexpected '}', expected a property name in double quotes", 1, 9],
    ['{"a":\n  [1 2]}', "unexpected '2', expected ',' or ']'", 2, 6],
    ['[1,]', "unexpected ']', expected a value", 1, 4],
    ['{"a":"b\nc"}', 'unescaped character U+000A inside a string', 1, 8],
    ['"\\x"', "invalid escape '\\x'", 1, 3],
    ['\uFEFF{}', 'unexpected character U+FEFF, expected a value', 1, 1],
    ['', 'unexpected end of input, expected a value', 1, 1],
  ])('%j: %s at %i:%i', (text, what, line, column) => {
    expect(findJsonSyntaxError(text)).toEqual({ what, line, column });
  });

  it('finds nothing in valid JSON', () => {
    for (const text of ['null', ' {} ', '[[], {"a": [1, -2.5e3, true, false, null, "\\u00e9\\n"]}]']) {
      expect(findJsonSyntaxError(text)).toBeUndefined();
    }
  });

  it('agrees with JSON.parse on which texts are JSON (random short texts)', () => {
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
      if ((findJsonSyntaxError(text) === undefined) !== valid) expect.fail(`disagrees with JSON.parse on ${JSON.stringify(text)}`);
    }
  });

  it('scans deeply nested input without overflowing the stack', () => {
    expect(findJsonSyntaxError('['.repeat(100_000))).toMatchObject({ line: 1, column: 100_001 });
  });
});
