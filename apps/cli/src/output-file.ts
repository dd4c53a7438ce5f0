import { randomBytes } from 'node:crypto';
import { realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fromErrnoError } from './fs-errors.js';

/** Where `path` really is: a symbolic link is followed, so the link stays and its target is replaced. */
async function resolveTarget(path: string): Promise<string> {
  return realpath(path).catch(() => path);
}

/** A failure of the write itself (named by the temporary file, or by no path: ENOSPC) named by the output path. */
function named(error: unknown, path: string, temp: string): unknown {
  const failed = (error as NodeJS.ErrnoException | null)?.path;
  return failed === undefined || failed === temp || failed === path ? (fromErrnoError(error, { path, action: 'write' }) ?? error) : error;
}

/**
 * Writes an output file atomically: `write` fills a temporary file beside it, which is then renamed
 * over `path`, so a failed or interrupted run leaves the old file (or none) instead of half a file.
 * A device or pipe (`/dev/stdout`) is written directly: it cannot be replaced. Returns what `write` returns.
 */
export async function writeAtomically<T>(path: string, write: (file: string) => Promise<T>): Promise<T> {
  const target = await resolveTarget(path);
  const existing = await stat(target).catch(() => undefined);
  if (existing !== undefined && !existing.isFile()) {
    try {
      return await write(target);
    } catch (error) {
      throw named(error, path, target);
    }
  }
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    const value = await write(temp);
    await rename(temp, target);
    return value;
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw named(error, path, temp);
  }
}

/** Writes `text` to the output file `path` atomically (`writeAtomically`). */
export function writeOutputFile(path: string, text: string): Promise<void> {
  return writeAtomically(path, (file) => writeFile(file, text));
}
