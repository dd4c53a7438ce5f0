import { readFile } from 'node:fs/promises';
import { CorruptFileError, MissingFileError } from '@modscope/core';
import { parseResult, type ParseResultOptions, type ResultFileOf } from './parse-result.js';
import type { ResultKind } from './result-kinds.js';

/**
 * Reads a result file written with `--json FILE` and checks it with `parseResult`. A file that is not
 * there is a `MissingFileError`, one that is not JSON a `CorruptFileError`; both name the file.
 */
export async function readResultFile<K extends ResultKind = ResultKind>(
  path: string,
  options: Omit<ParseResultOptions<K>, 'path'> = {},
): Promise<ResultFileOf<K>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new MissingFileError({ path, what: 'results file', hint: "Write it with a modscope command's --json FILE option." });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new CorruptFileError({
      path,
      format: 'modscope result',
      reason: 'it is not valid JSON',
      hint: "Write it with a modscope command's --json FILE option; the file may be truncated.",
      cause,
    });
  }
  return parseResult(value, { ...options, path });
}
