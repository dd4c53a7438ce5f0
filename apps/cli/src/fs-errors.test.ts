import { describe, expect, it } from 'vitest';
import { describeErrno, FileSystemError, fromErrnoError } from './fs-errors.js';

const errno = (code: string, syscall: string, path?: string) =>
  Object.assign(new Error(`${code}: raw message, ${syscall}${path ? ` '${path}'` : ''}`), { code, syscall, ...(path ? { path } : {}) });

describe('fromErrnoError', () => {
  it('says the problem of each common errno code in words, with the path and a hint', () => {
    const cases: Array<[string, string, string]> = [
      ['EACCES', 'open', 'cannot open /data/x.json: permission denied. Check the permissions'],
      ['ENOSPC', 'write', 'cannot write /data/x.json: no space left on device. Free some space'],
      ['EISDIR', 'read', 'cannot read /data/x.json: is a directory. Name a file, not a directory'],
      ['ENOENT', 'open', 'cannot open /data/x.json: no such file or directory. Check the path'],
      ['EROFS', 'mkdir', 'cannot create /data/x.json: read-only file system.'],
    ];
    for (const [code, syscall, start] of cases) {
      const error = fromErrnoError(errno(code, syscall, '/data/x.json'));
      expect(error).toBeInstanceOf(FileSystemError);
      expect(error!.message.startsWith(start)).toBe(true);
      expect(error!.message).not.toContain('raw message');
      expect(error!.message).not.toContain('\n');
      expect(error!.errno).toBe(code);
    }
  });

  it('takes the path and the action from the caller when given (a write names the output, not its temporary file)', () => {
    const error = fromErrnoError(errno('ENOSPC', 'write'), { path: 'out.json', action: 'write' });
    expect(error!.message).toBe('cannot write out.json: no space left on device. Free some space, or write to another disk.');
    expect(fromErrnoError(errno('EIO', 'read'))!.message).toBe('cannot read a file: input/output error. Check the disk or device.');
  });

  it('leaves other errors alone', () => {
    expect(fromErrnoError(new Error('plain'))).toBeUndefined();
    expect(fromErrnoError(Object.assign(new Error('x'), { code: 'invalid-argument' }))).toBeUndefined();
    expect(fromErrnoError('ENOENT')).toBeUndefined();
  });

  it('names an unknown code as it is', () => {
    expect(describeErrno('EWHATEVER')).toEqual({ words: 'EWHATEVER', hint: 'Check the path.' });
  });
});
