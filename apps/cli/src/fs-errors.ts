import { ModscopeError } from '@modscope/core';

/** What modscope was doing with a path when the file system refused. */
export type FileAction = 'read' | 'write' | 'create' | 'open' | 'access';

/** Each errno code once: the problem in words and what to do about it. */
const ERRNO: Record<string, { words: string; hint: string }> = {
  EACCES: { words: 'permission denied', hint: 'Check the permissions of the file and its directory, or choose another path.' },
  EPERM: { words: 'operation not permitted', hint: 'Check the permissions of the file and its directory, or choose another path.' },
  EROFS: { words: 'read-only file system', hint: 'Choose a path on a writable file system.' },
  ENOSPC: { words: 'no space left on device', hint: 'Free some space, or write to another disk.' },
  EDQUOT: { words: 'disk quota exceeded', hint: 'Free some space, or write to another disk.' },
  EFBIG: { words: 'file too large', hint: 'Write to a file system that takes larger files.' },
  EISDIR: { words: 'is a directory', hint: 'Name a file, not a directory, e.g. DIR/result.json.' },
  ENOTDIR: { words: 'a part of the path is not a directory', hint: 'Check the path.' },
  ENOENT: { words: 'no such file or directory', hint: 'Check the path (relative paths start from the current directory).' },
  EEXIST: { words: 'already exists', hint: 'Choose another path.' },
  ENAMETOOLONG: { words: 'file name too long', hint: 'Use a shorter path.' },
  ELOOP: { words: 'too many levels of symbolic links', hint: 'Check the symbolic links on the path.' },
  EMFILE: { words: 'too many open files', hint: 'Close other programs, or raise the limit (ulimit -n).' },
  ENFILE: { words: 'too many open files in the system', hint: 'Close other programs, or raise the limit.' },
  EIO: { words: 'input/output error', hint: 'Check the disk or device.' },
  EBUSY: { words: 'resource busy', hint: 'Close the program that holds the file, or choose another path.' },
  ETXTBSY: { words: 'file busy', hint: 'Close the program that holds the file, or choose another path.' },
  EXDEV: { words: 'cross-device link', hint: 'Choose a path on the same disk.' },
  EINVAL: { words: 'invalid argument', hint: 'Check the path.' },
};

/** The verb of a Node.js `syscall` for the message: open → "open", mkdir → "create", … */
const SYSCALL_ACTION: Record<string, FileAction> = {
  open: 'open',
  read: 'read',
  scandir: 'read',
  opendir: 'read',
  write: 'write',
  rename: 'write',
  copyfile: 'write',
  mkdir: 'create',
  stat: 'access',
  lstat: 'access',
  access: 'access',
  realpath: 'access',
};

/** The problem of an errno code in words, and a hint (unknown codes are named as they are). */
export function describeErrno(code: string): { words: string; hint: string } {
  return ERRNO[code] ?? { words: code, hint: 'Check the path.' };
}

/** A file-system failure in one line: the action, the path, the problem in words and a hint. Exits 1. */
export class FileSystemError extends ModscopeError {
  readonly path: string | undefined;
  /** The errno code, e.g. `EACCES`. */
  readonly errno: string;
  constructor(options: { errno: string; path?: string; action: FileAction; hint?: string; cause?: unknown }) {
    const { words, hint } = describeErrno(options.errno);
    const what = options.path !== undefined ? `cannot ${options.action} ${options.path}` : `cannot ${options.action} a file`;
    super({ code: 'file-system', message: `${what}: ${words}.`, hint: options.hint ?? hint, cause: options.cause });
    this.name = 'FileSystemError';
    this.path = options.path;
    this.errno = options.errno;
  }
}

/** Whether an error is a Node.js system error with an errno code (`ENOENT`, …). */
function isErrnoError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  return (
    error instanceof Error &&
    typeof (error as NodeJS.ErrnoException).code === 'string' &&
    /^E[A-Z]+$/.test((error as NodeJS.ErrnoException).code!)
  );
}

/**
 * A raw Node.js file-system error (from anywhere: reading an input, writing an output) as a
 * `FileSystemError`; `undefined` for any other error. `main` calls it, so call sites need not.
 */
export function fromErrnoError(error: unknown, options: { path?: string; action?: FileAction } = {}): FileSystemError | undefined {
  if (!isErrnoError(error)) return undefined;
  const path = options.path ?? (typeof error.path === 'string' ? error.path : undefined);
  const action = options.action ?? SYSCALL_ACTION[error.syscall ?? ''] ?? 'access';
  return new FileSystemError({ errno: error.code, action, ...(path !== undefined ? { path } : {}), cause: error });
}
