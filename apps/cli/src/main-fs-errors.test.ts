import { describe, expect, it, vi } from 'vitest';

// a command that meets a raw file-system error, as a pipeline reading or writing a file would
vi.mock('./commands/inspect.js', () => ({
  inspectCommand: async (path: string) => {
    throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES', syscall: 'open', path });
  },
}));

const { main } = await import('./main.js');

describe('main on a raw file-system error', () => {
  it('prints one line with the path and the problem in words, and exits 1', async () => {
    let err = '';
    const code = await main(['node', 'modscope', 'inspect', '/models/locked.onnx'], { stderr: (s) => (err += s) });
    expect(code).toBe(1);
    expect(err).toBe(
      'modscope: cannot open /models/locked.onnx: permission denied. Check the permissions of the file and its directory, or choose another path.\n',
    );
  });
});
