import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { access, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { FileSystemError, fromErrnoError } from './fs-errors.js';
import { UsageError } from './usage-error.js';

/**
 * The output paths of one command, checked by `checkOutputs` before any work. The rule, for every
 * output option: modscope creates only the last part of a path you name — the file, or the directory
 * of `--out DIR` / `--feature-viz DIR` — never a directory above it, which must exist and be writable.
 */
export interface OutputPlan {
  /** Output files by option name (`--json` → path); undefined and `-` (stdout) are skipped. */
  files?: Record<string, string | undefined>;
  /** Output directories by option name; each is created if missing. */
  dirs?: Record<string, string | undefined>;
  /** The command's input files (`the model`, `the results file`): no output may replace one. */
  inputs?: ReadonlyArray<{ what: string; path: string | undefined }>;
}

interface Named {
  option: string;
  path: string;
  stats: Stats | undefined;
}

const statOf = (path: string) => stat(path).catch(() => undefined);
const sameFile = (a: Named, b: Named) =>
  resolve(a.path) === resolve(b.path) ||
  (a.stats !== undefined && b.stats !== undefined && a.stats.dev === b.stats.dev && a.stats.ino === b.stats.ino);

/**
 * Whether `dir` takes new files: asks the file system, then creates and removes an empty file there (root
 * passes every permission check, yet /sys refuses it). ENOENT there means the directory refuses new files.
 */
async function probeWritable(dir: string, output: string): Promise<void> {
  const probe = join(dir, `.modscope-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await access(dir, constants.W_OK);
    await writeFile(probe, '', { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new FileSystemError({ errno: 'EACCES', path: output, action: 'write' });
    throw fromErrnoError(error, { path: output, action: 'write' }) ?? error;
  }
  await rm(probe, { force: true });
}

/** The directory an output goes into must exist, be a directory and be writable. */
async function checkParent(output: string, action: 'write' | 'create'): Promise<void> {
  const parent = dirname(resolve(output));
  const stats = await statOf(parent);
  if (stats === undefined) {
    throw new FileSystemError({
      errno: 'ENOENT',
      path: output,
      action,
      hint: `Create the directory ${dirname(output)} first: modscope creates no directory above an output.`,
    });
  }
  if (!stats.isDirectory()) throw new FileSystemError({ errno: 'ENOTDIR', path: output, action, hint: `${dirname(output)} is a file.` });
  await probeWritable(parent, output);
}

async function checkFile({ option, path, stats }: Named): Promise<void> {
  if (stats?.isDirectory()) {
    throw new FileSystemError({
      errno: 'EISDIR',
      path,
      action: 'write',
      hint: `Name a file for ${option}, e.g. ${join(path, option === '--json' ? 'result.json' : 'report.html')}.`,
    });
  }
  if (stats !== undefined && !stats.isFile()) {
    // a device or pipe (/dev/stdout) is written in place
    await access(path, constants.W_OK).catch((error) => {
      throw fromErrnoError(error, { path, action: 'write' }) ?? error;
    });
    return;
  }
  await checkParent(path, 'write');
}

async function checkDir({ option, path, stats }: Named): Promise<void> {
  if (stats === undefined) return checkParent(path, 'create');
  if (!stats.isDirectory()) {
    throw new FileSystemError({
      errno: 'EEXIST',
      path,
      action: 'create',
      hint: `${option} names a directory; ${path} is a file. Choose another path.`,
    });
  }
  await probeWritable(path, path);
}

async function named(entries: Record<string, string | undefined> = {}): Promise<Named[]> {
  const given = Object.entries(entries).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '-');
  const empty = given.find(([, path]) => path.trim() === '');
  if (empty !== undefined)
    throw new UsageError({ argument: empty[0], message: `${empty[0]} names no path.`, hint: `Give ${empty[0]} a path.` });
  return Promise.all(given.map(async ([option, path]) => ({ option, path, stats: await statOf(path) })));
}

/**
 * Checks every output path of a command before it starts its work, so that a wrong path costs no
 * computation: an output that would replace an input or another output is a usage error (exit 2);
 * a missing or unwritable directory, or a directory where a file is named, a `FileSystemError` (exit 1).
 */
export async function checkOutputs(plan: OutputPlan): Promise<void> {
  const files = await named(plan.files);
  const dirs = await named(plan.dirs);
  const inputs = await Promise.all(
    (plan.inputs ?? []).flatMap(({ what, path }) =>
      path === undefined ? [] : [(async () => ({ option: what, path, stats: await statOf(path) }))()],
    ),
  );
  const outputs = [...files, ...dirs];
  for (const [i, output] of outputs.entries()) {
    const input = inputs.find((x) => sameFile(x, output));
    if (input !== undefined && !input.stats?.isDirectory()) {
      throw new UsageError({
        argument: output.option,
        message: `${output.option} ${output.path} would replace ${input.option} ${input.path}.`,
        hint: `Choose another path for ${output.option}.`,
      });
    }
    const other = outputs.slice(i + 1).find((x) => sameFile(x, output));
    if (other !== undefined) {
      throw new UsageError({
        argument: other.option,
        message: `${output.option} and ${other.option} both name ${output.path}: one would replace the other.`,
        hint: 'Give each output its own path.',
      });
    }
  }
  for (const file of files) await checkFile(file);
  for (const dir of dirs) await checkDir(dir);
}

/** `checkOutputs` of an analysis command: its `--json FILE` and `--report FILE` against its inputs. */
export function checkResultOutputs(options: { json?: string; report?: string }, inputs: OutputPlan['inputs']): Promise<void> {
  return checkOutputs({ files: { '--json': options.json, '--report': options.report }, ...(inputs ? { inputs } : {}) });
}
