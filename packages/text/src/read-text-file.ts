import { readFile } from 'node:fs/promises';
import { MissingFileError, ModscopeError } from '@modscope/core';
import { decodeUtf8 } from './decode-utf8.js';

/** Reads a file as strict UTF-8 text; `what` names it in errors (e.g. `text file of domain 'en'`). */
export async function readTextFile(path: string, what: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new MissingFileError({ path, what: capitalize(what) });
    throw new ModscopeError({
      code: 'unreadable-file',
      message: `@modscope/text: cannot read ${what} ${path} (${code === 'EISDIR' ? 'it is a directory' : (code ?? (error as Error).message)}).`,
      hint: 'Pass a readable plain-text file.',
      cause: error,
    });
  }
  return decodeUtf8(bytes, path);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
