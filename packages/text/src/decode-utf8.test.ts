import { CorruptFileError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { decodeUtf8, firstInvalidUtf8 } from './decode-utf8.js';

const bytes = (...b: number[]) => new Uint8Array(b);

describe('decodeUtf8', () => {
  it('decodes UTF-8 and keeps a byte-order mark as U+FEFF', () => {
    expect(decodeUtf8(new TextEncoder().encode('Grüße 😀'), 'x')).toBe('Grüße 😀');
    expect(decodeUtf8(bytes(0xef, 0xbb, 0xbf, 0x61), 'x')).toBe('\uFEFFa');
  });

  it('names the file, the first bad byte, its offset and line, and how to fix it', () => {
    const latin1 = bytes(0x61, 0x0a, 0x62, 0xfc, 0x63); // "a\nbüc" in Latin-1
    let error: unknown;
    try {
      decodeUtf8(latin1, 'de.txt');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CorruptFileError);
    expect((error as Error).message).toBe(
      'de.txt is not a valid UTF-8 text file: byte 0xfc at offset 3 (line 2) is not valid UTF-8. Convert the file to UTF-8 (e.g. `iconv -f latin1 -t utf-8 FILE > FILE.utf8`) or leave it out of the corpus.',
    );
    expect((error as Error).message).not.toContain('\n');
  });

  it('finds the start of each kind of ill-formed sequence', () => {
    expect(firstInvalidUtf8(bytes(0x61, 0x80))).toBe(1); // stray continuation byte
    expect(firstInvalidUtf8(bytes(0x61, 0xc3))).toBe(1); // truncated at the end
    expect(firstInvalidUtf8(bytes(0x61, 0xc3, 0x41))).toBe(1); // bad continuation
    expect(firstInvalidUtf8(bytes(0xc0, 0xaf))).toBe(0); // overlong 2-byte
    expect(firstInvalidUtf8(bytes(0x61, 0x62, 0xe0, 0x80, 0x80))).toBe(2); // overlong 3-byte
    expect(firstInvalidUtf8(bytes(0xed, 0xa0, 0x80))).toBe(0); // surrogate
    expect(firstInvalidUtf8(bytes(0xf4, 0x90, 0x80, 0x80))).toBe(0); // above U+10FFFF
    expect(firstInvalidUtf8(bytes(0xf0, 0x9f, 0x98, 0x80, 0xff))).toBe(4); // after a valid emoji
    expect(firstInvalidUtf8(new TextEncoder().encode('ok ü € 😀'))).toBe(14);
  });

  it('agrees with the strict TextDecoder on random bytes', () => {
    let seed = 12345;
    const next = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 16;
    };
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for (let trial = 0; trial < 5000; trial++) {
      const b = new Uint8Array(1 + (next() % 8));
      for (let i = 0; i < b.length; i++) b[i] = next() % 4 === 0 ? next() % 128 : 0x80 + (next() % 128);
      const offset = firstInvalidUtf8(b);
      let valid = true;
      try {
        decoder.decode(b);
      } catch {
        valid = false;
      }
      expect(offset === b.length, `bytes ${Array.from(b, (x) => x.toString(16))}`).toBe(valid);
      // the prefix before the reported offset is valid UTF-8 on its own
      if (!valid) expect(() => decoder.decode(b.subarray(0, offset))).not.toThrow();
    }
  });
});
