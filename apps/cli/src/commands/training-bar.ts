import type { TrainProgress } from '@modscope/train';
import cliProgress from 'cli-progress';
import { percent } from '../output.js';

/** A progress bar on stderr showing the running loss and accuracy (TTY only, not with --json). */
export function trainingBar(quiet: boolean): { update(p: TrainProgress): void; stop(): void } {
  if (quiet || !process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      format:
        'training     [{bar}] {percentage}% | epoch {epoch} | step {value}/{total} | loss {loss} | accuracy {accuracy} | {duration_formatted}',
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let last = 0;
  return {
    update(p) {
      const payload = { epoch: p.epoch, loss: p.loss.toFixed(4), accuracy: percent(p.accuracy) };
      if (!started) {
        bar.start(p.steps, 0, payload);
        started = true;
      }
      // redraw at most ~20 times a second
      const now = performance.now();
      if (now - last > 50 || p.step === p.steps) {
        bar.update(p.step, payload);
        last = now;
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
