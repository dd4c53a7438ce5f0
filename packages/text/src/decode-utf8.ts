import { CorruptFileError } from '@modscope/core';

// ignoreBOM: a leading U+FEFF stays in the text (and becomes a token), so no byte of the file is dropped.
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes strict UTF-8; bad bytes are a `CorruptFileError` naming the file and the offset of the first one. */
export function decodeUtf8(bytes: Uint8Array, name: string): string {
  try {
    return strict.decode(bytes);
  } catch (error) {
    const offset = firstInvalidUtf8(bytes);
    const line = countLines(bytes, offset);
    throw new CorruptFileError({
      path: name,
      format: 'UTF-8 text',
      reason: `byte 0x${(bytes[offset] ?? 0).toString(16).padStart(2, '0')} at offset ${offset} (line ${line}) is not valid UTF-8`,
      hint: 'Convert the file to UTF-8 (e.g. `iconv -f latin1 -t utf-8 FILE > FILE.utf8`) or leave it out of the corpus.',
      cause: error,
    });
  }
}

/**
 * Offset of the first byte where strict UTF-8 decoding fails: the lead byte of an ill-formed or truncated
 * sequence, or a stray continuation byte (as Python's `UnicodeDecodeError.start`). `bytes.length` if valid.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let need: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) low = 0xa0; // overlong
      if (b === 0xed) high = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) low = 0x90; // overlong
      if (b === 0xf4) high = 0x8f; // above U+10FFFF
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      if (k === 1 ? c < low || c > high : c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}

function countLines(bytes: Uint8Array, end: number): number {
  let lines = 1;
  for (let i = 0; i < end; i++) if (bytes[i] === 0x0a) lines++;
  return lines;
}
