import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Node built-ins only: a worker's handlers import this without loading BullMQ.

const HASH = /^[0-9a-f]{64}$/;

let directory: Promise<string> | undefined;
const files = new Map<string, Promise<string>>();

/**
 * This process's own directory for model files: made by `mkdtemp` (mode 0700, so no other user can write
 * in it or plant a link there), the first time it is needed, and removed when the process exits.
 */
function modelDirectory(): Promise<string> {
  directory ??= mkdtemp(join(tmpdir(), 'modscope-worker-')).then(
    (made) => {
      process.once('exit', () => rmSync(made, { recursive: true, force: true }));
      return made;
    },
    (error: unknown) => {
      directory = undefined;
      throw error;
    },
  );
  return directory;
}

/**
 * The path of a file holding a model's bytes, named `<hash>.onnx` in a private directory of this process
 * (`<tmpdir>/modscope-worker-XXXXXX`, mode 0700, removed when the process exits), for a loader that reads
 * files. Each hash is written once per process: calls for the same hash, at once or later, share one write
 * and get the same path. A file is written under a random name (`wx`: never over an existing file or link)
 * and then renamed, so it is never seen half written.
 *
 * On a worker thread, "process" means the thread: it has a directory and files of its own, removed when the
 * thread exits by `process.exit` or by ending (not when it is `terminate`d).
 *
 * `hash` must be the bytes' SHA-256 (64 lowercase hex digits), and `bytes` (or what the function resolves
 * to, called only when the file is not written yet) must already be checked against it, as
 * `context.blob(hash)` of a worker does; the file is not hashed again.
 */
export function modelFile(hash: string, bytes: Uint8Array | (() => Promise<Uint8Array>)): Promise<string> {
  if (!HASH.test(hash)) return Promise.reject(new Error(`not a SHA-256 hash: ${JSON.stringify(hash.slice(0, 80))}.`));
  let file = files.get(hash);
  if (!file) {
    const written = (async () => {
      const [into, data] = await Promise.all([modelDirectory(), typeof bytes === 'function' ? bytes() : bytes]);
      const path = join(into, `${hash}.onnx`);
      const partial = join(into, `${randomUUID()}.partial`);
      try {
        await writeFile(partial, data, { flag: 'wx', mode: 0o600 });
        await rename(partial, path);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
      return path;
    })();
    // a failed write is not kept: the next call for the hash tries again
    written.catch(() => {
      if (files.get(hash) === written) files.delete(hash);
    });
    files.set(hash, written);
    file = written;
  }
  return file;
}
