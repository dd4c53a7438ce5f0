import { VERSION } from './version.js';

/**
 * What a command that submits to a queue needs: the queue options with a warning line when no worker is
 * alive, and an abort signal that SIGINT or SIGTERM fires, so that a stopped run takes its pieces off the
 * queue instead of leaving them to the workers. `dispose` removes the signal handlers.
 */
export function queueRun(url: string): {
  queue: { url: string; version: string; onWaiting: (line: string) => void };
  signal: AbortSignal;
  dispose: () => void;
} {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    queue: { url, version: VERSION, onWaiting: (line) => process.stderr.write(`modscope: warning: ${line}\n`) },
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}
