// A helper thread of data-parallel language-model training (`trainLanguageModel` with `workers`): it builds
// the same parameters, optimizer and held masks as the calling thread, computes the gradient of its share
// of every batch into its slot of the shared buffer, and applies the same summed gradient, so its weights
// stay equal, bit for bit, to the calling thread's.
import { parentPort, workerData } from 'node:worker_threads';
import type { BackendName } from '@modscope/tfjs-runtime';
import { selectBackend } from '@modscope/tfjs-runtime';
import { createLanguageModelStep, type LanguageModelStep } from './language-model-step.js';
import {
  gradientSlot,
  sumGradientSlots,
  type TrainingWorkerReply,
  type TrainingWorkerRequest,
  type TrainingWorkerStart,
} from './training-workers.js';

if (parentPort) {
  const port = parentPort;
  const start = workerData as TrainingWorkerStart;
  const fail = (error: unknown) => {
    port.postMessage({ type: 'error', message: (error as Error)?.message ?? String(error) } satisfies TrainingWorkerReply);
  };
  const ready: Promise<LanguageModelStep> = selectBackend({ backend: start.backend as BackendName }).then(() =>
    createLanguageModelStep(start.network, start.settings),
  );
  const total = new Float32Array(start.size);
  let queue: Promise<unknown> = ready;
  port.on('message', (message: TrainingWorkerRequest) => {
    queue = queue
      .then(() => ready)
      .then((step) => {
        if (message.type === 'share') {
          const statistics = step.gradients(message.share, gradientSlot(start.buffer, start.size, start.thread, message.parity));
          port.postMessage({ type: 'computed', statistics } satisfies TrainingWorkerReply);
        } else {
          step.apply(sumGradientSlots(start.buffer, start.size, message.active, message.parity, total), message.learningRate);
        }
      })
      .catch(fail);
  });
}
